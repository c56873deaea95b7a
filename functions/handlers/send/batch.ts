import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
// zod/mini: the same checks at a twentieth of the bundle size, on the function that sends every email.
import * as z from 'zod/mini';
import { logger } from '../../adapters/logger.ts';
import { SES_REQUEST_TIMEOUT_MS } from '../../adapters/ses-client.ts';
import type { SesPacer } from '../../adapters/ses-pacer.ts';
import type { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { ACTION_NOTICE_KINDS, type ActionSendJob } from '../../domain/actions/model.ts';
import { SEND_STEPS, type SendJob } from '../../domain/model.ts';
import { type SendDeps, SendFailedError, sendInvitation } from '../../use-cases/send.ts';
import { type ActionNoticeDeps, sendActionNotice } from '../../use-cases/send-action-notice.ts';

/** What the send function's batch needs: built once per container by the handler (index.ts). */
export interface SendBatchEnv {
  deps: SendDeps;
  /** Corrective actions' emails (issue 12): one notice to one recipient per job. */
  actionDeps: ActionNoticeDeps;
  pacer: SesPacer;
  /** The send queue itself, where jobs paused for SES's daily quota go back, delayed. */
  sendQueue: Pick<SqsSendQueue, 'enqueue'>;
  /** How long a paused job stays hidden (SQS allows at most 900 s). */
  pauseSeconds: number;
}

const InvitationJob = z.strictObject({
  invitationId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)),
  step: z.enum(SEND_STEPS),
});
const ActionJob = z.strictObject({
  actionId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)),
  notice: z.enum(ACTION_NOTICE_KINDS),
  round: z.number().check(z.int(), z.minimum(0), z.maximum(999)),
  recipient: z.number().check(z.int(), z.minimum(0), z.maximum(99)),
});
/** A job on the send queue: an invitation's email, or an action's (strict: a stray key is refused). */
const Job = z.union([InvitationJob, ActionJob]);
type SendJobValue = SendJob | ActionSendJob;
const isActionJob = (job: SendJobValue): job is ActionSendJob => 'actionId' in job;

export class InvalidSendJobError extends Error {
  constructor(messageId: string) {
    super(`message ${messageId} is not a send job`);
    this.name = 'InvalidSendJobError';
  }
}

function parseJob(record: SQSRecord): SendJobValue {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const job = Job.safeParse(body);
  if (!job.success) throw new InvalidSendJobError(record.messageId);
  return job.data;
}

/** A record returned to the queue untried: the batch stopped before it (throttling, or no time left). */
export class BatchStoppedError extends Error {
  constructor(
    messageId: string,
    readonly reason: 'throttled' | 'time',
  ) {
    super(`message ${messageId} was not tried: the batch stopped (${reason})`);
    this.name = 'BatchStoppedError';
  }
}

/** Time a record needs after its slot: one SES call at most, plus the confirm write. */
const RECORD_RESERVE_MS = SES_REQUEST_TIMEOUT_MS + 2_000;

/** An action's email (send-action-notice.ts); failures are logged as the invitations' are, and rethrown. */
async function sendActionRecord(
  env: SendBatchEnv,
  ids: Record<string, unknown>,
  job: ActionSendJob,
): Promise<void> {
  try {
    const result = await sendActionNotice(env.actionDeps, job);
    if (result.outcome === 'uncertain') {
      logger.warn('action email outcome uncertain: not retried, the notice keeps its claim', {
        ...ids,
        ...result,
      });
    } else {
      logger.debug('action send job done', { ...result });
    }
  } catch (e) {
    if (e instanceof SendFailedError && e.deferred) throw e;
    logger.warn('action send job failed', {
      ...ids,
      actionId: job.actionId,
      notice: job.notice,
      error: e instanceof Error ? e.name : 'unknown',
      ...(e instanceof SendFailedError
        ? {
            released: e.released,
            permanent: e.permanent,
            throttled: e.throttled,
            cause: (e.cause as Error | undefined)?.name,
          }
        : {}),
    });
    throw e;
  }
}

async function sendRecord(env: SendBatchEnv, record: SQSRecord, job: SendJobValue): Promise<void> {
  // Ids and error names only: the body and the SES error text may carry an address.
  const ids = { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount };
  if (isActionJob(job)) return sendActionRecord(env, ids, job);
  try {
    const result = await sendInvitation(env.deps, job);
    if (result.outcome === 'uncertain') {
      logger.warn('send outcome uncertain: not retried, the invitation keeps its claim', {
        ...ids,
        ...result,
      });
    } else if (result.outcome === 'sent' && !result.confirmed) {
      logger.warn('email sent, but its SES message id could not be stored', {
        ...ids,
        invitationId: result.invitationId,
        sesMessageId: result.messageId,
      });
    } else {
      logger.debug('send job done', { ...result });
    }
  } catch (e) {
    // No slot before the deadline: not a failure, the job goes back to the queue with the batch's rest.
    if (e instanceof SendFailedError && e.deferred) throw e;
    logger.warn('send job failed', {
      ...ids,
      error: e instanceof Error ? e.name : 'unknown',
      ...(e instanceof SendFailedError
        ? {
            invitationId: e.invitationId,
            released: e.released,
            permanent: e.permanent,
            throttled: e.throttled,
            cause: (e.cause as Error | undefined)?.name,
          }
        : {}),
    });
    throw e;
  }
}

/** Sends the paused jobs to the queue again, delayed; if that fails, their records go back to it. */
async function pause(
  env: SendBatchEnv,
  paused: Array<{ messageId: string; job: SendJobValue }>,
  response: SQSBatchResponse,
): Promise<void> {
  try {
    await env.sendQueue.enqueue(
      paused.map((p) => p.job),
      { delaySeconds: env.pauseSeconds },
    );
    // For ops: sending is paused, not failing. Counts only, no addresses.
    logger.warn('SES daily sending quota used up: send jobs paused, not sent', {
      paused: paused.length,
      retryInSeconds: env.pauseSeconds,
    });
  } catch (e) {
    // A job both re-sent and returned is harmless: the claim lets one copy send.
    response.batchItemFailures.push(...paused.map((p) => ({ itemIdentifier: p.messageId })));
    logger.error('SES daily sending quota used up, and the paused jobs could not be queued again', {
      paused: paused.length,
      error: e instanceof Error ? e.name : 'unknown',
    });
  }
}

/**
 * SQS batch → one email per send job, the records side by side, each send waiting for the slot it booked
 * in the account's shared SES budget (SesPacer). A record whose slot would start too late for the
 * invocation to finish it goes back to the queue untried; once SES throttles, so does the rest of the
 * batch: sending on into a throttled SES would only spend more SES calls, and a Lambda timeout mid-send
 * would leave a claim nobody can confirm. When SES's daily quota is used up, the batch's jobs are paused
 * instead (see the send handler's QUOTA_PAUSE_SECONDS). Failed records are reported in
 * batchItemFailures so only they are redelivered, even when every record failed (one code path for the
 * local queue and for Lambda).
 */
export async function sendBatch(
  env: SendBatchEnv,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> {
  let stopped: BatchStoppedError['reason'] | 'quota' | undefined;
  // The latest a send may start: after it, one SES call and the confirm write still fit in the invocation.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - RECORD_RESERVE_MS;
  const paused: Array<{ messageId: string; job: SendJobValue }> = [];
  const processRecord = async (record: SQSRecord) => {
    let job: SendJobValue;
    try {
      job = parseJob(record);
    } catch (e) {
      logger.warn('send job failed', { messageId: record.messageId, error: (e as Error).name });
      throw e;
    }
    if (stopped === 'quota' || (!stopped && (await env.pacer.dailyQuotaUsedUp()))) {
      stopped = 'quota';
      paused.push({ messageId: record.messageId, job });
      return;
    }
    if (stopped) throw new BatchStoppedError(record.messageId, stopped);
    try {
      await env.pacer.sendingBy(deadline, () => sendRecord(env, record, job));
    } catch (e) {
      // Not sent and (the claim released) free to go later: paused with the rest of the batch.
      if (e instanceof SendFailedError && e.quotaExceeded) {
        stopped = 'quota';
        paused.push({ messageId: record.messageId, job });
        return;
      }
      if (e instanceof SendFailedError && e.throttled) stopped = 'throttled';
      if (e instanceof SendFailedError && e.deferred) {
        stopped = 'time';
        throw new BatchStoppedError(record.messageId, 'time');
      }
      throw e;
    }
  };
  // A processor per invocation: it holds the batch's state, and a local queue may invoke concurrently.
  // The records go in parallel, each waiting for its own slot in the shared budget: an instance sends as
  // fast as the account's rate allows, not one SES round trip after another.
  const response = await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
    processInParallel: true,
  });
  if (paused.length > 0) await pause(env, paused, response);
  else if (stopped) {
    logger.info('batch stopped; the rest goes back to the queue', {
      reason: stopped,
      returned: response.batchItemFailures.length,
    });
  }
  // In the order of the batch's records, whatever order the parallel sends ended in.
  const order = new Map(event.Records.map((r, i) => [r.messageId, i]));
  response.batchItemFailures.sort(
    (a, b) => (order.get(a.itemIdentifier) ?? 0) - (order.get(b.itemIdentifier) ?? 0),
  );
  return response;
}
