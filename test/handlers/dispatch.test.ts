import { DeleteMessageCommand, PurgeQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenSecret } from '../../functions/adapters/secrets.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { dispatchDeps } from '../../functions/handlers/dispatch/deps.ts';
import { handler } from '../../functions/handlers/dispatch/index.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { dispatchHandlerNow, drainDispatchQueue } from '../support/dispatch-tasks.ts';
import { lambdaContext, queuedSendJobs, seedCustomers, testStore } from '../support/fixtures.ts';

const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const store = testStore();
const run = (event: unknown) =>
  event !== null && typeof event === 'object' && 'campaignId' in event && typeof event.campaignId === 'string'
    ? dispatchHandlerNow(event as Record<string, unknown>)
    : handler(event, lambdaContext());

const queuedJobs = () => queuedSendJobs(QUEUE_URL);

const NONE_EXCLUDED = {
  notInAudience: 0,
  unsubscribed: 0,
  suppressed: 0,
  surveyedRecently: 0,
  notSampled: 0,
};

const customers: Customer[] = Array.from({ length: 12 }, (_, i) => ({
  id: `d${i}`,
  name: `Customer ${i}`,
  email: `dispatch-handler-${i}@example.test`,
  language: i % 3 ? 'zh-CN' : 'en',
  department: ['east-region', 'south-region', 'north-region'][i % 3]!,
}));

beforeAll(async () => {
  await seedCustomers(customers);
});

beforeEach(async () => {
  await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
});

describe('Handler: dispatch', () => {
  it('should create the wave of the scheduled tick, invite every customer and queue their send jobs', async () => {
    const result = await run({ campaignId: 'demo', scheduledTime: '2025-01-01T01:00:00Z' });

    expect(result).toStrictEqual({
      campaignId: 'demo',
      waveId: 'demo-20250101T0100',
      state: 'done',
      invited: 12,
      created: 12,
      queued: 12,
      seed: 'demo-20250101T0100',
      excluded: NONE_EXCLUDED,
    });
    const wave = await store.getWave('demo', 'demo-20250101T0100');
    expect(wave).toMatchObject({ invited: 12, deadline: '2025-01-15T01:00:00.000Z' });
    expect(wave?.questionnaire.id).toBe('itss-satisfaction');
    const expected = customers.map((c) => invitationId('demo-20250101T0100', c.id)).sort();
    expect((await store.listInvitations('demo-20250101T0100')).map((i) => i.id).sort()).toEqual(expected);
    const jobs = await queuedJobs();
    expect(jobs.map((j) => j.invitationId).sort()).toEqual(expected);
    expect(jobs.every((j) => j.step === 'invite')).toBe(true);
  });

  it('should create nothing new when the same tick is delivered again', async () => {
    const event = { campaignId: 'demo', scheduledTime: '2025-04-01T01:00:00Z' };
    await run(event);

    const again = await handler(event, lambdaContext());

    // The wave is done: the repeated tick reports it (what its dispatch created) and queues nothing more.
    expect(again).toStrictEqual({
      campaignId: 'demo',
      waveId: 'demo-20250401T0100',
      state: 'done',
      invited: 12,
      created: 12,
      queued: 12,
      seed: 'demo-20250401T0100',
      excluded: NONE_EXCLUDED,
    });
    expect(await store.listInvitations('demo-20250401T0100')).toHaveLength(12);
  });

  it.each([
    [
      'an unknown campaign',
      { campaignId: 'no-such-campaign' },
      /campaignId: no such campaign in the programme \(known: demo, after-delivery\)/,
    ],
    ['no campaign', { scheduledTime: '2025-01-01T01:00:00Z' }, /campaignId:/],
    ['a campaign id that is not text', { campaignId: 42 }, /campaignId:/],
    [
      'a scheduled time that is not an ISO instant',
      { campaignId: 'demo', scheduledTime: 'tomorrow' },
      /scheduledTime:/,
    ],
    [
      'a scheduled time without a time',
      { campaignId: 'demo', scheduledTime: '2025-07-01' },
      /scheduledTime:/,
    ],
    ['no event at all', null, /invalid dispatch event/],
    ['a string', 'demo', /invalid dispatch event/],
  ])('should refuse %s with a clear error and write nothing', async (_what, event, message) => {
    const wavesBefore = (await store.listWaves('demo')).length;

    await expect(run(event)).rejects.toThrow(message);

    expect(await store.listWaves('demo')).toHaveLength(wavesBefore);
    expect(await store.listWaves('no-such-campaign')).toHaveLength(0);
    expect(await queuedJobs()).toHaveLength(0);
  });

  it('should move a wave on when a retried tick finds its round done but not moved on', async () => {
    // Arrange: the tick queues round 0; its tasks run, but the one that finishes the round dies after
    // recording its shard and before moving the wave on: every shard is done, the wave is not.
    const event = { campaignId: 'demo', scheduledTime: '2026-01-05T01:00:00Z' };
    const first = await handler(event, lambdaContext());
    expect(first.state).toBe('selecting');
    const deps = dispatchDeps({
      tableName: process.env.TABLE_NAME!,
      sendQueueUrl: QUEUE_URL,
      dispatchQueueUrl: process.env.DISPATCH_QUEUE_URL!,
      secret: tokenSecret,
    });
    const dying = Object.assign(Object.create(deps.store) as typeof deps.store, {
      updateWaveDispatch: async () => {
        throw new Error('killed before moving the wave on');
      },
    });
    const killed: unknown[] = [];
    for (const task of await takeDispatchTasks()) {
      await runDispatchTask({ ...deps, store: dying }, task).catch((e: unknown) => killed.push(e));
    }
    // Only the task that finished the round tried to move the wave on.
    expect(killed).toEqual([new Error('killed before moving the wave on')]);
    const records = await store.shardRecords(first.waveId, 0);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.done)).toBe(true);
    expect((await store.getWave('demo', first.waveId))?.dispatch?.plan.round).toBe(0);

    // Act: the tick's retry (the dispatch function, under its own role) finds the round done.
    const resumed = await handler(event, lambdaContext());
    await drainDispatchQueue();
    const done = await dispatchHandlerNow(event);

    // Assert: the retry moved the wave on itself, and the wave ended as an unbroken one would.
    expect(resumed.state).not.toBe('done');
    expect((await store.getWave('demo', first.waveId))?.dispatch?.plan.round).toBeGreaterThan(0);
    expect(done).toMatchObject({ waveId: first.waveId, state: 'done', invited: 12, created: 12 });
    expect(await store.listInvitations(first.waveId)).toHaveLength(12);
  });
});

/** Takes every task on the file's dispatch queue off it, as a worker that received them would. */
async function takeDispatchTasks(): Promise<DispatchTask[]> {
  const queueUrl = process.env.DISPATCH_QUEUE_URL!;
  const tasks: DispatchTask[] = [];
  for (;;) {
    const { Messages = [] } = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return tasks;
    for (const m of Messages) {
      tasks.push(JSON.parse(m.Body!) as DispatchTask);
      await sqsClient().send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
}
