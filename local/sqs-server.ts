import { once } from 'node:events';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Running } from './dynamo.ts';
import { type Json, QUEUE_NAME, SqsError, sqsOperations, sqsRequestListener, str } from './sqs-protocol.ts';
import { type LocalQueue, Queue, type QueueMessage, type QueueSettings } from './sqs-queue.ts';

export {
  ACCOUNT_ID,
  type LocalQueue,
  type QueueMessage,
  type QueueSettings,
  type SqsConsumer,
} from './sqs-queue.ts';

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

  const operations = sqsOperations({ createQueue, queueOf });
  const server = createServer(sqsRequestListener(operations));
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
