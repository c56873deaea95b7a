import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { SqsDispatchTaskQueue } from '../../functions/adapters/sqs-dispatch-tasks.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { handler as worker } from '../../functions/handlers/dispatch-worker/index.ts';
import { parseDispatchTask } from '../../functions/handlers/dispatch-worker/task.ts';
import { runAsFunction } from '../iam/scope.ts';
import type { PolicyDocument } from '../iam/template-policies.ts';
import { iamGuard } from '../setup/per-file.ts';
import { drainDispatchQueue } from '../support/dispatch-tasks.ts';
import { lambdaContext, sqsEvent, sqsRecord } from '../support/fixtures.ts';

const TASK: DispatchTask = { campaignId: 'demo', waveId: 'demo-20260301T0100', round: 0, shard: 3, chunk: 0 };

/** Every message waiting on a queue (received once, so a later read sees none of them). */
async function waiting(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
}

/** Bodies that are no DispatchTask: not JSON, other JSON, or a task with one field wrong. */
const notATask = fc.oneof(
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .constantFrom<[string, unknown]>(
      ['campaignId', ''],
      ['campaignId', 7],
      ['waveId', null],
      ['round', -1],
      ['round', 0.5],
      ['shard', '3'],
      ['chunk', Number.NaN],
      ['cursor', ''],
      ['cursor', 12],
      ['extra', 'field'],
      ['__proto__', { polluted: true }],
    )
    .map(([key, value]) => JSON.stringify({ ...TASK, [key]: value })),
  fc.constantFrom('campaignId', 'waveId', 'round', 'shard', 'chunk').map((key) => {
    const { [key as keyof DispatchTask]: _, ...rest } = TASK;
    return JSON.stringify(rest);
  }),
);

/** The worker's role without any DynamoDB action: the table refuses everything it asks. */
const withoutTable = (fn: string, docs: PolicyDocument[]): PolicyDocument[] =>
  fn !== 'dispatch-worker'
    ? docs
    : docs.map((doc) => ({
        ...doc,
        Statement: (doc.Statement as Array<{ Action?: string | string[] }>)
          .map((s) => ({ ...s, Action: [s.Action ?? []].flat().filter((a) => !a.startsWith('dynamodb:')) }))
          .filter((s) => s.Action.length > 0),
      }));

afterEach(() => {
  // The tests below provoke denials on purpose and assert on them.
  iamGuard.takeDenials();
});

describe('Handler: dispatch-worker', () => {
  it('should drop a message that is no dispatch task: not returned for retry, nothing queued', async () => {
    await fc.assert(
      fc.asyncProperty(notATask, async (body) => {
        // Act
        const result = await worker(sqsEvent(sqsRecord(body)), lambdaContext());

        // Assert: a poison message would fail the same way on every receive, so it is not retried.
        expect(result).toEqual({ batchItemFailures: [] });
      }),
      { numRuns: 60 },
    );
    expect(await waiting(process.env.DISPATCH_QUEUE_URL!)).toEqual([]);
    expect(await waiting(process.env.SEND_QUEUE_URL!)).toEqual([]);
    expect(iamGuard.takeDenials()).toEqual([]);
  });

  it('should parse a task as sent, and name only fields and issue codes for one that is not (no values, no unknown keys)', () => {
    expect(parseDispatchTask(JSON.stringify({ ...TASK, cursor: 'c1' }))).toEqual({
      task: { ...TASK, cursor: 'c1' },
    });
    const { problems } = parseDispatchTask(
      JSON.stringify({
        ...TASK,
        campaignId: 'ann@example.com'.repeat(0),
        'ann@example.com': 1,
        shard: 'ann',
      }),
    ) as { problems: string[] };
    expect(problems.sort()).toEqual([
      'body: unrecognized_keys',
      'campaignId: too_small',
      'shard: invalid_type',
    ]);
    expect(JSON.stringify(problems)).not.toContain('ann');
  });

  it('should return a task whose run fails (here the table refuses it) for retry, and drop only the bad one beside it', async () => {
    // Arrange
    const good = sqsRecord(TASK);
    const bad = sqsRecord('{"campaignId":');

    // Act
    const result = await iamGuard.withPolicies(withoutTable, () =>
      worker(sqsEvent(bad, good), lambdaContext()),
    );

    // Assert
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: good.messageId }] });
  });

  it('should drain a malformed message off the dispatch queue through the worker (test/support)', async () => {
    // Arrange
    await new SqsDispatchTaskQueue(sqsClient(), process.env.DISPATCH_QUEUE_URL!).enqueue([
      { ...TASK, shard: -1 },
    ]);

    // Act
    const ran = await drainDispatchQueue();

    // Assert
    expect(ran).toEqual([{ ...TASK, shard: -1 }]);
    expect(await waiting(process.env.DISPATCH_QUEUE_URL!)).toEqual([]);
  });
});

/*
 * Stand-ins until runDispatchTask (use-cases/dispatch-task.ts) and the dispatch queue their tasks
 * themselves: the dispatch and the worker may queue tasks on the dispatch queue (their new grant, which
 * CSAT_IAM_COVERAGE=strict wants exercised), and a function without the grant may not. Replace them with
 * handler tests that dispatch a wave through the worker once the use case exists.
 */
describe('IAM: queuing dispatch tasks', () => {
  const tasks = (n: number): DispatchTask[] =>
    Array.from({ length: n }, (_, i) => ({ ...TASK, shard: i % 32, chunk: Math.floor(i / 32) }));

  for (const fn of ['dispatch', 'dispatch-worker']) {
    it(`should let ${fn} queue tasks on the dispatch queue`, async () => {
      // Arrange
      const queue = new SqsDispatchTaskQueue(sqsClient(), process.env.DISPATCH_QUEUE_URL!);

      // Act
      await runAsFunction(fn, () => queue.enqueue(tasks(12)));

      // Assert
      expect(iamGuard.takeDenials()).toEqual([]);
      const got = (await waiting(process.env.DISPATCH_QUEUE_URL!)).map((b) => JSON.parse(b));
      expect(got).toHaveLength(12);
      expect(new Set(got.map((t) => `${t.shard}/${t.chunk}`)).size).toBe(12);
    });
  }

  it('should deny a function without the grant (send) queuing dispatch tasks', async () => {
    const queue = new SqsDispatchTaskQueue(sqsClient(), process.env.DISPATCH_QUEUE_URL!);

    await expect(runAsFunction('send', () => queue.enqueue(tasks(1)))).rejects.toThrow(/not authorized/);

    expect(iamGuard.takeDenials()).toEqual([
      expect.objectContaining({ fn: 'send', action: 'sqs:SendMessage' }),
    ]);
    expect(await waiting(process.env.DISPATCH_QUEUE_URL!)).toEqual([]);
  });
});
