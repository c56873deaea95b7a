import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/*
 * One queue of the local SQS endpoint (sqs-server.ts): its messages, their visibility and receive counts,
 * its dead letters, its file, and the Lambda event source mapping that delivers its batches to a consumer.
 */
export const ACCOUNT_ID = '000000000000';
const REGION = 'us-east-1';

export interface QueueSettings {
  /** How long a received message stays hidden before it is delivered again, in ms. */
  visibilityTimeoutMs: number;
  /** Deliveries before a failing message moves to the dead-letter list (SQS redrive policy). */
  maxReceiveCount: number;
  /** Records per consumer invocation (1–10, as the event source mapping's BatchSize). */
  batchSize: number;
  /** Consumer invocations running at once (the event source mapping's maximum concurrency). */
  concurrency: number;
}

export interface QueueMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentTimestamp: number;
  firstReceiveTimestamp?: number;
  receiveCount: number;
  /** Epoch ms from which the message may be received (send delay or visibility timeout). */
  visibleAt: number;
  receiptHandle?: string;
  /** Set on dead letters. */
  deadLetteredAt?: number;
}

/** The send handler, or any function taking an SQS event; it may return `{ batchItemFailures }`. */
export type SqsConsumer = (event: SQSEvent) => Promise<unknown>;

export interface LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly settings: QueueSettings;
  /** Starts delivering batches to `consumer` (replacing any earlier one); `undefined` stops delivery. */
  consume(consumer: SqsConsumer | undefined): void;
  /** Resolves once no message is waiting, delayed or in flight (dead letters do not count). */
  idle(options?: { timeoutMs?: number }): Promise<void>;
  /** Messages not yet deleted or dead-lettered. */
  pending(): number;
  deadLetters(): QueueMessage[];
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

export class Queue implements LocalQueue {
  readonly url: string;
  readonly arn: string;
  private readonly messages = new Map<string, QueueMessage>();
  private dead: QueueMessage[] = [];
  private consumer: SqsConsumer | undefined;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  constructor(
    readonly name: string,
    endpoint: string,
    readonly settings: QueueSettings,
    private readonly file: string | undefined,
    private readonly onConsumerError: (error: unknown, queueName: string) => void,
  ) {
    this.url = `${endpoint}/${ACCOUNT_ID}/${name}`;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
  }

  restore(state: { messages?: QueueMessage[]; dead?: QueueMessage[] }): void {
    for (const m of state.messages ?? []) this.messages.set(m.messageId, m);
    this.dead = state.dead ?? [];
  }

  /** Writes the queue to disk; concurrent calls coalesce into at most one further write. */
  save(): Promise<void> {
    if (!this.file) return Promise.resolve();
    if (this.saveQueued) return this.saving;
    this.saveQueued = true;
    const file = this.file;
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      const state = JSON.stringify({
        name: this.name,
        settings: this.settings,
        messages: [...this.messages.values()],
        dead: this.dead,
      });
      // Write then rename, so a crash mid-write leaves the previous state, never half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, state);
      await rename(tmp, file);
    });
    return this.saving;
  }

  async send(body: string, delaySeconds = 0): Promise<QueueMessage> {
    const now = Date.now();
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5(body),
      sentTimestamp: now,
      receiveCount: 0,
      visibleAt: now + delaySeconds * 1000,
    };
    this.messages.set(message.messageId, message);
    return message;
  }

  afterSend(): void {
    // Let the sender's other batches arrive before the first delivery, as the event source's poller would.
    setImmediate(() => this.pump());
    this.notify();
  }

  /** Takes up to `max` visible messages, hiding them for `visibilityMs`; moves over-received ones aside. */
  receive(max: number, visibilityMs: number): QueueMessage[] {
    const now = Date.now();
    const taken: QueueMessage[] = [];
    let changed = false;
    for (const m of this.messages.values()) {
      if (taken.length >= max) break;
      if (m.visibleAt > now) continue;
      changed = true;
      if (m.receiveCount >= this.settings.maxReceiveCount) {
        this.messages.delete(m.messageId);
        const { receiptHandle: _r, ...rest } = m;
        this.dead.push({ ...rest, deadLetteredAt: now });
        continue;
      }
      m.receiveCount += 1;
      m.firstReceiveTimestamp ??= now;
      m.receiptHandle = randomBytes(24).toString('base64url');
      m.visibleAt = now + visibilityMs;
      taken.push(m);
    }
    if (changed) void this.save().catch((e: unknown) => this.onConsumerError(e, this.name));
    return taken;
  }

  deleteByHandle(receiptHandle: string): boolean {
    for (const m of this.messages.values()) {
      if (m.receiptHandle === receiptHandle) {
        this.messages.delete(m.messageId);
        return true;
      }
    }
    return false;
  }

  purge(): void {
    this.messages.clear();
  }

  counts(): { visible: number; notVisible: number; delayed: number } {
    const now = Date.now();
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receiveCount === 0) delayed += 1;
      else notVisible += 1;
    }
    return { visible, notVisible, delayed };
  }

  consume(consumer: SqsConsumer | undefined): void {
    this.consumer = consumer;
    if (!consumer) clearTimeout(this.timer);
    this.pump();
  }

  pending(): number {
    return this.messages.size;
  }

  deadLetters(): QueueMessage[] {
    return this.dead.map((m) => ({ ...m }));
  }

  async idle(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (this.messages.size > 0 || this.inFlight > 0) {
      if (Date.now() >= deadline) {
        throw new Error(
          `queue ${this.name} is not idle after ${options.timeoutMs ?? 30_000} ms (${this.messages.size} message(s) left)`,
        );
      }
      await this.changed(Math.min(100, Math.max(1, deadline - Date.now())));
    }
    await this.saving;
  }

  /** Resolves when the queue changes, or after `ms` at the latest. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private pump(): void {
    if (!this.consumer || this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight < this.settings.concurrency) {
      const batch = this.receive(this.settings.batchSize, this.settings.visibilityTimeoutMs);
      if (batch.length === 0) break;
      this.inFlight += 1;
      void this.deliver(this.consumer, batch).finally(() => {
        this.inFlight -= 1;
        this.notify();
        this.pump();
      });
    }
    this.notify();
    const next = Math.min(...[...this.messages.values()].map((m) => m.visibleAt));
    if (Number.isFinite(next) && this.inFlight < this.settings.concurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    }
  }

  private record(m: QueueMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle ?? '',
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentTimestamp),
        SenderId: ACCOUNT_ID,
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: REGION,
    };
  }

  private async deliver(consumer: SqsConsumer, batch: QueueMessage[]): Promise<void> {
    const handles = new Map(batch.map((m) => [m.messageId, m.receiptHandle]));
    let failed: Set<string>;
    try {
      const result = (await consumer({ Records: batch.map((m) => this.record(m)) })) as
        | Partial<SQSBatchResponse>
        | undefined;
      const reported: unknown = result?.batchItemFailures ?? [];
      const ids = Array.isArray(reported) ? reported.map((f) => f?.itemIdentifier) : [undefined];
      // Lambda fails the whole batch when the response is malformed or names an id it did not deliver.
      failed = ids.every((id) => typeof id === 'string' && handles.has(id))
        ? new Set(ids)
        : new Set(handles.keys());
    } catch (e) {
      this.onConsumerError(e, this.name);
      failed = new Set(handles.keys());
    }
    for (const [id, handle] of handles) {
      // A message redelivered meanwhile (visibility timeout passed) carries a new handle: leave it.
      if (!failed.has(id) && this.messages.get(id)?.receiptHandle === handle) this.messages.delete(id);
    }
    await this.save().catch((e: unknown) => this.onConsumerError(e, this.name));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    while (this.inFlight > 0) await this.changed(50);
    await this.saving;
    this.notify();
  }
}
