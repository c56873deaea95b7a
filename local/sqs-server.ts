import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Running } from './dynamo.ts';

/*
 * A local stand-in for SQS and its Lambda event source mapping. There is no npm emulator for SQS
 * (DESIGN.md §4), so this speaks just enough of the AWS JSON 1.0 protocol that @aws-sdk/client-sqs works
 * against it unchanged (`x-amz-target: AmazonSQS.<Operation>`, body MD5s the SDK verifies):
 *   CreateQueue, GetQueueUrl, GetQueueAttributes, PurgeQueue,
 *   SendMessage, SendMessageBatch, ReceiveMessage, DeleteMessage, DeleteMessageBatch.
 * A queue with a consumer delivers SQS-shaped batches to it as Lambda would: a record listed in
 * `batchItemFailures` (or the whole batch, when the consumer throws or names a record it was not given)
 * becomes visible again after the visibility timeout; a record received `maxReceiveCount` times and
 * failed again moves to the queue's dead-letter list instead of being delivered once more.
 * With a `directory`, every queue's messages and dead letters are written to `{name}.json` before a send
 * is acknowledged, so a restart loses nothing; messages in flight at a crash are delivered again after
 * their visibility timeout, as SQS would (the send step is idempotent for exactly that reason).
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

export interface RunningSqs extends Running {
  createQueue(name: string, settings?: Partial<QueueSettings>): Promise<LocalQueue>;
  /** The queue of that name; throws if there is none. */
  queue(name: string): LocalQueue;
  /** Resolves once every queue is idle. */
  idle(options?: { timeoutMs?: number }): Promise<void>;
}

export interface SqsServerOptions {
  port?: number;
  /** Where queues are persisted; in memory when absent. */
  directory?: string;
  /** Queues to create at start (kept, with their messages, if already persisted). */
  queues?: Array<{ name: string } & Partial<QueueSettings>>;
  /** Settings for queues created without their own. */
  defaults?: Partial<QueueSettings>;
  /** Told when a consumer throws; the batch is then retried like any failure. */
  onConsumerError?: (error: unknown, queueName: string) => void;
}

const DEFAULTS: QueueSettings = {
  visibilityTimeoutMs: 30_000,
  maxReceiveCount: 5,
  batchSize: 10,
  concurrency: 1,
};
const MAX_REQUEST = 2 * 1024 * 1024;
const MAX_MESSAGE = 1024 * 1024;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
// The characters SQS accepts in a message body (#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000+).
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

// Errors whose query-compatible code (the x-amzn-query-error header the SDK reads) carries this prefix.
const PREFIXED = new Set([
  'BatchEntryIdsNotDistinct',
  'BatchRequestTooLong',
  'EmptyBatchRequest',
  'InvalidBatchEntryId',
  'TooManyEntriesInBatchRequest',
  'UnsupportedOperation',
]);

/** A client error as the SQS JSON protocol returns it (the SDK maps `__type` to its error classes). */
class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode = PREFIXED.has(code) ? `AWS.SimpleQueueService.${code}` : code,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function str(input: Json, key: string, required = true): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (required) throw new SqsError('MissingParameter', `${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new SqsError('InvalidParameterValue', `${key} must be a string`);
  return v;
}

function int(input: Json, key: string, min: number, max: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SqsError('InvalidParameterValue', `${key} must be an integer from ${min} to ${max}`);
  }
  return v;
}

function checkBody(body: string | undefined): string {
  if (body === undefined || body.length === 0) {
    throw new SqsError('MissingParameter', 'MessageBody must not be empty');
  }
  if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE) {
    throw new SqsError('InvalidParameterValue', 'MessageBody is longer than 1 MiB');
  }
  if (INVALID_BODY_CHAR.test(body)) {
    throw new SqsError('InvalidMessageContents', 'MessageBody contains characters outside the allowed set');
  }
  return body;
}

class Queue implements LocalQueue {
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

/** Starts the local SQS endpoint on 127.0.0.1. */
export async function startSqs(options: SqsServerOptions = {}): Promise<RunningSqs> {
  const queues = new Map<string, Queue>();
  const defaults = { ...DEFAULTS, ...options.defaults };
  const onConsumerError =
    options.onConsumerError ??
    ((e: unknown, name: string) =>
      console.error(`[sqs] ${name}: consumer failed: ${e instanceof Error ? e.name : 'error'}`));
  let endpoint = '';

  async function createQueue(
    name: string,
    settings: Partial<QueueSettings> = {},
    state?: { messages?: QueueMessage[]; dead?: QueueMessage[] },
  ): Promise<Queue> {
    if (!QUEUE_NAME.test(name)) {
      throw new SqsError(
        'InvalidParameterValue',
        'QueueName must be 1 to 80 letters, digits, dashes or underscores',
      );
    }
    const existing = queues.get(name);
    if (existing) return existing;
    const file = options.directory ? join(options.directory, `${name}.json`) : undefined;
    const queue = new Queue(name, endpoint, { ...defaults, ...settings }, file, onConsumerError);
    if (state) queue.restore(state);
    queues.set(name, queue);
    await queue.save();
    return queue;
  }

  function queueOf(input: Json): Queue {
    const url = str(input, 'QueueUrl')!;
    const name = url.split('/').pop() ?? '';
    const queue = queues.get(name);
    if (!queue) {
      throw new SqsError(
        'QueueDoesNotExist',
        'The specified queue does not exist.',
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    }
    return queue;
  }

  const operations: Record<string, (input: Json) => Promise<Json>> = {
    async CreateQueue(input) {
      const attributes = (input.Attributes ?? {}) as Record<string, string>;
      const settings: Partial<QueueSettings> = {};
      const invalid = (name: string) =>
        new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
      if (attributes.VisibilityTimeout !== undefined) {
        const s = Number(attributes.VisibilityTimeout);
        if (!Number.isInteger(s) || s < 0 || s > 43_200) throw invalid('VisibilityTimeout');
        settings.visibilityTimeoutMs = s * 1000;
      }
      if (attributes.RedrivePolicy !== undefined) {
        let count = Number.NaN;
        try {
          count = Number(
            (JSON.parse(attributes.RedrivePolicy) as { maxReceiveCount?: unknown }).maxReceiveCount,
          );
        } catch {
          // reported below
        }
        if (!Number.isInteger(count) || count < 1 || count > 1000) throw invalid('RedrivePolicy');
        settings.maxReceiveCount = count;
      }
      const queue = await createQueue(str(input, 'QueueName')!, settings);
      return { QueueUrl: queue.url };
    },
    async GetQueueUrl(input) {
      const name = str(input, 'QueueName')!;
      return { QueueUrl: queueOf({ QueueUrl: name }).url };
    },
    async GetQueueAttributes(input) {
      const queue = queueOf(input);
      const c = queue.counts();
      return {
        Attributes: {
          QueueArn: queue.arn,
          ApproximateNumberOfMessages: String(c.visible),
          ApproximateNumberOfMessagesNotVisible: String(c.notVisible),
          ApproximateNumberOfMessagesDelayed: String(c.delayed),
          VisibilityTimeout: String(Math.ceil(queue.settings.visibilityTimeoutMs / 1000)),
          RedrivePolicy: JSON.stringify({ maxReceiveCount: queue.settings.maxReceiveCount }),
        },
      };
    },
    async PurgeQueue(input) {
      const queue = queueOf(input);
      queue.purge();
      await queue.save();
      return {};
    },
    async SendMessage(input) {
      const queue = queueOf(input);
      const body = checkBody(str(input, 'MessageBody'));
      const m = await queue.send(body, int(input, 'DelaySeconds', 0, 900));
      await queue.save();
      queue.afterSend();
      return { MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody };
    },
    async SendMessageBatch(input) {
      const queue = queueOf(input);
      const entries = input.Entries;
      if (!Array.isArray(entries) || entries.length === 0) {
        throw new SqsError('EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry.');
      }
      if (entries.length > 10) {
        throw new SqsError('TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10.');
      }
      const ids = entries.map((e: Json) => e?.Id);
      for (const id of ids) {
        if (typeof id !== 'string' || !ENTRY_ID.test(id)) {
          throw new SqsError(
            'InvalidBatchEntryId',
            'A batch entry id can only contain letters, digits, - and _.',
          );
        }
      }
      if (new Set(ids).size !== ids.length) {
        throw new SqsError('BatchEntryIdsNotDistinct', 'Two or more batch entries have the same Id.');
      }
      const total = entries.reduce(
        (n: number, e: Json) => n + Buffer.byteLength(String(e.MessageBody ?? '')),
        0,
      );
      if (total > MAX_MESSAGE) {
        throw new SqsError('BatchRequestTooLong', 'The batch request is longer than 1 MiB.');
      }
      const successful: Json[] = [];
      const failed: Json[] = [];
      for (const entry of entries as Json[]) {
        try {
          const body = checkBody(str(entry, 'MessageBody'));
          const m = await queue.send(body, int(entry, 'DelaySeconds', 0, 900));
          successful.push({ Id: entry.Id, MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody });
        } catch (e) {
          if (!(e instanceof SqsError)) throw e;
          failed.push({ Id: entry.Id, SenderFault: true, Code: e.code, Message: e.message });
        }
      }
      await queue.save();
      queue.afterSend();
      return { Successful: successful, Failed: failed };
    },
    async ReceiveMessage(input) {
      const queue = queueOf(input);
      const max = int(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
      const visibility =
        (int(input, 'VisibilityTimeout', 0, 43_200) ?? queue.settings.visibilityTimeoutMs / 1000) * 1000;
      const deadline = Date.now() + (int(input, 'WaitTimeSeconds', 0, 20) ?? 0) * 1000;
      const wanted = new Set([
        ...((input.AttributeNames as string[] | undefined) ?? []),
        ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
      ]);
      let taken = queue.receive(max, visibility);
      while (taken.length === 0 && Date.now() < deadline) {
        await queue.changed(Math.min(50, deadline - Date.now()));
        taken = queue.receive(max, visibility);
      }
      return {
        Messages: taken.map((m) => {
          const all: Record<string, string> = {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentTimestamp),
            SenderId: ACCOUNT_ID,
            ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp),
          };
          const attributes = Object.fromEntries(
            Object.entries(all).filter(([k]) => wanted.has('All') || wanted.has(k)),
          );
          return {
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: m.md5OfBody,
            Body: m.body,
            ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
          };
        }),
      };
    },
    async DeleteMessage(input) {
      const queue = queueOf(input);
      // SQS accepts a stale receipt handle silently; so does this.
      queue.deleteByHandle(str(input, 'ReceiptHandle')!);
      await queue.save();
      return {};
    },
    async DeleteMessageBatch(input) {
      const queue = queueOf(input);
      const entries = Array.isArray(input.Entries) ? (input.Entries as Json[]) : [];
      if (entries.length === 0) {
        throw new SqsError(
          'EmptyBatchRequest',
          'There should be at least one DeleteMessageBatchRequestEntry.',
        );
      }
      if (entries.length > 10) {
        throw new SqsError('TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10.');
      }
      for (const entry of entries) queue.deleteByHandle(String(entry.ReceiptHandle ?? ''));
      await queue.save();
      return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
    },
  };

  async function readJson(req: IncomingMessage): Promise<Json> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST)
        throw new SqsError('InvalidParameterValue', 'request too large', 'InvalidParameterValue', 413);
      chunks.push(chunk as Buffer);
    }
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      return parsed as Json;
    } catch {
      throw new SqsError('SerializationException', 'the request body is not a JSON object', 'MalformedInput');
    }
  }

  function reply(
    res: ServerResponse,
    status: number,
    body: Json,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    const run = async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AmazonSQS.')
        ? operations[target.slice('AmazonSQS.'.length)]
        : undefined;
      if (req.method !== 'POST' || !operation) {
        throw new SqsError(
          'UnsupportedOperation',
          `the local SQS endpoint does not implement ${target || 'this request'}`,
        );
      }
      reply(res, 200, await operation(await readJson(req)));
    };
    run().catch((e: unknown) => {
      const err =
        e instanceof SqsError ? e : new SqsError('InternalError', 'internal error', 'InternalError', 500);
      if (res.headersSent) return void res.end();
      reply(
        res,
        err.status,
        { __type: `com.amazonaws.sqs#${err.code}`, message: err.message },
        {
          'x-amzn-query-error': `${err.queryCode};${err.status >= 500 ? 'Receiver' : 'Sender'}`,
        },
      );
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  if (options.directory) {
    await mkdir(options.directory, { recursive: true });
    for (const file of (await readdir(options.directory)).filter((f) => f.endsWith('.json')).sort()) {
      const state = JSON.parse(await readFile(join(options.directory, file), 'utf8')) as {
        name: string;
        settings: QueueSettings;
        messages: QueueMessage[];
        dead: QueueMessage[];
      };
      await createQueue(state.name, state.settings, state);
    }
  }
  for (const q of options.queues ?? []) {
    const { name, ...settings } = q;
    const queue = queues.get(name) ?? (await createQueue(name, settings));
    // Settings given in code win over persisted ones: they are the stack's configuration.
    Object.assign(queue.settings, settings);
  }

  return {
    endpoint,
    createQueue,
    queue(name) {
      const queue = queues.get(name);
      if (!queue) throw new Error(`no local queue "${name}"`);
      return queue;
    },
    async idle(opts) {
      await Promise.all([...queues.values()].map((q) => q.idle(opts)));
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
