/**
 * The store kept refusing for load (DynamoDB throttling) after its bounded retries: nothing was written,
 * and the same request may succeed a moment later. A page turns it into "please try again" (HTTP 503),
 * never a server error; a job lets its queue or schedule retry it.
 */
export class StoreBusyError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the store is busy: try again shortly', options);
    this.name = 'StoreBusyError';
  }
}
