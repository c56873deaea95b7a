import { type ImportFormat, type ImportProblem, parseCustomers } from '../domain/customers/import.ts';
import { CustomersWriteError } from '../domain/customers/write-error.ts';
import type { SurveyStore } from '../domain/ports.ts';

/*
 * Imports a customer directory: the `csat customers import` command calls it, and so can a Lambda fed
 * by a file put in the bucket (it reads the object as text and writes the report beside it). Good rows
 * are written, bad ones reported; a customer is keyed by its id, so importing a file again updates the
 * same customers and never duplicates one.
 */

export interface ImportCustomersInput {
  /** The file's content (UTF-8, byte-order mark allowed). */
  text: string;
  format: ImportFormat;
  /** Called before the first write and after each chunk: `done` of `total` good rows are stored. */
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Customers per write call (default 100). */
  chunkSize?: number;
}

export interface ImportCustomersReport {
  imported: number;
  rejected: number;
  /** In line order; a row may have several. */
  problems: ImportProblem[];
}

/**
 * The store failed part-way: exactly `imported` of the `total` good rows are stored (the writes that
 * succeeded beside the one that failed are counted too); importing again is safe. `report` is the import's
 * report as far as it got.
 */
export class CustomerImportError extends Error {
  readonly report: ImportCustomersReport;

  constructor(
    readonly imported: number,
    readonly total: number,
    parsed: Omit<ImportCustomersReport, 'imported'>,
    options: { cause: unknown },
  ) {
    super(
      `the import stopped after ${imported} of ${total} customers were stored (${
        options.cause instanceof Error ? options.cause.message : String(options.cause)
      }); importing the file again is safe`,
      options,
    );
    this.name = 'CustomerImportError';
    this.report = { imported, ...parsed };
  }
}

export async function importCustomers(
  { store }: { store: Pick<SurveyStore, 'putCustomers'> },
  { text, format, onProgress, chunkSize = 100 }: ImportCustomersInput,
): Promise<ImportCustomersReport> {
  const { customers, rejected, problems } = parseCustomers(text, format);
  const total = customers.length;
  onProgress?.({ done: 0, total });
  let done = 0;
  for (let i = 0; i < total; i += chunkSize) {
    const chunk = customers.slice(i, i + chunkSize);
    try {
      await store.putCustomers(chunk);
    } catch (e) {
      // A store that says how many of the chunk it wrote (the DynamoDB one does) keeps the count true;
      // from any other, none of the chunk is counted: the count is then at least what it says.
      const stored = e instanceof CustomersWriteError ? e.stored : 0;
      throw new CustomerImportError(done + stored, total, { rejected, problems }, { cause: e });
    }
    done += chunk.length;
    onProgress?.({ done, total });
  }
  return { imported: done, rejected, problems };
}
