import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSqs, startSqs } from '../../local/sqs-server.ts';

const clientFor = (endpoint: string) =>
  new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

const entries = (n: number, prefix = 'm') =>
  Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: JSON.stringify({ n: `${prefix}${i}` }) }));

describe('local SQS endpoint', () => {
  let dir: string;
  let sqs: RunningSqs | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csat-sqs-'));
  });

  afterEach(async () => {
    await sqs?.close();
    sqs = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('should accept a batch from the real SDK and deliver it as one SQS event with Lambda record fields', async () => {
    // Arrange
    sqs = await startSqs({ queues: [{ name: 'csat-send' }] });
    const queue = sqs.queue('csat-send');
    const events: SQSEvent[] = [];
    queue.consume(async (event) => {
      events.push(event);
      return { batchItemFailures: [] };
    });

    // Act
    const out = await clientFor(sqs.endpoint).send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(10) }),
    );
    await queue.idle({ timeoutMs: 5_000 });

    // Assert
    expect(queue.url).toBe(`${sqs.endpoint}/000000000000/csat-send`);
    expect(out.Successful).toHaveLength(10);
    expect(out.Failed ?? []).toEqual([]);
    expect(events).toHaveLength(1);
    const records = events[0]!.Records;
    expect(records.map((r) => JSON.parse(r.body).n)).toEqual(entries(10).map((_, i) => `m${i}`));
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:csat-send',
      awsRegion: 'us-east-1',
      messageId: out.Successful![0]!.MessageId,
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(records[0]!.receiptHandle).not.toBe('');
    expect(queue.pending()).toBe(0);
  });

  it('should deliver at most batchSize records per invocation', async () => {
    // Arrange
    sqs = await startSqs({ queues: [{ name: 'q', batchSize: 10 }] });
    const queue = sqs.queue('q');
    const sizes: number[] = [];
    const client = clientFor(sqs.endpoint);
    await client.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(10, 'a') }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(10, 'b') }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(5, 'c') }));

    // Act
    queue.consume(async (event) => {
      sizes.push(event.Records.length);
    });
    await queue.idle({ timeoutMs: 5_000 });

    // Assert
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('should redeliver only the records named in batchItemFailures after the visibility timeout', async () => {
    // Arrange
    sqs = await startSqs({ queues: [{ name: 'q', visibilityTimeoutMs: 20 }] });
    const queue = sqs.queue('q');
    const seen: Array<{ n: string; count: string }> = [];
    queue.consume(async (event) => {
      for (const r of event.Records) {
        seen.push({ n: JSON.parse(r.body).n, count: r.attributes.ApproximateReceiveCount });
      }
      const first = event.Records.find((r) => JSON.parse(r.body).n === 'm1');
      return {
        batchItemFailures:
          first && first.attributes.ApproximateReceiveCount === '1'
            ? [{ itemIdentifier: first.messageId }]
            : [],
      };
    });

    // Act
    await clientFor(sqs.endpoint).send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(3) }),
    );
    await queue.idle({ timeoutMs: 5_000 });

    // Assert
    expect(seen).toEqual([
      { n: 'm0', count: '1' },
      { n: 'm1', count: '1' },
      { n: 'm2', count: '1' },
      { n: 'm1', count: '2' },
    ]);
    expect(queue.deadLetters()).toEqual([]);
  });

  it('should retry the whole batch when the consumer throws or names a record it was not given', async () => {
    // Arrange
    const errors: unknown[] = [];
    sqs = await startSqs({
      queues: [{ name: 'q', visibilityTimeoutMs: 10 }],
      onConsumerError: (e) => errors.push(e),
    });
    const queue = sqs.queue('q');
    let calls = 0;
    queue.consume(async (event) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      expect(event.Records.every((r) => r.attributes.ApproximateReceiveCount === '3')).toBe(true);
      return { batchItemFailures: [] };
    });

    // Act
    await clientFor(sqs.endpoint).send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(2) }),
    );
    await queue.idle({ timeoutMs: 5_000 });

    // Assert
    expect(calls).toBe(3);
    expect(errors).toHaveLength(1);
    expect(queue.pending()).toBe(0);
  });

  it('should move a record to the dead-letter list after maxReceiveCount failed deliveries', async () => {
    // Arrange
    sqs = await startSqs({ queues: [{ name: 'q', visibilityTimeoutMs: 5, maxReceiveCount: 5 }] });
    const queue = sqs.queue('q');
    const counts: string[] = [];
    queue.consume(async (event) => {
      counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });

    // Act
    const { MessageId } = await clientFor(sqs.endpoint).send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"poison":true}' }),
    );
    await queue.idle({ timeoutMs: 5_000 });

    // Assert
    expect(counts).toEqual(['1', '2', '3', '4', '5']);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({ messageId: MessageId, body: '{"poison":true}', receiveCount: 5 }),
    ]);
    expect(queue.pending()).toBe(0);
  });

  it('should keep pending messages and dead letters across a restart on the same directory', async () => {
    // Arrange
    const directory = join(dir, 'queue');
    sqs = await startSqs({ directory, queues: [{ name: 'q', visibilityTimeoutMs: 5, maxReceiveCount: 1 }] });
    const first = sqs.queue('q');
    await clientFor(sqs.endpoint).send(
      new SendMessageBatchCommand({ QueueUrl: first.url, Entries: entries(3) }),
    );
    first.consume(async (event) => {
      const poison = event.Records.filter((r) => JSON.parse(r.body).n === 'm0');
      return { batchItemFailures: poison.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await first.idle({ timeoutMs: 5_000 });
    first.consume(undefined);
    await clientFor(sqs.endpoint).send(
      new SendMessageBatchCommand({ QueueUrl: first.url, Entries: entries(2, 'later') }),
    );
    const port = Number(new URL(sqs.endpoint).port);
    await sqs.close();

    // Act
    sqs = await startSqs({ directory, port });
    const restarted = sqs.queue('q');
    const bodies: string[] = [];
    restarted.consume(async (event) => {
      bodies.push(...event.Records.map((r) => JSON.parse(r.body).n));
    });
    await restarted.idle({ timeoutMs: 5_000 });

    // Assert
    expect(restarted.url).toBe(first.url);
    expect(restarted.settings.maxReceiveCount).toBe(1);
    expect(restarted.deadLetters().map((m) => JSON.parse(m.body).n)).toEqual(['m0']);
    expect(bodies.sort()).toEqual(['later0', 'later1']);
  });

  it('should let a pull consumer receive, see attributes and delete with the real SDK', async () => {
    // Arrange
    sqs = await startSqs();
    const client = clientFor(sqs.endpoint);
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'pull' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));

    // Act
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    );
    const hidden = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    await client.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle }),
    );
    const attributes = await client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );

    // Assert
    expect(received.Messages).toHaveLength(1);
    expect(received.Messages![0]).toMatchObject({
      Body: 'hello',
      Attributes: { ApproximateReceiveCount: '1' },
    });
    expect(hidden.Messages ?? []).toEqual([]);
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect(sqs.queue('pull').pending()).toBe(0);
  });

  it('should reject bad requests with the SQS error names and store nothing', async () => {
    // Arrange
    sqs = await startSqs({ queues: [{ name: 'q' }] });
    const client = clientFor(sqs.endpoint);
    const QueueUrl = sqs.queue('q').url;

    // Act
    const results = await Promise.allSettled([
      client.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries(11) })),
      client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })),
      client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'same', MessageBody: 'a' },
            { Id: 'same', MessageBody: 'b' },
          ],
        }),
      ),
      client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'bad id!', MessageBody: 'a' }] })),
      client.send(
        new SendMessageCommand({ QueueUrl: `${sqs.endpoint}/000000000000/nope`, MessageBody: 'a' }),
      ),
      client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bad \u0000 char' })),
      client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', DelaySeconds: 901 })),
    ]);

    // Assert
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))).toEqual([
      'TooManyEntriesInBatchRequest',
      'EmptyBatchRequest',
      'BatchEntryIdsNotDistinct',
      'InvalidBatchEntryId',
      'QueueDoesNotExist',
      'InvalidMessageContents',
      'InvalidParameterValue',
    ]);
    expect(sqs.queue('q').pending()).toBe(0);
  });

  it('should report an entry with an empty body as failed and accept the others', async () => {
    // Arrange
    sqs = await startSqs({ queues: [{ name: 'q' }] });
    const QueueUrl = sqs.queue('q').url;

    // Act
    const out = await clientFor(sqs.endpoint).send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'good', MessageBody: 'a' },
          { Id: 'empty', MessageBody: '' },
        ],
      }),
    );

    // Assert
    expect(out.Successful?.map((s) => s.Id)).toEqual(['good']);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: 'empty', SenderFault: true })]);
    expect(sqs.queue('q').pending()).toBe(1);
  });
});
