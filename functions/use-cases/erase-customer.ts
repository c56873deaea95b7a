import { responseActionId } from '../domain/actions/lifecycle.ts';
import type { ActionStore } from '../domain/actions/ports.ts';
import type { DirectoryCustomer } from '../domain/audience.ts';
import { ERASURE_REWRITE, IMPORTS_PREFIX } from '../domain/customers/import-file.ts';
import {
  type CustomerMatch,
  type CustomerRecords,
  type ErasureTarget,
  erasedInvitation,
  erasureTarget,
  type FileStore,
  matches,
  mentionsIn,
  redactFile,
  withoutCustomerRows,
} from '../domain/erasure.ts';
import type { Invitation } from '../domain/model.ts';
import type { Clock } from '../domain/ports.ts';
import { REPORTS_PREFIX } from '../domain/report/document.ts';
import type { Suppression } from '../domain/suppression.ts';
import { normaliseAddress } from '../domain/token.ts';
import { type Suppressions, suppressAddress, suppressionsOf } from './suppression.ts';

/*
 * `csat customers erase` and `csat customers export` (GDPR art. 17 and 15): everything csat holds about a
 * customer — their directory item, their invitations with the answers stored on them, their suppression
 * status, and the files under reports/ and imports/ that mention them — read, or erased. Run by an
 * operator with their own credentials against the local or a deployed stack (bin/cli/customers.ts).
 */

export interface EraseDeps {
  records: CustomerRecords;
  /** The corrective actions their answers opened (issue 12): their contact and comments are erased too. */
  actions?: Pick<ActionStore, 'eraseCustomer'>;
  files: FileStore;
  suppressions: Suppressions;
  clock: Clock;
}

/** Nobody in the directory or on any invitation matches the request: nothing was changed. */
export class CustomerNotFoundError extends Error {
  constructor(match: CustomerMatch) {
    super(
      match.customerId !== undefined
        ? `no customer "${match.customerId}" in the directory or on any invitation; nothing was changed`
        : 'no customer with that address in the directory or on any invitation; nothing was changed',
    );
    this.name = 'CustomerNotFoundError';
  }
}

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};
const contentTypeOf = (key: string): string =>
  CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1).toLowerCase()] ?? 'text/plain; charset=utf-8';

interface Found {
  customers: DirectoryCustomer[];
  invitations: Invitation[];
  target: ErasureTarget;
  /** Invitations (anyone's) an erase that stopped half-way left to be moved. */
  unfinished: string[];
  /** By id: other directory ids at one of the customer's addresses (not erased; `--email` would). */
  sharing: string[];
}

/**
 * The customers the request names and all their invitations. By address, the ids found are followed too,
 * so an invitation sent to an address the customer has since changed is theirs as well.
 */
async function find(records: CustomerRecords, match: CustomerMatch): Promise<Found> {
  const scan = async (isTheirs: (c: { id: string; email: string }) => boolean) => {
    const customers: DirectoryCustomer[] = [];
    const invitations: Invitation[] = [];
    const unfinished: string[] = [];
    const directory: Array<{ id: string; email: string }> = [];
    for await (const page of records.pages()) {
      customers.push(...page.customers.filter(isTheirs));
      invitations.push(...page.invitations.filter((i) => isTheirs(i.customer)));
      unfinished.push(...page.unfinished);
      if (match.customerId !== undefined)
        directory.push(
          ...page.customers.filter((c) => !isTheirs(c)).map((c) => ({ id: c.id, email: c.email })),
        );
    }
    return { customers, invitations, unfinished, directory };
  };
  let found = await scan((c) => matches(match, c));
  if (match.email !== undefined) {
    const ids = new Set([...found.customers, ...found.invitations.map((i) => i.customer)].map((c) => c.id));
    found = await scan((c) => ids.has(c.id) || matches(match, c));
  }
  const target = erasureTarget(match, found.customers, found.invitations);
  const sharing = found.directory
    .filter((c) => target.emails.has(normaliseAddress(c.email)))
    .map((c) => c.id);
  return { ...found, target, sharing: [...new Set(sharing)].sort() };
}

const hasRecords = (found: Found): boolean => found.customers.length > 0 || found.invitations.length > 0;

async function* filesUnder(files: FileStore): AsyncIterable<string> {
  yield* files.keys(REPORTS_PREFIX);
  yield* files.keys(IMPORTS_PREFIX);
}

/** A file that is not UTF-8: neither searched nor rewritten (it would come back corrupted). */
const NOT_UTF8 = Symbol('not UTF-8');

/** The file's text, strictly decoded (a byte order mark is kept, so it is written back too). */
async function textOf(files: FileStore, key: string): Promise<string | undefined | typeof NOT_UTF8> {
  const bytes = await files.findBytes(key);
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return NOT_UTF8;
  }
}

export interface CustomerExport {
  exportedAt: string;
  /** The directory items (one per customer id the request matched). */
  customers: DirectoryCustomer[];
  /** Their invitations, each with the response stored on it. */
  invitations: Invitation[];
  /** Per address: whether it is on the suppression list, why and since when. */
  suppression: Array<{ email: string; suppressed: boolean } & Partial<Suppression>>;
  /** Files under reports/ and imports/ that mention them, with the lines that do. */
  files: Array<{ key: string; lines: string[] }>;
  /** Files that are not UTF-8 text, so could not be searched: to be checked by hand. */
  notChecked: string[];
}

/** Everything held about the customer, as it is (changes nothing). */
export async function exportCustomer(deps: EraseDeps, match: CustomerMatch): Promise<CustomerExport> {
  const found = await find(deps.records, match);
  if (!hasRecords(found)) throw new CustomerNotFoundError(match);
  const { customers, invitations, target } = found;
  const emails = [...target.emails].sort();
  const listed = await suppressionsOf(deps.suppressions, emails);
  const files: CustomerExport['files'] = [];
  const notChecked: string[] = [];
  for await (const key of filesUnder(deps.files)) {
    const text = await textOf(deps.files, key);
    if (text === NOT_UTF8) notChecked.push(key);
    if (typeof text !== 'string' || redactFile(key, text, target) === text) continue;
    files.push({ key, lines: mentionsIn(text, target) });
  }
  return {
    exportedAt: deps.clock.now().toISOString(),
    customers,
    invitations,
    suppression: emails.map((email) => {
      const s = listed.get(email);
      return s ? { email, suppressed: true, ...s } : { email, suppressed: false };
    }),
    files,
    notChecked,
  };
}

export interface ErasureReport {
  erasedAt: string;
  /** The customer ids erased. */
  customerIds: string[];
  /** By address: false when neither the directory nor any invitation had it (suppressed, files searched). */
  tableRecords: boolean;
  /** By id: other customer ids in the directory at the same address, left as they are. */
  sameAddress: string[];
  /** Directory items deleted (their keys). */
  directory: string[];
  /** Invitations whose customer and comments were erased (their former ids); answers and scores stay. */
  invitations: string[];
  /** Of those, how many held a response. */
  responses: number;
  /** Addresses put on the suppression list with reason `erased` (how many; the list holds hashes only). */
  suppressed: number;
  /** Files rewritten: report files redacted, import files without the customer's rows. */
  files: Array<{ key: string; rowsRemoved: number }>;
  /** Files that are not UTF-8 text: left untouched, not searched; to be checked by hand. */
  notChecked: string[];
}

/** Rewrites every file under reports/ and imports/ that mentions the target, adding to `rewritten`. */
async function rewriteFiles(
  files: FileStore,
  target: ErasureTarget,
  rewritten: Map<string, number>,
  notChecked: Set<string>,
): Promise<void> {
  for await (const key of filesUnder(files)) {
    const text = await textOf(files, key);
    if (text === NOT_UTF8) notChecked.add(key);
    if (typeof text !== 'string') continue;
    const out = key.startsWith(IMPORTS_PREFIX)
      ? withoutCustomerRows(key, text, target)
      : { text: redactFile(key, text, target), removed: 0 };
    if (out.text === text) continue;
    // Marked, so that the import an ObjectCreated event starts leaves the rewritten file alone.
    const metadata = key.startsWith(IMPORTS_PREFIX)
      ? { [ERASURE_REWRITE.name]: ERASURE_REWRITE.value }
      : undefined;
    await files.put(key, out.text, contentTypeOf(key), metadata);
    rewritten.set(key, (rewritten.get(key) ?? 0) + out.removed);
  }
}

/**
 * Erases the customer, in the order that leaves no window for them to come back:
 * 1. suppresses their addresses for good (reason `erased`), so no dispatch from now on picks them;
 * 2. deletes their directory item, so no dispatch running now can claim them either;
 * 3. rewrites the files under reports/ and imports/ that mention them (while the table still says who
 *    they are, so a run that stopped before step 4 can be repeated by id);
 * 4. erases their invitations (customer and comments; the scores, levels, department and segments that
 *    tallies count stay), each moved to a fresh random id;
 * 5. reads the table once more and erases what a dispatch that raced steps 1–2 created, then rewrites the
 *    files again, so a report made from the table between 3 and 4 loses what it brought back.
 * Running it again finds nothing more to do for what was done. By id, an id it does not find is an error
 * that changes nothing; by address, the address is suppressed and the files searched even when the table
 * holds nothing of it.
 */
export async function eraseCustomer(deps: EraseDeps, match: CustomerMatch): Promise<ErasureReport> {
  const found = await find(deps.records, match);
  if (!hasRecords(found) && match.customerId !== undefined) throw new CustomerNotFoundError(match);
  const at = deps.clock.now().toISOString();
  for (const email of found.target.emails) await suppressAddress(deps.suppressions, email, 'erased', at);
  for (const id of found.unfinished) await deps.records.finishErasure(id);

  const directory: string[] = [];
  const deleteDirectory = async (customers: readonly DirectoryCustomer[]) => {
    for (const c of customers) {
      if (await deps.records.deleteCustomer(c.id)) directory.push(`CUSTOMER#${c.id}`);
    }
  };
  const erased: Invitation[] = [];
  const eraseInvitations = async (invitations: readonly Invitation[]) => {
    for (const invitation of invitations) {
      // The action first: its id comes from the invitation's id, which the erase replaces.
      if (invitation.response) await deps.actions?.eraseCustomer(responseActionId(invitation.id), at);
      if (await deps.records.eraseInvitation(invitation.id, erasedInvitation(invitation), at)) {
        erased.push(invitation);
      }
    }
  };

  await deleteDirectory(found.customers);
  const files = new Map<string, number>();
  const notChecked = new Set<string>();
  await rewriteFiles(deps.files, found.target, files, notChecked);
  await eraseInvitations(found.invitations);

  const late = await find(deps.records, match);
  await deleteDirectory(late.customers);
  await eraseInvitations(late.invitations);
  const target = erasureTarget(
    match,
    [...found.customers, ...late.customers],
    [...found.invitations, ...late.invitations],
  );
  for (const email of target.emails) {
    if (!found.target.emails.has(email)) await suppressAddress(deps.suppressions, email, 'erased', at);
  }
  await rewriteFiles(deps.files, target, files, notChecked);

  return {
    erasedAt: at,
    customerIds: [...target.customerIds].sort(),
    tableRecords: hasRecords(found) || hasRecords(late),
    sameAddress: found.sharing,
    directory,
    invitations: erased.map((i) => i.id),
    responses: erased.filter((i) => i.response).length,
    suppressed: target.emails.size,
    files: [...files].map(([key, rowsRemoved]) => ({ key, rowsRemoved })),
    notChecked: [...notChecked].sort(),
  };
}
