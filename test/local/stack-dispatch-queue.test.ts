import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPATCH_QUEUE, type LocalStack, portsFrom, startLocalStack } from '../../local/stack.ts';

/*
 * npm start's dispatch queue: the dispatch worker consumes it as the deployed event source mapping does,
 * and the stack is idle only once both queues are. The tasks' work (runDispatchTask) is the use case's
 * and tested there; here a message that is no task shows the wiring: delivered, dropped, gone.
 */
describe('local stack: the dispatch queue', () => {
  let dataDir: string;
  let stack: LocalStack;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csat-local-dispatch-'));
    stack = await startLocalStack({
      dataDir,
      ports: portsFrom(0),
      firstWave: false,
      schedules: false,
      log: () => {},
    });
  });

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should give the functions the dispatch queue and keep it in the data folder beside the send queue', async () => {
    expect(process.env.DISPATCH_QUEUE_URL).toBe(`${stack.info.endpoints.sqs}/000000000000/${DISPATCH_QUEUE}`);
    expect((await readdir(join(dataDir, 'queue'))).sort()).toEqual(['csat-dispatch.json', 'csat-send.json']);
  });

  it('should deliver a dispatch queue message to the dispatch worker, which drops one that is no task', async () => {
    // Arrange
    const sqs = new SQSClient({ endpoint: stack.info.endpoints.sqs });

    // Act
    await sqs.send(
      new SendMessageCommand({ QueueUrl: process.env.DISPATCH_QUEUE_URL, MessageBody: '{"not":"a task"}' }),
    );
    await stack.idle(30_000);

    // Assert: consumed once and not returned (a retry would hold it in flight, then dead-letter it).
    expect(stack.deadLetters()).toBe(0);
    const saved: unknown = JSON.parse(await readFile(join(dataDir, 'queue', 'csat-dispatch.json'), 'utf8'));
    expect(saved).toMatchObject({ name: DISPATCH_QUEUE, messages: [], dead: [] });
  });
});
