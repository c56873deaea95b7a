import { SESClient, type SESClientConfig } from '@aws-sdk/client-ses';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/**
 * How long one SES request may take, connecting included. Well under the send function's 30 s timeout:
 * a hung call fails its one job (as an uncertain send) instead of eating the whole batch's time.
 */
export const SES_REQUEST_TIMEOUT_MS = 5_000;
/** Attempts per request when SES throttles, as the SDK's standard mode. */
const MAX_ATTEMPTS = 3;
/** The SDK's base delay for throttling errors; each retry waits up to twice as long as the one before. */
const THROTTLING_DELAY_BASE_MS = 500;

const token = (count: number, delay: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

/**
 * The SDK's retries, but only for throttling: a throttled request proves SES did not take the message.
 * Timeouts, 5xx and dropped connections are not retried, because SES may already have accepted the
 * message and a retry would send a second copy; the caller decides what such an error means. Written
 * out rather than wrapping the SDK's StandardRetryStrategy, whose retry rules (and subpath) move between
 * Smithy releases: these few lines are all csat relies on. The SDK and Smithy are bundled with the
 * function (lib/bundling.ts), so the @smithy imports here resolve from the bundle, never from the Lambda
 * runtime's own SDK copy, which nests Smithy where /var/task cannot import it.
 */
const throttlingOnlyRetries: RetryStrategyV2 = {
  acquireInitialRetryToken: async () => token(0, 0),
  refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo) => {
    const count = previous.getRetryCount();
    if (info.errorType !== 'THROTTLING' || count + 1 >= MAX_ATTEMPTS) throw info.error;
    // The daily quota answers with the rate's code, but frees over hours: the caller pauses instead.
    if (/daily message quota/i.test((info.error as Error | undefined)?.message ?? '')) throw info.error;
    // Full jitter, as the SDK does: instances throttled together do not retry together.
    return token(count + 1, Math.random() * THROTTLING_DELAY_BASE_MS * 2 ** count);
  },
  recordSuccess: () => {},
};

/** An SES (v1) client with csat's request timeout and retry rules; `config` overrides (tests: endpoint). */
export function createSesClient(config: SESClientConfig = {}): SESClient {
  return new SESClient({
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
    requestHandler: new NodeHttpHandler({
      requestTimeout: SES_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    }),
    retryStrategy: throttlingOnlyRetries,
    ...config,
  });
}

let ses: SESClient | undefined;

/** The process's SES (v1) client (see dynamo-client.ts for why each client has its own module). */
export function sesClient(): SESClient {
  ses ??= createSesClient();
  return ses;
}
