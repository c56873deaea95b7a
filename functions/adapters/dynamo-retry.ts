import { StoreBusyError } from '../domain/store-busy.ts';

/** DynamoDB's answers for "too much load now": the request was refused, so nothing was written. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

export const isThrottling = (e: unknown): boolean =>
  THROTTLING.has((e as { name?: string } | undefined)?.name ?? '');

export interface ThrottleRetry {
  /** Calls at most, the first included. */
  attempts: number;
  /** Full jitter: the n-th wait is random in [0, base × 2^(n−1)). */
  baseDelayMs: number;
  /** No attempt starts after this much time since the first. */
  budgetMs: number;
}

/**
 * A survey submit's retries, on top of the page client's SDK attempts (dynamo-client.ts): up to 4 calls,
 * waits under 0.1, 0.2 and 0.4 s, none started after 3 s. Each call is at most 2 requests and a wait under
 * 1 s, so a throttled submit gives up within ≈4 s and 8 requests: well inside the survey function's 10 s
 * timeout (API Gateway's own limit is 29 s), with time left to show the "please try again" page.
 */
export const SUBMIT_RETRY: ThrottleRetry = { attempts: 4, baseDelayMs: 100, budgetMs: 3_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, again after a jittered wait while DynamoDB throttles it, within `policy`; then gives up
 * with StoreBusyError. Only throttling is retried: it is a refusal, so a conditional write retried after
 * it cannot be made twice; any other error is the caller's.
 */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  policy: ThrottleRetry = SUBMIT_RETRY,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isThrottling(e)) throw e;
      const wait = Math.random() * policy.baseDelayMs * 2 ** (attempt - 1);
      if (attempt >= policy.attempts || Date.now() - started + wait > policy.budgetMs)
        throw new StoreBusyError({ cause: e });
      await sleep(wait);
    }
  }
}
