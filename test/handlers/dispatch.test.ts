import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/dispatch/index.ts';
import { dispatchHandlerNow } from '../support/dispatch-tasks.ts';
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
});
