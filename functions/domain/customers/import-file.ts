import type { ImportFormat, ImportProblem } from './import.ts';

/*
 * A directory file dropped in the bucket: which keys are imports, where each one's report goes, and the
 * report of a file refused whole. The S3-triggered import function uses these; nothing here touches S3.
 */

export const IMPORTS_PREFIX = 'imports/';
export const REPORT_SUFFIX = '.report.json';
/**
 * S3 user metadata on an import file that `csat customers erase` rewrote without a customer's rows: its
 * ObjectCreated event must not import the other rows again (stale profiles, retention restarted).
 */
export const ERASURE_REWRITE = { name: 'csat-rewrite', value: 'erasure' } as const;
/** Bigger files are refused with a report: a Lambda holds the text, and 10 MB is ~50,000 customers. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

export interface ImportFileReport {
  /** Good rows stored: exactly those, even when the store failed part-way. */
  imported: number;
  rejected: number;
  problems: ImportProblem[];
  /** Good rows the store failed to take (or never got to): only when it failed part-way. */
  notStored?: number;
  /** What stopped the import, when the store failed part-way; importing the file again is safe. */
  failure?: string;
  generatedAt: string;
}

export type ImportFileOutcome =
  | { key: string; outcome: 'ignored' }
  | { key: string; outcome: 'imported'; reportKey: string; imported: number; rejected: number };

/** `imports/….csv` or `imports/….json` (any depth), but never a report: otherwise undefined. */
export function importFileKey(key: string): { format: ImportFormat } | undefined {
  if (!key.startsWith(IMPORTS_PREFIX) || key.endsWith(REPORT_SUFFIX)) return undefined;
  const match = /\.(csv|json)$/i.exec(key.slice(IMPORTS_PREFIX.length));
  if (!match || match.index === 0) return undefined;
  return { format: match[1]?.toLowerCase() as ImportFormat };
}

/** `imports/a/customers.csv` → `imports/a/customers.report.json`. */
export function importReportKey(key: string): string {
  return `${key.replace(/\.(csv|json)$/i, '')}${REPORT_SUFFIX}`;
}

/** The report of a file that was not read at all (too big, not text): nothing imported. */
export function refusedImport(reason: string, generatedAt: Date): ImportFileReport {
  return {
    imported: 0,
    rejected: 0,
    problems: [{ line: 0, field: '(file)', reason }],
    generatedAt: generatedAt.toISOString(),
  };
}
