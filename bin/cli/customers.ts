/* `csat customers erase` and `csat customers export`: run with the operator's credentials (StackData). */
import { writeFile } from 'node:fs/promises';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { DynamoCustomerRecords } from '../../functions/adapters/dynamo-erasure.ts';
import { DynamoSuppressions } from '../../functions/adapters/dynamo-suppressions.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import type { CustomerMatch } from '../../functions/domain/erasure.ts';
import {
  type EraseDeps,
  type ErasureReport,
  eraseCustomer,
  exportCustomer,
} from '../../functions/use-cases/erase-customer.ts';
import { type Io, type Options, targetOf, UsageError } from './io.ts';
import type { StackData } from './target.ts';

const CUSTOMER_ID = /^[\w.-]{1,64}$/;
const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** The use case's ports on the target's table and bucket, with the operator's credentials. */
export function eraseDeps(data: StackData): EraseDeps {
  return {
    records: new DynamoCustomerRecords(data.ddb, data.tableName),
    actions: new DynamoActions(data.ddb, data.tableName),
    files: new S3Blobs(data.bucketName, async () => data.s3),
    suppressions: {
      list: new DynamoSuppressions(data.ddb, data.tableName),
      secret: () => data.tokenSecret(),
    },
    clock: { now: () => new Date() },
  };
}

/** `<id>` or `--email ADDRESS`, exactly one, checked before any stack is looked for. */
function matchOf(command: string, args: string[], values: Options): CustomerMatch {
  const [id, ...extra] = args;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  for (const option of ['wave', 'period', 'format'] as const) {
    if (values[option] !== undefined)
      throw new UsageError(`--${option} does not go with customers ${command}`);
  }
  if (values.out !== undefined && command !== 'export')
    throw new UsageError('--out goes with customers export only');
  if (id !== undefined && values.email !== undefined)
    throw new UsageError(`customers ${command} takes a customer id or --email, not both`);
  if (values.email !== undefined) {
    const email = values.email.trim();
    if (!ADDRESS.test(email)) throw new UsageError(`--email needs an email address, not "${values.email}"`);
    return { email };
  }
  if (id === undefined)
    throw new UsageError(
      `customers ${command} needs a customer id or --email ADDRESS, e.g. \`csat customers ${command} c101\``,
    );
  if (!CUSTOMER_ID.test(id))
    throw new UsageError(
      `"${id}" is not a customer id (letters, digits, dot, dash or underscore; at most 64)`,
    );
  return { customerId: id };
}

export function erasureText(report: ErasureReport): string {
  const lines = [
    report.tableRecords
      ? `Erased ${report.customerIds.length === 1 ? 'customer' : 'customers'} ${report.customerIds.join(', ')} at ${report.erasedAt}`
      : `Erased the address at ${report.erasedAt}: no table records (no directory item or invitation has it)`,
    `  directory items deleted: ${report.directory.length}${report.directory.length ? `  ${report.directory.join(', ')}` : ''}`,
    `  invitations erased:      ${report.invitations.length} (${report.responses} with a response: answers and scores kept, comments and who answered erased)`,
    ...report.invitations.map((id) => `    INV#${id}`),
    `  addresses suppressed:    ${report.suppressed} (reason erased: never surveyed again)`,
    `  files rewritten:         ${report.files.length}`,
    ...report.files.map(
      (f) =>
        `    ${f.key}${f.rowsRemoved ? ` (${f.rowsRemoved} row${f.rowsRemoved === 1 ? '' : 's'} removed)` : ''}`,
    ),
    ...(report.notChecked.length
      ? [
          `  not checked:             ${report.notChecked.length} (not UTF-8 text: left as they are, check them by hand)`,
          ...report.notChecked.map((key) => `    ${key}`),
        ]
      : []),
  ];
  return lines.join('\n');
}

/** `csat customers erase <id> | --email ADDRESS` and `csat customers export <id> | --email ADDRESS [--out FILE]`. */
export async function erasureCommand(
  command: 'erase' | 'export',
  args: string[],
  values: Options,
  io: Io,
): Promise<number> {
  const match = matchOf(command, args, values);
  const target = await targetOf(values, io);
  const deps = eraseDeps(target.data);
  if (command === 'erase') {
    const report = await eraseCustomer(deps, match);
    if (report.sameAddress.length > 0)
      io.stderr(
        `csat: warning: ${report.sameAddress.join(', ')} ${report.sameAddress.length === 1 ? 'has' : 'have'} the same address and ${report.sameAddress.length === 1 ? 'was' : 'were'} not erased; \`csat customers erase --email ADDRESS\` erases every customer at it`,
      );
    io.stdout(values.json ? JSON.stringify(report, null, 2) : erasureText(report));
    return notCheckedExit(report.notChecked, io);
  }
  const held = await exportCustomer(deps, match);
  const json = JSON.stringify(held, null, 2);
  if (values.out === undefined) {
    io.stdout(json);
    return notCheckedExit(held.notChecked, io);
  }
  // 'wx': never over an existing file, whose mode (perhaps readable by others) would stay as it was.
  try {
    await writeFile(values.out, `${json}\n`, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
    throw new Error(`${values.out} already exists; an export never overwrites a file: name a new one`);
  }
  const summary = {
    out: values.out,
    customers: held.customers.length,
    invitations: held.invitations.length,
    files: held.files.length,
  };
  io.stdout(
    values.json
      ? JSON.stringify(summary, null, 2)
      : `Wrote ${values.out}: ${summary.customers} directory item(s), ${summary.invitations} invitation(s), ${summary.files} file(s) that mention them`,
  );
  return notCheckedExit(held.notChecked, io);
}

/** Exit 1 when some file could not be decoded as UTF-8 (everything else was done). */
function notCheckedExit(notChecked: string[], io: Io): number {
  if (notChecked.length === 0) return 0;
  io.stderr(
    `csat: ${notChecked.length} file(s) are not UTF-8 text and were not checked: ${notChecked.join(', ')}`,
  );
  return 1;
}
