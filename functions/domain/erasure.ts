import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DirectoryCustomer } from './audience.ts';
import { columnNamed } from './customers/import.ts';
import { escapeHtml } from './html.ts';
import type { Invitation } from './model.ts';
import { normaliseAddress } from './token.ts';

/*
 * Erasure on request (GDPR art. 17): what of a customer's data is removed, and how a file that holds it
 * is rewritten. Pure: the use case (use-cases/erase-customer.ts) reads and writes. The scores and
 * answers a report counts stay, without anything that says whose they are, so every tally still adds up.
 */

/** What replaces each erased text: a comment keeps its place (and its count), not its words. */
export const ERASED = '[erased]';

/** Whom to erase: a directory id, or every customer at an address. */
export type CustomerMatch = { customerId: string; email?: never } | { email: string; customerId?: never };

/** What identifies the customer wherever it is written. */
export interface ErasureTarget {
  customerIds: ReadonlySet<string>;
  /** Normalised addresses (token.ts normaliseAddress). */
  emails: ReadonlySet<string>;
  names: ReadonlySet<string>;
  invitationIds: ReadonlySet<string>;
  /** The free-text answers of their responses, as typed. */
  comments: ReadonlySet<string>;
}

/** A page of the directory and invitations, as erase and export read them. */
export interface RecordsPage {
  customers: DirectoryCustomer[];
  invitations: Invitation[];
  /** Ids of invitations an erase that stopped half-way left marked, to be finished (`finishErasure`). */
  unfinished: string[];
}

/** The directory and invitations as erase and export read and change them (adapters/dynamo-erasure.ts). */
export interface CustomerRecords {
  /** Every directory item and invitation, a page at a time: a whole-table read, for rare requests. */
  pages(): AsyncIterable<RecordsPage>;
  /** Removes the directory item; false when there was none. */
  deleteCustomer(customerId: string): Promise<boolean>;
  /**
   * Replaces the invitation's customer and response with their erased form, drops SES's message ids,
   * records `erasedAt`, stops any further email to it (`unsubscribedAt`, the first time stays) and moves
   * it to a fresh random id, so that its key (a hash of wave and customer id) no longer leads to it.
   * False when the invitation is gone.
   */
  eraseInvitation(
    id: string,
    erased: Pick<Invitation, 'customer' | 'response'>,
    at: string,
  ): Promise<boolean>;
  /** Finishes the move of an invitation an erase left marked (see `unfinished`). */
  finishErasure(id: string): Promise<void>;
}

/** The bucket's files as erase and export read and rewrite them. */
export interface FileStore {
  keys(prefix: string): AsyncIterable<string>;
  /** The file's bytes (decoded by the use case, strictly), or undefined when it is gone. */
  findBytes(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: string, contentType: string, metadata?: Record<string, string>): Promise<void>;
}

/** Whether a directory item or an invitation's customer is the one the request names. */
export const matches = (match: CustomerMatch, c: { id: string; email: string }): boolean =>
  match.customerId !== undefined
    ? c.id === match.customerId
    : normaliseAddress(c.email) === normaliseAddress(match.email);

/** Everything that identifies the matched customers, from their directory items and invitations. */
export function erasureTarget(
  match: CustomerMatch,
  customers: readonly DirectoryCustomer[],
  invitations: readonly Invitation[],
): ErasureTarget {
  const people = [...customers, ...invitations.map((i) => i.customer)];
  const comments = invitations.flatMap((i) => Object.values(i.response?.comments ?? {}));
  return {
    customerIds: new Set(people.map((c) => c.id)),
    emails: new Set(
      [...people.map((c) => c.email), ...(match.email ? [match.email] : [])].map(normaliseAddress),
    ),
    // Names that are only blanks would match everywhere.
    names: new Set(people.map((c) => c.name.trim()).filter((n) => n.length > 0)),
    invitationIds: new Set(invitations.map((i) => i.id)),
    comments: new Set(comments.filter((c) => c.trim().length > 0)),
  };
}

/** The invitation as it stays: who it was to is gone; department, segments, language and the answer stay. */
export function erasedInvitation(invitation: Invitation): Pick<Invitation, 'customer' | 'response'> {
  const { customer, response } = invitation;
  return {
    customer: {
      id: ERASED,
      name: ERASED,
      email: ERASED,
      language: customer.language,
      department: customer.department,
      ...(customer.segments ? { segments: customer.segments } : {}),
    },
    ...(response
      ? {
          response: {
            ...response,
            comments: Object.fromEntries(Object.keys(response.comments).map((k) => [k, ERASED])),
          },
        }
      : {}),
  };
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every case-insensitive occurrence of the texts in `value` (longest first) with ERASED. With
 * `whole`, only where no Latin letter or digit touches it, so that the name "Li" leaves "Delivery" alone
 * (a Chinese name has no spaces around it in Chinese text, so CJK neighbours do not stop a match).
 */
function replaceAll(value: string, texts: Iterable<string>, whole = false): string {
  const sorted = [...texts].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return value;
  const any = sorted.map(escapeRegExp).join('|');
  const pattern = whole ? `(?<![A-Za-z0-9])(?:${any})(?![A-Za-z0-9])` : any;
  return value.replace(new RegExp(pattern, 'giu'), ERASED);
}

/** Addresses anywhere, names as whole words (see replaceAll), and any `extra` texts anywhere. */
const replaceWho = (value: string, t: ErasureTarget, extra: Iterable<string> = []): string =>
  replaceAll(replaceAll(value, [...t.emails, ...extra]), t.names, true);

/** One text value (a JSON string, a CSV cell) with what identifies the customer erased. */
export function redactValue(value: string, t: ErasureTarget): string {
  // A CSV cell neutralised against formulas carries a leading apostrophe (report/csv.ts).
  const bare = value.startsWith("'") ? value.slice(1) : value;
  if (t.invitationIds.has(value) || t.comments.has(value) || t.comments.has(bare)) return ERASED;
  // An id, key, level, grade or language ("price", "A", "zh-CN") is never a name, even a customer's
  // called "Price": erasing it would break the file's structure and its tallies.
  if (IDENTIFIER.test(value)) return value;
  return replaceWho(value, t);
}

const IDENTIFIER = /^[A-Za-z0-9_.-]+$/;

const redactDeep = (value: unknown, t: ErasureTarget): unknown => {
  if (typeof value === 'string') return redactValue(value, t);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, t));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactValue(k, t), redactDeep(v, t)]));
  }
  return value;
};

/** JSON text, rewritten in the layout it had (indented or on one line, with its final newline). */
function redactJson(text: string, t: ErasureTarget): string {
  let parsed: unknown;
  const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
  try {
    parsed = JSON.parse(text.slice(bom.length));
  } catch {
    return redactText(text, t);
  }
  const indented = /^\ufeff?\s*[[{]\s*\n/.test(text);
  const out = bom + JSON.stringify(redactDeep(parsed, t), null, indented ? 2 : undefined);
  return text.endsWith('\n') ? `${out}\n` : out;
}

interface CsvShape {
  bom: boolean;
  crlf: boolean;
}
const shapeOf = (text: string): CsvShape => ({ bom: text.startsWith('\ufeff'), crlf: text.includes('\r\n') });
const csvText = (rows: string[][], shape: CsvShape): string =>
  stringify(rows, { bom: shape.bom, record_delimiter: shape.crlf ? 'windows' : 'unix' });
const csvRows = (text: string): string[][] =>
  parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];

function redactCsv(text: string, t: ErasureTarget): string {
  let rows: string[][];
  try {
    rows = csvRows(text);
  } catch {
    return redactText(text, t);
  }
  return csvText(
    rows.map((row) => row.map((cell) => redactValue(cell, t))),
    shapeOf(text),
  );
}

/** HTML: text is escaped where it is shown (report/html.ts), so the escaped forms are looked for. */
function redactHtml(text: string, t: ErasureTarget): string {
  const escaped = (texts: Iterable<string>) => new Set([...texts].map(escapeHtml));
  const comments = escaped(t.comments);
  const names = { ...t, emails: new Set<string>(), names: escaped(t.names) };
  // A comment is a paragraph of its own (report/html.ts commentBlock): theirs goes whole; in anyone's, a
  // mention of their name. Elsewhere (labels, markup) a name is left alone, so a customer called "Price"
  // does not erase the Price column; addresses and invitation ids are erased wherever they are.
  const out = text.replace(
    /(<div class="comment"><p>)([\s\S]*?)(<\/p>)/g,
    (_all, open, body: string, close) =>
      comments.has(body) ? `${open}${ERASED}${close}` : `${open}${replaceWho(body, names)}${close}`,
  );
  return replaceAll(out, escaped([...t.emails, ...t.invitationIds]));
}

const redactText = (text: string, t: ErasureTarget): string => replaceWho(text, t, t.invitationIds);

/** A file under reports/ or imports/ with what identifies the customer erased (unchanged when none). */
export function redactFile(key: string, text: string, t: ErasureTarget): string {
  const lower = key.toLowerCase();
  if (lower.endsWith('.json')) return redactJson(text, t);
  if (lower.endsWith('.csv')) return redactCsv(text, t);
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return redactHtml(text, t);
  return redactText(text, t);
}

/** An import file's row is the customer's when its id is theirs or its address is theirs. */
const isTheirs = (id: unknown, email: unknown, t: ErasureTarget): boolean =>
  (typeof id === 'string' && t.customerIds.has(id.trim())) ||
  (typeof email === 'string' && t.emails.has(normaliseAddress(email)));

/**
 * A customer file under imports/ (csat customers import's CSV or JSON) without the customer's rows: the
 * rows of their id or address go; what else names them is redacted. Rows removed are counted.
 */
export function withoutCustomerRows(
  key: string,
  text: string,
  t: ErasureTarget,
): { text: string; removed: number } {
  const lower = key.toLowerCase();
  if (lower.endsWith('.csv')) {
    let rows: string[][];
    try {
      rows = csvRows(text);
    } catch {
      return { text: redactText(text, t), removed: 0 };
    }
    const [header = [], ...body] = rows;
    const fields = header.map((h) => columnNamed(h)?.field);
    const kept = body.filter((row) => !isTheirs(row[fields.indexOf('id')], row[fields.indexOf('email')], t));
    const rewritten = csvText(
      [header, ...kept].map((row) => row.map((cell) => redactValue(cell, t))),
      shapeOf(text),
    );
    return { text: rewritten, removed: body.length - kept.length };
  }
  if (lower.endsWith('.json') && !lower.endsWith('.report.json')) {
    try {
      const parsed: unknown = JSON.parse(text.replace(/^\ufeff/, ''));
      if (Array.isArray(parsed)) {
        const kept = parsed.filter((row) => {
          const r = (row ?? {}) as Record<string, unknown>;
          return !isTheirs(r.id, r.email, t);
        });
        const out = redactJson(JSON.stringify(kept, null, 2), t);
        return { text: `${out}\n`, removed: parsed.length - kept.length };
      }
    } catch {
      // Not a customer list: redacted as text below.
    }
  }
  return { text: redactFile(key, text, t), removed: 0 };
}

/** Lines of a file that name the customer (for an export), each cut to `max` characters. */
export function mentionsIn(text: string, t: ErasureTarget, max = 300): string[] {
  const needles = [
    ...t.emails,
    ...[...t.names].map((n) => n.toLowerCase()),
    ...t.invitationIds,
    ...t.comments,
  ];
  return text
    .split(/\r?\n/)
    .filter((line) => {
      const lower = line.toLowerCase();
      return needles.some((n) => n.length > 0 && (lower.includes(n.toLowerCase()) || line.includes(n)));
    })
    .map((line) => (line.length > max ? `${line.slice(0, max)}…` : line));
}
