#!/usr/bin/env tsx
/*
 * `csat` ops CLI (`npx csat …`, `npm run csat -- …`): dispatch a wave, run a wave or period report,
 * show the return rate, import the customer directory, against the running local stack (found through
 * .csat-local/stack.json) or, with --stack NAME, a deployed one (its CloudFormation outputs name the functions and the table).
 * Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../functions/adapters/dynamo-store.ts';
import { EXCLUSION_REASONS, type ExclusionReason, type Exclusions } from '../functions/domain/audience.ts';
import { COLUMNS, type ImportFormat } from '../functions/domain/customers/import.ts';
import { findCampaign } from '../functions/domain/programme.ts';
import { PeriodError, parsePeriod } from '../functions/domain/report/period.ts';
import type { DepartmentTally, Tally } from '../functions/domain/status.ts';
import type { DispatchResponse } from '../functions/handlers/dispatch/index.ts';
import type { RemindResponse } from '../functions/handlers/remind/index.ts';
import type { ReportResponse } from '../functions/handlers/report/index.ts';
import {
  type ImportCustomersInput,
  type ImportCustomersReport,
  importCustomers,
} from '../functions/use-cases/import-customers.ts';
import { describeReportOutcome, isSkipped } from '../functions/use-cases/report.ts';
import { type CampaignStatusReport, getCampaignStatus } from '../functions/use-cases/status.ts';
import { callControl, DEFAULT_DATA_DIR, findLocalStack } from '../local/stack.ts';
import { programme } from '../programme/index.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Shows how far a long command got (`main` draws a bar when stderr is a terminal). */
  progress?: (done: number, total: number) => void;
}

const USAGE = `Usage: csat <command> <campaign> [options]
       csat customers import <file> [options]

Commands:
  dispatch <campaign>              send a new wave of the campaign now
  report <campaign> [--wave ID | --period KEY]
                                   write the report of the latest wave (or of --wave ID), or with
                                   --period the report of a month (2026-11), quarter (2026-Q4),
                                   half-year (2026-H2) or year (2026) over every wave dispatched in it,
                                   and email it (period reports: also to the department heads)
  remind <campaign>                send the reminders due today to customers who have not answered
  status <campaign>                invited, answered, return rate vs target, per wave and department
  customers import <file>          add or update customers (by id) from a CSV or JSON file; bad rows
                                   are listed and left out, and the exit code is 1 if there are any.
                                   CSV columns: ${COLUMNS.map((c) => c.column).join(',')}

Options:
  --json             machine-readable output on stdout
  --wave ID          report: the wave to report (default: the latest)
  --period KEY       report: the period to report, 2026-11, 2026-Q4, 2026-H2 or 2026
  --format FORMAT    csv or json: the import file's format (default: json for *.json, else csv)
  --stack NAME       talk to this deployed stack (CloudFormation stack name; env CSAT_STACK)
  --region REGION    region of the deployed stack (default: the AWS SDK's)
  --data-dir DIR     data folder of the local stack (default .csat-local/; env CSAT_DATA_DIR)
  -h, --help         this help

Without --stack, csat talks to the local stack that \`npm start\` runs.`;

class UsageError extends Error {}

/** Which report: a wave's (the latest unless `waveId`) or, with `period`, a period's. Never both. */
export type ReportRequest = { waveId?: string; period?: never } | { period: string; waveId?: never };

/** The report function's event fields beside `campaignId` (the local control API takes the same). */
const reportFields = (which: ReportRequest): { waveId?: string; period?: string } => ({
  ...(which.waveId ? { waveId: which.waveId } : {}),
  ...(which.period ? { period: which.period } : {}),
});

/** Where the commands run: the local stack or a deployed one. */
interface Target {
  dispatch(campaignId: string): Promise<DispatchResponse>;
  report(campaignId: string, which: ReportRequest): Promise<ReportResponse>;
  remind(campaignId: string): Promise<RemindResponse>;
  status(campaignId: string): Promise<CampaignStatusReport>;
  importCustomers(input: ImportCustomersInput): Promise<ImportCustomersReport>;
}

async function localTarget(dataDir: string): Promise<Target> {
  const info = await findLocalStack(dataDir);
  const store = new DynamoStore(
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: info.endpoints.dynamodb,
        region: info.region,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }),
    ),
    info.tableName,
  );
  return {
    dispatch: (id) => callControl<DispatchResponse>(info, 'POST', `dispatch/${encodeURIComponent(id)}`),
    report: (id, which) =>
      callControl<ReportResponse>(info, 'POST', `report/${encodeURIComponent(id)}`, reportFields(which)),
    remind: (id) => callControl<RemindResponse>(info, 'POST', `remind/${encodeURIComponent(id)}`),
    status: (id) => getCampaignStatus({ store }, { campaignId: id }),
    importCustomers: (input) => importCustomers({ store }, input),
  };
}

async function deployedTarget(stackName: string, region: string | undefined): Promise<Target> {
  // Loaded only here: the local path needs neither client.
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const config = region ? { region } : {};
  const { Stacks } = await new CloudFormationClient(config).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const output = (key: string): string => {
    const value = outputs[key];
    if (!value)
      throw new Error(
        `stack ${stackName} has no output ${key}; is it a csat stack, deployed from this version?`,
      );
    return value;
  };
  const lambda = new LambdaClient(config);
  const invoke = async <T>(functionName: string, event: unknown): Promise<T> => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const payload: unknown = out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload) || 'null') : null;
    if (out.FunctionError) {
      const p = payload as { errorType?: string; errorMessage?: string } | null;
      throw new Error(
        `${functionName} failed: ${p?.errorType ?? out.FunctionError}: ${p?.errorMessage ?? ''}`,
      );
    }
    return payload as T;
  };
  const store = new DynamoStore(DynamoDBDocumentClient.from(new DynamoDBClient(config)), output('TableName'));
  return {
    dispatch: (campaignId) => invoke(output('DispatchFunctionName'), { campaignId }),
    report: (campaignId, which) =>
      invoke(output('ReportFunctionName'), { campaignId, ...reportFields(which) }),
    remind: (campaignId) => invoke(output('RemindFunctionName'), { campaignId }),
    status: (campaignId) => getCampaignStatus({ store }, { campaignId }),
    importCustomers: (input) => importCustomers({ store }, input),
  };
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)} %`;

/** A plain aligned table: text columns left, numbers right. */
export function table(head: string[], rows: string[][], right: number[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

const NONE = '–';

/** "yes", or "NO" in capitals so a missed target stands out in a column of yeses. */
const metCell = (met: boolean | null): string => (met === null ? NONE : met ? 'yes' : 'NO');

function statusTable(status: CampaignStatusReport): string {
  const head = ['Wave', 'Department', 'Invited', 'Answered', 'Return', 'Target', 'Met'];
  const row = (wave: string, department: string, t: Tally) => [
    wave,
    department,
    String(t.invited),
    String(t.answered),
    percent(t.returnRate),
    t.target === null ? NONE : percent(t.target),
    metCell(t.met),
  ];
  const rows: string[][] = [];
  const block = (label: string, departments: DepartmentTally[], total: Tally) => {
    departments.forEach((d, i) => {
      rows.push(row(i === 0 ? label : '', d.department, d));
    });
    rows.push(row(departments.length === 0 ? label : '', 'all', total));
  };
  for (const w of status.waves) block(w.waveId, w.departments, w);
  if (status.waves.length > 1) block('all waves', status.departments, status);
  return table(head, rows, [2, 3, 4, 5]);
}

/** `[#######·······]  350/1000` */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${count}`;
}

function importReport(r: ImportCustomersReport): string {
  const summary = `Imported ${r.imported} customer(s); rejected ${r.rejected} row(s).`;
  if (r.problems.length === 0) return summary;
  const rows = r.problems.map((p) => [String(p.line), p.field, p.reason]);
  return [summary, '', table(['Line', 'Field', 'Reason'], rows, [0])].join('\n');
}

/** The file as text; a spreadsheet's legacy encoding (GBK, Latin-1) would import garbled names. */
async function readImportFile(file: string): Promise<string> {
  const bytes = await readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not UTF-8 text: save it as "CSV UTF-8" (or re-encode it) and import again`);
  }
}

const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  notInAudience: 'not in audience',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed',
  surveyedRecently: 'surveyed recently',
  notSampled: 'not sampled',
};

/** `3 not in audience · 1 unsubscribed · …`, every reason shown so a zero reads as checked. */
export const exclusionsText = (e: Exclusions): string =>
  EXCLUSION_REASONS.map((r) => `${e[r]} ${EXCLUSION_LABELS[r]}`).join(' · ');

function human(command: string, result: unknown): string {
  if (command === 'dispatch') {
    const r = result as DispatchResponse;
    const what =
      r.created > 0
        ? `${r.created} new invitation(s) queued`
        : 'already dispatched for this tick: no new invitations';
    const left = r.excluded ? `\nLeft out: ${exclusionsText(r.excluded)} (seed ${r.seed}).` : '';
    return `Wave ${r.waveId} of ${r.campaignId}: ${r.invited} invited, ${what}.${left}`;
  }
  if (command === 'remind') {
    const r = result as RemindResponse;
    if (r.waves.length === 0) return `Campaign ${r.campaignId} has no open wave: no reminders.`;
    return [
      `Campaign ${r.campaignId}: ${r.queued} reminder(s) queued.`,
      '',
      table(
        ['Wave', 'Queued', 'Not due'],
        r.waves.map((w) => [
          w.waveId,
          Object.entries(w.queued)
            .map(([step, n]) => `${step} ${n}`)
            .join(', ') || '0',
          Object.entries(w.notDue)
            .map(([reason, n]) => `${reason} ${n}`)
            .join(', ') || '–',
        ]),
        [],
      ),
    ].join('\n');
  }
  if (command === 'report') {
    const r = result as ReportResponse;
    if ('period' in r) {
      const folder = r.keys.html.replace(/report\.html$/, '');
      return [
        `Report of ${r.campaignId} for ${r.period}${r.final ? ' (final)' : ''}: emailed to ${r.emailed} recipient(s).`,
        r.departments.length > 0
          ? `Departments: ${r.departments.join(', ')} (the files of each under ${folder}departments/).`
          : 'No department had invitations in the period.',
        `${r.rolledUp.length} closed day(s) rolled up now, ${r.liveResponses} response(s) of today read live.`,
        table(
          ['File', 'Key'],
          (['html', 'csv', 'json'] as const).map((k) => [k, r.keys[k]]),
          [],
        ),
        // A report function deployed before the result carried the link answers without one.
        ...(r.htmlUrl ? ['', `Open: ${r.htmlUrl}`] : []),
      ].join('\n');
    }
    // Only a scheduled run skips, but a function that answers so should not print `undefined`s.
    if (isSkipped(r)) return describeReportOutcome(r);
    return [
      describeReportOutcome(r),
      table(
        ['File', 'Key'],
        (['html', 'csv', 'json'] as const).map((k) => [k, r.keys[k]]),
        [],
      ),
      '',
      `Open: ${r.htmlUrl}`,
    ].join('\n');
  }
  const s = result as CampaignStatusReport;
  if (s.waves.length === 0) return `Campaign ${s.campaignId} has no wave yet.`;
  const selections = s.waves.flatMap((w) =>
    w.selection
      ? [
          `  ${w.waveId}: ${exclusionsText(w.selection.excluded)} (of ${w.selection.directory}; seed ${w.selection.seed})`,
        ]
      : [],
  );
  return [
    `Campaign ${s.campaignId}: ${s.invited} invited, ${s.answered} answered, return rate ${percent(s.returnRate)}`,
    '',
    statusTable(s),
    ...(selections.length > 0 ? ['', 'Left out of each wave:', ...selections] : []),
  ].join('\n');
}

interface Options {
  json: boolean;
  stack?: string;
  region?: string;
  wave?: string;
  period?: string;
  format?: string;
  'data-dir'?: string;
}

function targetOf(values: Options, io: Io): Promise<Target> {
  const stackName = values.stack ?? io.env.CSAT_STACK;
  return stackName
    ? deployedTarget(stackName, values.region)
    : localTarget(values['data-dir'] ?? io.env.CSAT_DATA_DIR ?? DEFAULT_DATA_DIR);
}

async function customersCommand(args: string[], values: Options, io: Io): Promise<number> {
  const [sub, file, ...extra] = args;
  if (sub !== 'import')
    throw new UsageError(sub ? `unknown customers command "${sub}"` : 'customers needs import');
  if (!file)
    throw new UsageError('customers import needs a file, e.g. `csat customers import customers.csv`');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.wave !== undefined) throw new UsageError('--wave goes with report only');
  if (values.period !== undefined) throw new UsageError('--period goes with report only');
  const format = values.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format is csv or json, not "${format}"`);

  // Read before looking for the stack: a wrong path should not need one.
  const text = await readImportFile(file);
  const target = await targetOf(values, io);
  const report = await target.importCustomers({
    text,
    format: format satisfies ImportFormat,
    ...(io.progress ? { onProgress: ({ done, total }) => io.progress?.(done, total) } : {}),
  });
  io.stdout(values.json ? JSON.stringify(report, null, 2) : importReport(report));
  return report.problems.length > 0 ? 1 : 0;
}

/** `--wave ID` or `--period KEY` (checked here, so a typo never reaches the stack), or neither. */
function reportRequest(values: Options): ReportRequest {
  if (values.wave !== undefined && values.period !== undefined) {
    throw new UsageError(
      '--wave and --period ask for different reports (a wave, a period): give one of them',
    );
  }
  if (values.period === undefined) return values.wave === undefined ? {} : { waveId: values.wave };
  try {
    return { period: parsePeriod(values.period).key };
  } catch (e) {
    if (e instanceof PeriodError) throw new UsageError(`--period: ${e.message}`);
    throw e;
  }
}

/** A bar redrawn in place on a terminal's stderr; nothing when stderr is a file or a pipe. */
function terminalProgress(): Io['progress'] {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    if (total === 0) return;
    process.stderr.write(`\r${progressBar(done, total)}${done === total ? '\n' : ''}`);
  };
}

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: string[],
  io: Io = {
    stdout: (t) => process.stdout.write(`${t}\n`),
    stderr: (t) => process.stderr.write(`${t}\n`),
    env: process.env,
    progress: terminalProgress(),
  },
): Promise<number> {
  try {
    let parsed: ReturnType<typeof parse>;
    const parse = () =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          json: { type: 'boolean', default: false },
          stack: { type: 'string' },
          region: { type: 'string' },
          wave: { type: 'string' },
          period: { type: 'string' },
          format: { type: 'string' },
          'data-dir': { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    try {
      parsed = parse();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const [command, campaignId, ...extra] = positionals;
    if (!command) throw new UsageError('a command is needed');
    if (command === 'customers') return await customersCommand(positionals.slice(1), values, io);
    if (!['dispatch', 'report', 'remind', 'status'].includes(command))
      throw new UsageError(`unknown command "${command}"`);
    if (values.format !== undefined) throw new UsageError('--format goes with customers import only');
    if (!campaignId) throw new UsageError(`${command} needs a campaign, e.g. \`csat ${command} demo\``);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.wave !== undefined && command !== 'report')
      throw new UsageError('--wave goes with report only');
    if (values.period !== undefined && command !== 'report')
      throw new UsageError('--period goes with report only');
    const which = reportRequest(values);
    if (!findCampaign(programme, campaignId)) {
      throw new UsageError(
        `no campaign "${campaignId}" in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
      );
    }

    const target = await targetOf(values, io);
    const result =
      command === 'dispatch'
        ? await target.dispatch(campaignId)
        : command === 'report'
          ? await target.report(campaignId, which)
          : command === 'remind'
            ? await target.remind(campaignId)
            : await target.status(campaignId);
    io.stdout(values.json ? JSON.stringify(result, null, 2) : human(command, result));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`csat: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`csat: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  // The SDK's notice that it will need Node 22 from 2027 would precede every answer; 'false' shows it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main(process.argv.slice(2));
}
