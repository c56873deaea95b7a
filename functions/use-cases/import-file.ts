import {
  type ImportFileOutcome,
  type ImportFileReport,
  importFileKey,
  importReportKey,
} from '../domain/customers/import-file.ts';
import type { BlobStore, Clock, SurveyStore } from '../domain/ports.ts';
import { importCustomers } from './import-customers.ts';

export interface ImportFileDeps {
  store: Pick<SurveyStore, 'putCustomers'>;
  blobs: Pick<BlobStore, 'put'>;
  clock: Clock;
  /** The file's text, or the report refusing it unread (too big, not text). */
  read(key: string): Promise<string | ImportFileReport>;
}

/**
 * One file put under imports/: its good rows imported (importCustomers) and its report written beside it,
 * or `ignored` when it is no import file (reports land beside the files and match the .json trigger:
 * ignoring them ends the loop). `report` is there for counts only: its problems can name customers.
 */
export async function importFile(
  deps: ImportFileDeps,
  key: string,
): Promise<{ outcome: ImportFileOutcome; report?: ImportFileReport }> {
  const file = importFileKey(key);
  if (!file) return { outcome: { key, outcome: 'ignored' } };
  const text = await deps.read(key);
  const report: ImportFileReport =
    typeof text === 'string'
      ? {
          ...(await importCustomers(deps, { text, format: file.format })),
          generatedAt: deps.clock.now().toISOString(),
        }
      : text;
  const reportKey = importReportKey(key);
  await deps.blobs.put(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  const { imported, rejected } = report;
  return { outcome: { key, outcome: 'imported', reportKey, imported, rejected }, report };
}
