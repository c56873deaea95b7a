import {
  type ImportFileOutcome,
  type ImportFileReport,
  importFileKey,
  importReportKey,
} from '../domain/customers/import-file.ts';
import type { BlobStore, Clock, SurveyStore } from '../domain/ports.ts';
import { CustomerImportError, importCustomers } from './import-customers.ts';

export interface ImportFileDeps {
  store: Pick<SurveyStore, 'putCustomers'>;
  blobs: Pick<BlobStore, 'put'>;
  clock: Clock;
  /** The file's text, the report refusing it unread (too big, not text), or 'rewritten' by an erasure. */
  read(key: string): Promise<string | ImportFileReport | 'rewritten'>;
}

/**
 * One file put under imports/: its good rows imported (importCustomers) and its report written beside it
 * (also when the store fails part-way: the report has the true count, then the CustomerImportError is
 * thrown), or `ignored` when it is no import file (reports land beside the files and match the .json
 * trigger: ignoring them ends the loop) or one an erasure rewrote. `report` is for counts only: its
 * problems can name customers.
 */
export async function importFile(
  deps: ImportFileDeps,
  key: string,
): Promise<{
  outcome: ImportFileOutcome;
  report?: ImportFileReport;
  skipped?: 'no-import-file' | 'rewritten';
}> {
  const file = importFileKey(key);
  if (!file) return { outcome: { key, outcome: 'ignored' }, skipped: 'no-import-file' };
  const text = await deps.read(key);
  if (text === 'rewritten') return { outcome: { key, outcome: 'ignored' }, skipped: 'rewritten' };
  let failed: CustomerImportError | undefined;
  let report: ImportFileReport;
  if (typeof text !== 'string') report = text;
  else {
    const generatedAt = deps.clock.now().toISOString();
    try {
      report = { ...(await importCustomers(deps, { text, format: file.format })), generatedAt };
    } catch (e) {
      if (!(e instanceof CustomerImportError)) throw e;
      failed = e;
      // The report is written all the same, with the true count: the file's owner sees how far it got.
      // The name of what the store said (a throttle, a missing table), not its message: no data in it.
      let cause: unknown = e;
      while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
      report = {
        ...e.report,
        notStored: e.total - e.imported,
        failure: `the store failed (${(cause as Error).name}) after ${e.imported} of ${e.total} good rows were stored; importing the file again is safe`,
        generatedAt,
      };
    }
  }
  const reportKey = importReportKey(key);
  await deps.blobs.put(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  // Then the invocation fails, so the failure is seen (errors metric) and S3 retries it: a retry imports
  // the file again, which is safe, and writes a new report.
  if (failed) throw failed;
  const { imported, rejected } = report;
  return { outcome: { key, outcome: 'imported', reportKey, imported, rejected }, report };
}
