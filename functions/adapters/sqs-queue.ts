import { setTimeout as sleep } from 'node:timers/promises';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ActionSendJob } from '../domain/actions/model.ts';
import type { SendJob } from '../domain/model.ts';
import type { SendQueue } from '../domain/ports.ts';

/** SQS takes at most ten messages per SendMessageBatch. */
const BATCH = 10;

export interface SqsSendQueueOptions {
  /** Attempts per batch for entries SQS failed on its side (the whole call is retried by the SDK). */
  maxAttempts?: number;
  /** First pause between attempts; doubled each time. */
  baseDelayMs?: number;
  /** Batches in flight at once. */
  concurrency?: number;
}

export class EnqueueError extends Error {
  constructor(
    readonly failed: number,
    detail: string,
  ) {
    super(`${failed} send job(s) could not be queued: ${detail}`);
    this.name = 'EnqueueError';
  }
}

/**
 * SendQueue on SQS SendMessageBatch. A batch call can succeed while some of its entries fail; those
 * are sent again with backoff, and what still fails makes enqueue throw, so the dispatch that asked is
 * retried (it is idempotent) rather than leaving customers silently uninvited.
 */
export class SqsSendQueue implements SendQueue {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    options: SqsSendQueueOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.concurrency = options.concurrency ?? 8;
  }

  /**
   * `delaySeconds` (0–900, SQS's range) hides the messages that long after they are sent: the send
   * handler pauses jobs so while SES's daily quota is used up.
   */
  async enqueue(
    jobs: ReadonlyArray<SendJob | ActionSendJob>,
    options: { delaySeconds?: number } = {},
  ): Promise<void> {
    const delay = options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {};
    const batches: SendMessageBatchRequestEntry[][] = [];
    for (let i = 0; i < jobs.length; i += BATCH) {
      batches.push(
        jobs
          .slice(i, i + BATCH)
          .map((job, j) => ({ Id: String(j), MessageBody: JSON.stringify(job), ...delay })),
      );
    }
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await this.sendBatch(batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
  }

  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      if (Failed.length === 0) return;
      // A sender fault (a malformed entry) fails the same way every time; only SQS-side faults are retried.
      const permanent = Failed.find((f) => f.SenderFault);
      if (permanent) throw new EnqueueError(Failed.length, `${permanent.Code ?? 'SenderFault'}`);
      if (attempt >= this.maxAttempts) {
        throw new EnqueueError(Failed.length, `${Failed[0]?.Code ?? 'failed'} after ${attempt} attempts`);
      }
      const failedIds = new Set(Failed.map((f) => f.Id));
      pending = pending.filter((e) => failedIds.has(e.Id));
      await sleep(this.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
