/*
 * A store's write of several customers that failed part-way. The writes go out concurrently, so when one
 * fails others have already succeeded: the error says how many, so an import's count of stored rows
 * stays true (use-cases/import-customers.ts).
 */

/** `stored` of the `total` customers given were written; the others may not have been. */
export class CustomersWriteError extends Error {
  constructor(
    readonly stored: number,
    readonly total: number,
    options: { cause: unknown },
  ) {
    super(
      `${stored} of ${total} customers were written before the store failed (${
        options.cause instanceof Error ? options.cause.message : String(options.cause)
      })`,
      options,
    );
    this.name = 'CustomersWriteError';
  }
}
