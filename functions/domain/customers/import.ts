import { CsvError, parse } from 'csv-parse/sync';
import type * as z from 'zod';
import { Customer } from '../programme.ts';
import { type CellKind, fromCell, recogniseLanguage } from './cells.ts';

/*
 * Reads a customer directory exported from a CRM or a spreadsheet: CSV (a header row naming the columns)
 * or JSON (a list of objects). Every bad row is reported as { line, field, reason } and left out; the
 * good ones come back as Customers. Nothing here writes: the import use case stores what this returns.
 */

export type ImportFormat = 'csv' | 'json';

/** One thing wrong with the file or a row. `line` is 1-based; `field` a column, or (file) / (row). */
export interface ImportProblem {
  line: number;
  field: string;
  reason: string;
}

export interface ParsedDirectory {
  /** The good rows, in file order. */
  customers: Customer[];
  /** Rows (or JSON objects) left out because something is wrong with them. */
  rejected: number;
  problems: ImportProblem[];
}

interface Column {
  /** The CSV header (snake_case); the JSON key is `field`, and either name works in both formats. */
  column: string;
  field: keyof Customer;
  kind: CellKind;
  required?: true;
}

/** The directory's columns, in the order the README documents them. */
export { LIST_SEPARATOR, recogniseLanguage } from './cells.ts';

export const COLUMNS: readonly Column[] = [
  { column: 'id', field: 'id', kind: 'text', required: true },
  { column: 'name', field: 'name', kind: 'text', required: true },
  { column: 'email', field: 'email', kind: 'text', required: true },
  { column: 'language', field: 'language', kind: 'language', required: true },
  { column: 'department', field: 'department', kind: 'text', required: true },
  { column: 'registered_at', field: 'registeredAt', kind: 'text' },
  { column: 'last_interaction_at', field: 'lastInteractionAt', kind: 'text' },
  { column: 'spend_12m', field: 'spend12m', kind: 'number' },
  { column: 'interactions_12m', field: 'interactions12m', kind: 'number' },
  { column: 'key', field: 'key', kind: 'boolean' },
  { column: 'delivery_dates', field: 'deliveryDates', kind: 'list' },
  { column: 'tags', field: 'tags', kind: 'list' },
];

const FILE = '(file)';
const ROW = '(row)';
const REQUIRED = COLUMNS.filter((c) => c.required).map((c) => c.column);
const KNOWN = COLUMNS.map((c) => c.column).join(', ');

// "Registered At", "registered-at", "registeredAt" and "registered_at" all name one column.
const nameKey = (name: string): string =>
  name
    .trim()
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
const BY_NAME = new Map(COLUMNS.flatMap((c) => [[c.column, c] as const, [nameKey(c.field), c] as const]));
export const columnNamed = (name: string): Column | undefined => BY_NAME.get(nameKey(name));

/** A row on its way to a Customer: the values by field, and the name the file gave each field. */
interface RawRow {
  line: number;
  values: Partial<Record<keyof Customer, unknown>>;
  labels: Partial<Record<keyof Customer, string>>;
  problems: ImportProblem[];
}

/** Parses a directory file; never throws on any input. */
export function parseCustomers(text: string, format: ImportFormat): ParsedDirectory {
  const read = format === 'csv' ? readCsv(text) : readJson(text);
  if ('fileProblems' in read) return { customers: [], rejected: read.rows, problems: read.fileProblems };
  const rows = read.map(validate);
  markDuplicateIds(rows);
  // A row's problems in the order of its columns, whatever found them; (row) and unknown fields first.
  const rank = (p: ImportProblem) => {
    const column = columnNamed(p.field);
    return column ? COLUMNS.indexOf(column) : -1;
  };
  for (const row of rows) row.problems.sort((a, b) => rank(a) - rank(b));
  const customers: Customer[] = [];
  let rejected = 0;
  for (const row of rows) {
    if (row.problems.length > 0) rejected++;
    else customers.push(row.customer!);
  }
  return { customers, rejected, problems: rows.flatMap((r) => r.problems) };
}

type Read = RawRow[] | { fileProblems: ImportProblem[]; rows: number };

function readCsv(text: string): Read {
  const lineOf = lineCounter(text);
  // Each record with the byte offset where it ends, collected as the parser goes, so the rows before a
  // syntax error are known too. (The parser's own line count counts a CRLF inside quotes twice.)
  const records: Array<{ cells: string[]; end: number }> = [];
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (cells, context) => {
        records.push({ cells, end: context.bytes });
        return null;
      },
    });
  } catch (e) {
    // A broken quote leaves every later row in doubt (where do they start?), so none is imported. The
    // line is the start of the row the parser choked on: for a quote never closed, the end of the file
    // (where the parser notices) would not help anyone find it.
    const line = lineOf(records.at(-1)?.end ?? 0);
    if (e instanceof CsvError && e.code === 'CSV_QUOTE_NOT_CLOSED') {
      return fileProblem(line, 'not valid CSV: a quote opened in the row on this line is never closed');
    }
    return fileProblem(line, `not valid CSV: ${e instanceof Error ? e.message : String(e)}`);
  }
  // A record starts where the previous one ended, after any blank lines.
  let end = 0;
  const numbered = records.map((r) => {
    const line = lineOf(end);
    end = r.end;
    return { line, cells: r.cells };
  });
  // Rows of empty cells (",,,," from a spreadsheet, or spaces) are not rows anyone meant.
  const [header, ...data] = numbered.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (!header) return fileProblem(1, `the file is empty: its first line must name the columns (${KNOWN})`);
  const columns = header.cells.map((name) => columnNamed(name));
  const headerProblems: ImportProblem[] = [];
  header.cells.forEach((name, i) => {
    const column = columns[i];
    const label = name.trim() || `column ${i + 1}`;
    if (!column)
      headerProblems.push({
        line: header.line,
        field: label,
        reason: `unknown column; the columns are ${KNOWN}`,
      });
    else if (columns.indexOf(column) !== i)
      headerProblems.push({ line: header.line, field: label, reason: 'the column appears twice' });
  });
  for (const required of REQUIRED) {
    if (!columns.some((c) => c?.column === required)) {
      headerProblems.push({
        line: header.line,
        field: required,
        reason: `missing column: every file needs ${REQUIRED.join(', ')}`,
      });
    }
  }
  // A wrong header would misread every row, so none is imported.
  if (headerProblems.length > 0) return { fileProblems: headerProblems, rows: data.length };

  return data.map(({ line, cells }) => {
    const row: RawRow = { line, values: {}, labels: {}, problems: [] };
    if (cells.length !== columns.length) {
      row.problems.push({
        line,
        field: ROW,
        reason: `has ${cells.length} cells where the header has ${columns.length}`,
      });
      return row;
    }
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      const label = header.cells[i]!.trim();
      row.labels[column.field] = label;
      const value = cell.trim();
      if (value === '') return;
      const converted = fromCell(column.kind, value);
      if ('reason' in converted) row.problems.push({ line, field: label, reason: converted.reason });
      else row.values[column.field] = converted.value;
    });
    return row;
  });
}

function readJson(text: string): Read {
  const source = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (e) {
    const position = /position (\d+)/.exec(String((e as Error).message))?.[1];
    const line = position ? lineAt(source, Number(position)) : 1;
    return fileProblem(line, `not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) return fileProblem(1, 'must be a list (a JSON array) of customer objects');
  const lines = elementLines(source);
  return data.map((item: unknown, i) => {
    const line = lines[i] ?? 1;
    const row: RawRow = { line, values: {}, labels: {}, problems: [] };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      row.problems.push({ line, field: ROW, reason: 'must be an object with the customer fields' });
      return row;
    }
    for (const [key, raw] of Object.entries(item)) {
      const column = columnNamed(key);
      if (!column) {
        row.problems.push({
          line,
          field: key,
          reason: `unknown field; the fields are ${COLUMNS.map((c) => c.field).join(', ')}`,
        });
        continue;
      }
      if (row.labels[column.field] !== undefined) {
        row.problems.push({ line, field: key, reason: `the same field as ${row.labels[column.field]}` });
        continue;
      }
      row.labels[column.field] = key;
      const value = typeof raw === 'string' ? raw.trim() : raw;
      // null and "" mean no value, as an empty cell does in CSV.
      if (value !== null && value !== '') row.values[column.field] = value;
    }
    return row;
  });
}

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

const fileProblem = (line: number, reason: string) => ({
  fileProblems: [{ line, field: FILE, reason }],
  rows: 0,
});

/**
 * For byte offsets into the UTF-8 text, in increasing order: the line of the first character at or after
 * the offset that is not a line break. CRLF, LF and a lone CR each end a line.
 */
function lineCounter(text: string): (offset: number) => number {
  const bytes = new TextEncoder().encode(text);
  const CR = 13;
  const LF = 10;
  let line = 1;
  let at = 0;
  return (offset) => {
    let start = offset;
    while (bytes[start] === CR || bytes[start] === LF) start++;
    for (; at < start && at < bytes.length; at++) {
      if (bytes[at] === LF || (bytes[at] === CR && bytes[at + 1] !== LF)) line++;
    }
    return line;
  };
}

/**
 * The line each element of the top-level array of a valid JSON text starts on: JSON.parse forgets where
 * things were, and a report saying "line 214" is what a person can find in an editor.
 */
export function elementLines(json: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '\n') line++;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    if (expectElement && ch !== ']') lines.push(line);
    expectElement = false;
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      expectElement = depth === 1 && ch === '[';
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

type CheckedRow = RawRow & { customer?: Customer };

function validate(row: RawRow): CheckedRow {
  const { line, values, labels, problems } = row;
  const label = (field: keyof Customer) => labels[field] ?? COLUMNS.find((c) => c.field === field)!.column;
  const failed = new Set(problems.map((p) => p.field));
  if (problems.some((p) => p.field === ROW)) return row;

  const candidate: Record<string, unknown> = { ...values };
  if (values.language !== undefined) {
    const language = typeof values.language === 'string' ? recogniseLanguage(values.language) : undefined;
    if (language) candidate.language = language;
    else {
      delete candidate.language;
      failed.add(label('language'));
      problems.push({
        line,
        field: label('language'),
        reason: 'must be zh-CN or en (zh, zh_CN, en-GB, English, 中文… are understood)',
      });
    }
  }
  const result = Customer.safeParse(candidate);
  if (result.success && problems.length === 0) return { ...row, customer: result.data };
  for (const issue of result.success ? [] : result.error.issues) {
    const field = issue.path[0] as keyof Customer | undefined;
    if (field === undefined) continue; // unrecognized keys: the readers only pass known fields
    if (failed.has(label(field))) continue;
    problems.push({ line, field: label(field), reason: reasonOf(issue, values[field]) });
  }
  return row;
}

function reasonOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return 'required';
  const item = issue.path[1];
  return typeof item === 'number' ? `item ${item + 1}: ${issue.message}` : issue.message;
}

/**
 * Two rows with one id would overwrite each other in the order of the file. Which one is right is the
 * file owner's call, so every row sharing an id is rejected, each naming the other lines.
 */
function markDuplicateIds(rows: CheckedRow[]): void {
  const byId = new Map<string, CheckedRow[]>();
  for (const row of rows) {
    const id = row.values.id;
    if (typeof id !== 'string') continue;
    byId.set(id, [...(byId.get(id) ?? []), row]);
  }
  for (const same of byId.values()) {
    if (same.length < 2) continue;
    for (const row of same) {
      const others = same.filter((r) => r !== row).map((r) => r.line);
      row.problems.push({
        line: row.line,
        field: row.labels.id ?? 'id',
        reason: `the same id is on line ${others.join(', ')}: rows with one id would overwrite each other`,
      });
      delete row.customer;
    }
  }
}
