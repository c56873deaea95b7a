import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EnqueueError } from '../../functions/adapters/sqs-batch.ts';
import { SqsDispatchTaskQueue } from '../../functions/adapters/sqs-dispatch-tasks.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';

const tasks = (n: number): DispatchTask[] =>
  Array.from({ length: n }, (_, i) => ({
    campaignId: 'demo',
    waveId: 'demo-20260301T0100',
    round: 1,
    shard: i,
    chunk: i % 3,
    ...(i % 3 ? { cursor: `cursor-${i}` } : {}),
  }));

describe('Class: SqsDispatchTaskQueue', () => {
  it('should queue every task as its JSON, ten to a batch call, against the local SQS endpoint', async () => {
    // Arrange
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `dispatch-tasks-${randomUUID().slice(0, 8)}` }),
    );
    const queue = new SqsDispatchTaskQueue(sqs, QueueUrl!);

    // Act
    await queue.enqueue(tasks(23));

    // Assert
    const got: DispatchTask[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      got.push(...Messages.map((m) => JSON.parse(m.Body ?? '') as DispatchTask));
    }
    expect(got.sort((a, b) => a.shard - b.shard)).toEqual(tasks(23));
  });

  /* The batching and retries are SqsBatchSender's (test/adapters/sqs-queue.test.ts); the error names tasks. */
  describe('with entries failed by SQS', () => {
    const sqs = new SQSClient({ region: 'us-east-1' });
    const mock = mockClient(sqs);
    afterEach(() => mock.reset());

    it('should throw an EnqueueError naming dispatch tasks once the attempts are spent', async () => {
      mock
        .on(SendMessageBatchCommand)
        .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
      const queue = new SqsDispatchTaskQueue(sqs, 'https://sqs.local/q', { baseDelayMs: 1, maxAttempts: 2 });

      const error = await queue.enqueue(tasks(1)).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EnqueueError);
      expect((error as Error).message).toBe(
        '1 dispatch task(s) could not be queued: InternalError after 2 attempts',
      );
      expect(mock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    });
  });
});
