import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Audience } from '../../functions/domain/audience.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { Campaign, Customer } from '../../functions/domain/programme.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { dispatchNow as dispatch } from '../support/dispatch-now.ts';
import { testStore, testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';

const store = testStore();
const TICK = new Date('2025-07-01T01:00:00.000Z');
const clock = { now: () => new Date('2025-07-01T01:00:05.000Z') };

function deps() {
  const jobs: SendJob[] = [];
  return {
    jobs,
    deps: {
      store,
      queue: { enqueue: async (j: SendJob[]) => void jobs.push(...j) },
      clock,
      suppressions: testSuppressions(),
    },
  };
}

/** Customers in a department of their own, and a campaign factory scoped to it (the table is shared). */
async function directory(rows: Array<Partial<Customer>>) {
  const tag = randomUUID().slice(0, 8);
  const department = `dept-${tag}`;
  const customers: Customer[] = rows.map((r, i) => ({
    id: `${tag}-${String(i).padStart(2, '0')}`,
    name: `客户 ${i}`,
    email: `aud-${tag}-${i}@example.test`,
    language: 'zh-CN',
    department,
    ...r,
  }));
  await store.putCustomers(customers);
  const campaign = (name: string, audience: Omit<Audience, 'departments'> = {}): Campaign => ({
    ...demoCampaign,
    id: `${name}-${tag}`,
    targets: undefined,
    audience: { departments: [department], ...audience },
  });
  return { customers, campaign };
}

const invitedIds = async (waveId: string) =>
  (await store.listInvitations(waveId)).map((i) => i.customer.id).sort();

describe('Use case: dispatch with audiences', () => {
  it('should record on the wave, in the result and in status why each customer was left out', async () => {
    // 0 unsubscribes, 1 is suppressed, 2 was surveyed by another campaign 10 days ago, 3 is key,
    // 4–9 are sampled 50 %: 3 of 6. Nobody else is in the department: the rest of the table is not in the audience.
    const { customers, campaign } = await directory([
      {},
      {},
      {},
      { key: true },
      ...Array.from({ length: 6 }, () => ({})),
    ]);
    const survey = campaign('survey', { sample: { method: 'random', percent: 50 } });
    const { deps: d1, jobs } = deps();
    // A first wave of another campaign in January: customer 0 unsubscribes through it, as a customer would.
    const first = await dispatch(d1, {
      campaign: campaign('first'),
      questionnaire: itss,
      scheduledTime: new Date('2025-01-01T01:00:00.000Z'),
    });
    const unsubscribeFrom = (await store.listInvitations(first.waveId)).find(
      (i) => i.customer.id === customers[0]!.id,
    )!;
    await store.unsubscribe(unsubscribeFrom.id, '2025-02-01T00:00:00.000Z');
    expect(await store.suppressCustomer(customers[1]!.id, '2025-03-01T00:00:00.000Z')).toBe(true);
    expect(
      await store.claimContact(customers[2]!.id, {
        waveId: 'other-20250621T0100',
        at: '2025-06-21T01:00:00.000Z',
        cutoff: '2025-05-22T01:00:00.000Z',
      }),
    ).toBe(true);
    jobs.length = 0;

    const result = await dispatch(d1, { campaign: survey, questionnaire: itss, scheduledTime: TICK });

    const others = (await store.listCustomers()).length - customers.length;
    const excluded = {
      notInAudience: others,
      unsubscribed: 1,
      suppressed: 1,
      surveyedRecently: 1,
      notSampled: 3,
    };
    expect(result).toMatchObject({ invited: 4, created: 4, queued: 4, seed: result.waveId, excluded });
    const invited = await invitedIds(result.waveId);
    expect(invited).toHaveLength(4);
    expect(invited).toContain(customers[3]!.id);
    expect(invited.some((id) => [0, 1, 2].some((i) => customers[i]!.id === id))).toBe(false);
    expect(jobs).toHaveLength(4);
    const wave = await store.getWave(survey.id, result.waveId);
    expect(wave?.selection).toEqual({ seed: result.waveId, directory: others + 10, excluded });
    const status = await getCampaignStatus({ store }, { campaignId: survey.id });
    expect(status.waves[0]?.selection?.excluded).toEqual(excluded);
  });

  it('should give a retried tick the same customers, and a fixed seed the same sample in another wave', async () => {
    const { campaign } = await directory(Array.from({ length: 30 }, () => ({})));
    const sampled = campaign('seeded', {
      sample: { method: 'fixed', size: 7 },
      seed: 'q3-2025',
      minDaysBetweenSurveys: 0,
    });
    const { deps: d } = deps();
    const first = await dispatch(d, { campaign: sampled, questionnaire: itss, scheduledTime: TICK });

    const again = await dispatch(d, { campaign: sampled, questionnaire: itss, scheduledTime: TICK });
    const later = await dispatch(d, {
      campaign: sampled,
      questionnaire: itss,
      scheduledTime: new Date('2025-10-01T01:00:00.000Z'),
    });

    expect(again).toEqual(first);
    expect(again).toMatchObject({ invited: 7, seed: 'q3-2025' });
    expect(await invitedIds(first.waveId)).toHaveLength(7);
    expect(await invitedIds(later.waveId)).toEqual(await invitedIds(first.waveId));
  });

  it('should not survey a customer again within the frequency, across campaigns', async () => {
    const { customers, campaign } = await directory(Array.from({ length: 5 }, () => ({})));
    const a = campaign('a', { minDaysBetweenSurveys: 30 });
    const b = campaign('b', { minDaysBetweenSurveys: 30 });
    const { deps: d } = deps();
    await dispatch(d, { campaign: a, questionnaire: itss, scheduledTime: TICK });

    const soon = await dispatch(d, {
      campaign: b,
      questionnaire: itss,
      scheduledTime: new Date('2025-07-20T01:00:00.000Z'),
    });
    const later = await dispatch(d, {
      campaign: b,
      questionnaire: itss,
      scheduledTime: new Date('2025-07-31T01:00:00.000Z'),
    });

    expect(soon).toMatchObject({ invited: 0, excluded: { surveyedRecently: 5 } });
    expect(later.invited).toBe(5);
    expect(await invitedIds(later.waveId)).toEqual(customers.map((c) => c.id).sort());
  });

  it('should let exactly one of campaigns dispatching at the same moment survey each customer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 2, max: 4 }),
        async (size, campaigns) => {
          const { customers, campaign } = await directory(Array.from({ length: size }, () => ({})));
          const all = Array.from({ length: campaigns }, (_, i) => campaign(`race${i}`));
          const { deps: d } = deps();

          const results = await Promise.all(
            all.map((c) => dispatch(d, { campaign: c, questionnaire: itss, scheduledTime: TICK })),
          );

          const invited = (await Promise.all(results.map((r) => invitedIds(r.waveId)))).flat();
          expect(invited.sort()).toEqual(customers.map((c) => c.id).sort());
          for (const r of results) expect(r.invited + r.excluded.surveyedRecently).toBe(size);
          // A retry of each wave still finds its own customers and no one else's.
          const again = await Promise.all(
            all.map((c) => dispatch(d, { campaign: c, questionnaire: itss, scheduledTime: TICK })),
          );
          expect(again.map((r) => r.invited)).toEqual(results.map((r) => r.invited));
          expect(again).toEqual(results);
        },
      ),
      { numRuns: 4 },
    );
  }, 120_000);

  it('should never claim an unknown, unsubscribed or suppressed customer', async () => {
    const { customers } = await directory([{}, {}]);
    await store.suppressCustomer(customers[0]!.id, '2025-01-01T00:00:00.000Z');
    const claim = { waveId: 'w-20250701T0100', at: TICK.toISOString(), cutoff: '2025-06-01T00:00:00.000Z' };

    expect(await store.claimContact(customers[0]!.id, claim)).toBe(false);
    expect(await store.claimContact('no-such-customer', claim)).toBe(false);
    expect(await store.suppressCustomer('no-such-customer', claim.at)).toBe(false);
    expect(await store.claimContact(customers[1]!.id, claim)).toBe(true);
    expect(await store.claimContact(customers[1]!.id, claim)).toBe(true);
    expect(await store.claimContact(customers[1]!.id, { ...claim, waveId: 'x-20250701T0100' })).toBe(false);
  });

  it('should keep csat state (suppressed, last surveyed) when the directory is imported again', async () => {
    const { customers, campaign } = await directory([{}]);
    await dispatch(deps().deps, { campaign: campaign('keep'), questionnaire: itss, scheduledTime: TICK });
    await store.suppressCustomer(customers[0]!.id, '2025-07-02T00:00:00.000Z');

    await store.putCustomers(customers);

    const stored = (await store.listCustomers()).find((c) => c.id === customers[0]!.id);
    expect(stored).toMatchObject({
      suppressedAt: '2025-07-02T00:00:00.000Z',
      lastSurveyedAt: TICK.toISOString(),
    });
  });
});
