import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EnqueueError, SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import type { SendJob } from '../../functions/domain/model.ts';

const jobs = (n: number): SendJob[] =>
  Array.from({ length: n }, (_, i) => ({
    invitationId: `inv-${String(i).padStart(3, '0')}`,
    step: 'invite',
  }));

async function received(sqs: SQSClient, url: string): Promise<SendJob[]> {
  const out: SendJob[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return out;
    out.push(...Messages.map((m) => JSON.parse(m.Body ?? '') as SendJob));
  }
}

describe('Class: SqsSendQueue', () => {
  describe('against the local SQS endpoint', () => {
    it('should queue every job, ten to a batch call', async () => {
      const sqs = new SQSClient({});
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: `sqs-queue-${randomUUID().slice(0, 8)}` }),
      );
      const queue = new SqsSendQueue(sqs, QueueUrl!);

      await queue.enqueue(jobs(23));

      const got = await received(sqs, QueueUrl!);
      expect(got.map((j) => j.invitationId).sort()).toEqual(jobs(23).map((j) => j.invitationId));
    });
  });

  /* SQS failing some entries of a batch that itself succeeded is a fault no emulator produces on demand. */
  describe('with entries failed by SQS', () => {
    const sqs = new SQSClient({ region: 'us-east-1' });
    const mock = mockClient(sqs);
    afterEach(() => mock.reset());
    const sent = () =>
      mock
        .commandCalls(SendMessageBatchCommand)
        .map((c) => (c.args[0].input as SendMessageBatchCommandInput).Entries ?? []);

    it('should send the failed entries again until they are accepted', async () => {
      mock
        .on(SendMessageBatchCommand)
        .resolvesOnce({
          Successful: [],
          Failed: [
            { Id: '3', Code: 'InternalError', SenderFault: false },
            { Id: '7', Code: 'ServiceUnavailable', SenderFault: false },
          ],
        })
        .resolves({ Successful: [], Failed: [] });
      const queue = new SqsSendQueue(sqs, 'https://sqs.local/q', { baseDelayMs: 1 });

      await queue.enqueue(jobs(10));

      const calls = sent();
      expect(calls).toHaveLength(2);
      expect(calls[1]!.map((e) => JSON.parse(e.MessageBody!).invitationId)).toEqual(['inv-003', 'inv-007']);
    });

    it('should give up with an error once the attempts are spent', async () => {
      mock
        .on(SendMessageBatchCommand)
        .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
      const queue = new SqsSendQueue(sqs, 'https://sqs.local/q', { baseDelayMs: 1, maxAttempts: 3 });

      await expect(queue.enqueue(jobs(1))).rejects.toThrow(EnqueueError);
      expect(sent()).toHaveLength(3);
    });

    it('should not retry an entry SQS refuses as malformed', async () => {
      mock.on(SendMessageBatchCommand).resolves({
        Successful: [],
        Failed: [{ Id: '0', Code: 'InvalidMessageContents', SenderFault: true }],
      });
      const queue = new SqsSendQueue(sqs, 'https://sqs.local/q', { baseDelayMs: 1 });

      await expect(queue.enqueue(jobs(1))).rejects.toThrow(/InvalidMessageContents/);
      expect(sent()).toHaveLength(1);
    });

    it('should make no call for no jobs', async () => {
      await new SqsSendQueue(sqs, 'https://sqs.local/q').enqueue([]);

      expect(sent()).toHaveLength(0);
    });
  });
});
