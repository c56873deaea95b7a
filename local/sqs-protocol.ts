import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCOUNT_ID, type Queue, type QueueSettings } from './sqs-queue.ts';

/*
 * The AWS JSON 1.0 protocol of the local SQS endpoint (sqs-server.ts): the operations, their parameter
 * checks and the errors, shaped as @aws-sdk/client-sqs expects them.
 */
const MAX_REQUEST = 2 * 1024 * 1024;
const MAX_MESSAGE = 1024 * 1024;
export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
// The characters SQS accepts in a message body (#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000+).
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

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
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode = PREFIXED.has(code) ? `AWS.SimpleQueueService.${code}` : code,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

export function str(input: Json, key: string, required = true): string | undefined {
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

export type SqsOperations = Record<string, (input: Json) => Promise<Json>>;

/** The operations the endpoint implements, on the queues `registry` holds. */
export function sqsOperations(registry: {
  createQueue(name: string, settings: Partial<QueueSettings>): Promise<Queue>;
  queueOf(input: Json): Queue;
}): SqsOperations {
  const { createQueue, queueOf } = registry;
  return {
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
}

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

function reply(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** The HTTP request listener of the endpoint: one JSON 1.0 operation per POST, its errors as SQS words them. */
export function sqsRequestListener(
  operations: SqsOperations,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
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
  };
}
