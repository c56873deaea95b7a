import { setTimeout as sleep } from 'node:timers/promises';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS takes at most ten messages per SendMessageBatch. */
const BATCH = 10;

export interface SqsBatchOptions {
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
    what = 'message(s)',
  ) {
    super(`${failed} ${what} could not be queued: ${detail}`);
    this.name = 'EnqueueError';
  }
}

/**
 * Sends JSON messages to one queue with SendMessageBatch, ten to a call, a few calls in flight. A batch
 * call can succeed while some of its entries fail; those are sent again with backoff, and what still
 * fails makes `send` throw, so the caller's run is retried (every csat producer is idempotent) rather than
 * its messages silently lost. The send queue and the dispatch task queue both send through it.
 */
export class SqsBatchSender {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    /** What the messages are, for the error: `send job(s)`, `dispatch task(s)`. */
    private readonly what: string,
    options: SqsBatchOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.concurrency = options.concurrency ?? 8;
  }

  /**
   * Each message's JSON as one SQS message. `delaySeconds` (0–900, SQS's range) hides them that long
   * after they are sent.
   */
  async send(messages: readonly unknown[], options: { delaySeconds?: number } = {}): Promise<void> {
    const delay = options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {};
    const batches: SendMessageBatchRequestEntry[][] = [];
    for (let i = 0; i < messages.length; i += BATCH) {
      batches.push(
        messages
          .slice(i, i + BATCH)
          .map((message, j) => ({ Id: String(j), MessageBody: JSON.stringify(message), ...delay })),
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
      if (permanent) {
        throw new EnqueueError(Failed.length, `${permanent.Code ?? 'SenderFault'}`, this.what);
      }
      if (attempt >= this.maxAttempts) {
        throw new EnqueueError(
          Failed.length,
          `${Failed[0]?.Code ?? 'failed'} after ${attempt} attempts`,
          this.what,
        );
      }
      const failedIds = new Set(Failed.map((f) => f.Id));
      pending = pending.filter((e) => failedIds.has(e.Id));
      await sleep(this.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
