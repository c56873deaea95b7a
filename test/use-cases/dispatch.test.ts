import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { SendQueue } from '../../functions/domain/ports.ts';
import type { Campaign, Customer } from '../../functions/domain/programme.ts';
import { isDispatched } from '../../functions/domain/selection/dispatch-state.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { resultOf, waveIdFor } from '../../functions/use-cases/dispatch.ts';
import { dispatchNow as dispatch } from '../support/dispatch-now.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';

const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const clock = { now: () => new Date('2025-01-01T01:00:05.000Z') };
const TICK = new Date('2025-01-01T01:00:00.000Z');

/** The send queue port, collecting what it is given (there is no SQS in a use-case test). */
class CollectingQueue implements SendQueue {
  readonly jobs: SendJob[] = [];
  failNext = false;
  async enqueue(jobs: SendJob[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('queue unavailable');
    }
    this.jobs.push(...jobs);
  }
}

/**
 * A campaign of its own and customers in a department of its own, so tests sharing this file's table
 * never see each other's customers.
 */
async function scenario(count: number) {
  const tag = randomUUID().slice(0, 8);
  const department = `dept-${tag}`;
  const campaign: Campaign = {
    ...demoCampaign,
    id: `c-${tag}`,
    audience: { departments: [department] },
  };
  const customers: Customer[] = Array.from({ length: count }, (_, i) => ({
    id: `${tag}-${i}`,
    name: `Customer ${i}`,
    email: `dispatch-${tag}-${i}@example.com`,
    language: i % 2 ? 'en' : 'zh-CN',
    department,
  }));
  await store.putCustomers(customers);
  const queue = new CollectingQueue();
  return { campaign, customers, queue, deps: { store, queue, clock, suppressions: testSuppressions() } };
}

describe('Use case: dispatch', () => {
  it('should create the wave with a questionnaire snapshot and one invitation per customer', async () => {
    const { campaign, customers, queue, deps } = await scenario(5);

    const result = await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });

    const waveId = `${campaign.id}-20250101T0100`;
    expect(result).toEqual({
      campaignId: campaign.id,
      waveId,
      state: 'done',
      invited: 5,
      created: 5,
      queued: 5,
      seed: waveId,
      // The file's table holds other tests' customers too: they are outside this campaign's department.
      excluded: {
        notInAudience: expect.any(Number),
        unsubscribed: 0,
        suppressed: 0,
        surveyedRecently: 0,
        notSampled: 0,
      },
    });
    const wave = await store.getWave(campaign.id, waveId);
    expect(wave).toMatchObject({
      campaignId: campaign.id,
      waveId,
      invited: 5,
      deadline: '2025-01-15T01:00:00.000Z',
      questionnaire: itss,
      campaign,
    });
    const invitations = await store.listInvitations(waveId);
    expect(invitations.map((i) => i.customer.id).sort()).toEqual(customers.map((c) => c.id).sort());
    for (const i of invitations) {
      expect(i.id).toBe(invitationId(waveId, i.customer.id));
      expect(i).toMatchObject({ campaignId: campaign.id, waveId, expiresAt: wave?.deadline, sent: {} });
    }
    expect(queue.jobs.map((j) => j.invitationId).sort()).toEqual(invitations.map((i) => i.id).sort());
    expect(queue.jobs.every((j) => j.step === 'invite')).toBe(true);
  });

  it('should leave out customers who unsubscribed', async () => {
    const { campaign, customers, queue, deps } = await scenario(3);
    const first = await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });
    await store.unsubscribe(invitationId(first.waveId, customers[1]!.id), clock.now().toISOString());
    queue.jobs.length = 0;

    const next = await dispatch(deps, {
      campaign,
      questionnaire: itss,
      scheduledTime: new Date('2025-04-01T01:00:00.000Z'),
    });

    expect(next).toMatchObject({ invited: 2, created: 2 });
    const invited = (await store.listInvitations(next.waveId)).map((i) => i.customer.id).sort();
    expect(invited).toEqual([customers[0]!.id, customers[2]!.id].sort());
    expect(queue.jobs).toHaveLength(2);
  });

  it('should invite only the departments the campaign names', async () => {
    const { campaign, queue, deps } = await scenario(2);
    const other = await scenario(2);

    const result = await dispatch(deps, {
      campaign: { ...campaign, audience: { departments: [...campaign.audience.departments!, 'nobody'] } },
      questionnaire: itss,
      scheduledTime: TICK,
    });

    expect(result.invited).toBe(2);
    const ids = (await store.listInvitations(result.waveId)).map((i) => i.customer.id);
    expect(ids.some((id) => other.customers.some((c) => c.id === id))).toBe(false);
    expect(queue.jobs).toHaveLength(2);
  });

  it('should create no new invitation when run again for the same schedule tick', async () => {
    const { campaign, customers, queue, deps } = await scenario(4);
    const first = await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });
    // One invitation was emailed meanwhile; it must not be queued again.
    const sentId = invitationId(first.waveId, customers[0]!.id);
    await store.claimSend(sentId, 'invite', clock.now().toISOString());
    queue.jobs.length = 0;

    const again = await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });

    // The wave is done: the rerun reports it and queues nothing (a job that fails is the queue's to retry).
    expect(again).toEqual(first);
    expect(await store.listInvitations(first.waveId)).toHaveLength(4);
    expect(queue.jobs).toEqual([]);
  });

  it('should keep the first snapshot when the questionnaire changed before a rerun', async () => {
    const { campaign, deps } = await scenario(1);
    await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });
    const v2 = { ...itss, version: itss.version + 1 };

    const again = await dispatch(deps, { campaign, questionnaire: v2, scheduledTime: TICK });

    expect((await store.getWave(campaign.id, again.waveId))?.questionnaire.version).toBe(itss.version);
  });

  it('should create each invitation once when two runs race', async () => {
    const { campaign, queue, deps } = await scenario(20);

    const [a, b] = await Promise.all([
      dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK }),
      dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK }),
    ]);

    expect(a.waveId).toBe(b.waveId);
    // Each run's tasks raced the other's: the wave, once both are through, counts each customer once.
    const wave = await store.getWave(campaign.id, a.waveId);
    expect(resultOf(wave!)).toMatchObject({ state: 'done', invited: 20, created: 20 });
    expect(await store.listInvitations(a.waveId)).toHaveLength(20);
    expect(new Set(queue.jobs.map((j) => j.invitationId)).size).toBe(20);
  });

  it('should let a rerun finish a wave whose jobs could not be queued', async () => {
    const { campaign, queue, deps } = await scenario(3);
    queue.failNext = true;
    await expect(dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK })).rejects.toThrow(
      'queue unavailable',
    );

    const again = await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });

    // The chunk that failed is run again: it finds its invitation made, and queues its job.
    expect(again).toMatchObject({ state: 'done', invited: 3, queued: 3 });
    expect(await store.listInvitations(again.waveId)).toHaveLength(3);
    expect(new Set(queue.jobs.map((j) => j.invitationId)).size).toBe(3);
  });

  it('should mark a wave with nobody eligible empty, count why, and not count it as dispatched', async () => {
    const { campaign, customers, deps } = await scenario(3);
    await store.suppressCustomer(customers[0]!.id, '2024-12-01T00:00:00.000Z');
    await store.suppressCustomer(customers[1]!.id, '2024-12-01T00:00:00.000Z');
    await store.claimContact(customers[2]!.id, {
      waveId: 'other-wave',
      at: '2024-12-31T00:00:00.000Z',
      cutoff: '2024-12-31T00:00:00.000Z',
    });

    const result = await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: TICK });

    expect(result).toMatchObject({
      state: 'empty',
      invited: 0,
      excluded: { suppressed: 2, surveyedRecently: 1 },
    });
    const wave = await store.getWave(campaign.id, result.waveId);
    expect(isDispatched(wave!)).toBe(false);
    expect(await store.listInvitations(result.waveId)).toEqual([]);
  });

  it('should name the wave after the current minute when no tick is given', async () => {
    const { campaign, deps } = await scenario(1);

    const result = await dispatch(deps, { campaign, questionnaire: itss });

    expect(result.waveId).toBe(`${campaign.id}-20250101T0100`);
  });
});

describe('Function: waveIdFor', () => {
  it('should use the UTC minute of the tick', () => {
    expect(waveIdFor('demo', new Date('2025-03-31T23:59:59.999+08:00'))).toBe('demo-20250331T1559');
  });
});
