import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatchText } from '../../bin/cli/format.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { addMonths, type EventTrigger } from '../../functions/domain/events.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { SendQueue } from '../../functions/domain/ports.ts';
import { type Campaign, type Customer, findCampaign } from '../../functions/domain/programme.ts';
import { dispatchResponse } from '../../functions/handlers/dispatch/response.ts';
import { dispatch } from '../../functions/use-cases/dispatch.ts';
import {
  type DispatchEventsResult,
  dispatchEvents,
  NotEventTriggeredError,
} from '../../functions/use-cases/dispatch-events.ts';
import { programme } from '../../programme/index.ts';
import { dispatchEventsNow } from '../support/dispatch-now.ts';
import { MemoryDispatchTasks } from '../support/dispatch-tasks.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';

const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const afterDelivery = findCampaign(programme, 'after-delivery')!;
const DAY_MS = 86_400_000;

/** The send queue port, collecting what it is given; `failNext` makes the next enqueue fail once. */
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

const plusDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * The schedule tick of a local date: 00:30 in Shanghai (UTC+8, no daylight saving), which is 16:30 UTC
 * the day before, so a run that counted days in UTC would be a day early throughout.
 */
const tickOf = (day: string): Date => new Date(Date.parse(`${day}T00:30:00+08:00`));

/**
 * A campaign of its own (seed 001's trigger, dispatched at 00:30 Shanghai time) and a department of its
 * own, so tests sharing this file's table never see each other's customers.
 */
async function scenario(
  customers: Array<Omit<Customer, 'department' | 'email' | 'name'>>,
  trigger?: EventTrigger,
) {
  const tag = randomUUID().slice(0, 8);
  const department = `dept-${tag}`;
  const campaign: Campaign = {
    ...afterDelivery,
    id: `e-${tag}`,
    dispatch: { cron: '30 0 * * *', timeZone: 'Asia/Shanghai' },
    audience: { departments: [department] },
    ...(trigger ? { trigger } : {}),
  };
  const directory: Customer[] = customers.map((c) => ({
    name: `Customer ${c.id}`,
    email: `${c.id}-${tag}@example.test`,
    department,
    ...c,
    id: `${tag}-${c.id}`,
  }));
  await store.putCustomers(directory);
  const queue = new CollectingQueue();
  let now = new Date(0);
  const clock = { now: () => now };
  const deps = { store, queue, clock, suppressions: testSuppressions() };
  /** Sends what is queued as the send function would: one claim per job, a repeated job claims nothing. */
  const claims = new Map<string, number>();
  const sendQueued = async () => {
    for (const job of queue.jobs.splice(0)) {
      if (await store.claimSend(job.invitationId, job.step, now.toISOString())) {
        claims.set(job.invitationId, (claims.get(job.invitationId) ?? 0) + 1);
      }
    }
  };
  /** One scheduled run for a local date, five seconds after its tick; then the queue is worked off. */
  const runOn = async (day: string, options: { at?: Date } = {}): Promise<DispatchEventsResult> => {
    const tick = options.at ?? tickOf(day);
    now = new Date(tick.getTime() + 5_000);
    // The tick stores the wave; its tasks (key thresholds, then the invitations a chunk at a time) run to the end.
    const result = await dispatchEventsNow(deps, { campaign, questionnaire: itss, scheduledTime: tick });
    await sendQueued();
    return result;
  };
  /** Every invitation of the campaign, as `{customer}/{delivery}/{step}` → the local date of its wave. */
  const invitedOn = async (days: Map<string, string>): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const wave of await store.listWaves(campaign.id)) {
      for (const i of await store.listInvitations(wave.waveId)) {
        const key = `${i.customer.id.slice(tag.length + 1)}/${i.delivery?.date}/${i.delivery?.step}`;
        expect(out.has(key), `${key} invited twice`).toBe(false);
        out.set(key, days.get(wave.waveId) ?? `unknown wave ${wave.waveId}`);
      }
    }
    return out;
  };
  return { campaign, tag, queue, deps, claims, runOn, invitedOn, customerId: (id: string) => `${tag}-${id}` };
}

describe('Use case: dispatchEvents', () => {
  it('should invite each step of each delivery once, on its day, over a year of daily runs with failures', async () => {
    // Arrange: seed 001 (1, 3, 12 months, catch-up 7 days). Due dates by hand, clamped to month ends.
    const s = await scenario([
      // 2024-02-29 +12 = 2025-02-28 (no 29th in 2025); 2025-01-31 +1 = 2025-02-28, +3 = 2025-04-30;
      // 2025-03-15 +1 = 2025-04-15 (its run is retried), +3 = 2025-06-15; the +12s fall in 2026.
      { id: 'a', language: 'zh-CN', deliveryDates: ['2024-02-29', '2025-01-31', '2025-03-15'] },
      // 2024-12-20 +1 = 2025-01-20, +3 = 2025-03-20 (run skipped: caught up 03-21), +12 = 2025-12-20;
      // 2025-05-31 +1 = 2025-06-30 (runs skipped to 07-02: caught up 07-03), +3 = 2025-08-31 (runs
      // skipped to 09-07, the last day of its catch-up: never sent).
      { id: 'b', language: 'en', deliveryDates: ['2024-12-20', '2025-05-31'] },
      // 2024-11-30 +1 = 2024-12-30, before the first run: caught up on 2025-01-01; +3 = 2025-02-28;
      // +12 = 2025-11-30. 2024-10-15 +3 = 2025-01-15, +12 = 2025-10-15. 2025-12-25's steps fall in 2026.
      { id: 'c', language: 'zh-CN', deliveryDates: ['2024-11-30', '2024-10-15', '2025-12-25'] },
      // Invited on 2025-01-05 (2024-12-05 +1), then unsubscribes: its 3-month step (03-05) is not sent.
      { id: 'e', language: 'en', deliveryDates: ['2024-12-05'] },
    ]);
    const skipped = new Set([
      '2025-03-20',
      '2025-06-30',
      '2025-07-01',
      '2025-07-02',
      ...Array.from({ length: 8 }, (_, i) => plusDays('2025-08-31', i)),
    ]);
    const days = new Map<string, string>();
    const results = new Map<string, DispatchEventsResult>();

    // Act: every local day of 2025, one run each, except the skipped days.
    for (let day = '2025-01-01'; day <= '2025-12-31'; day = plusDays(day, 1)) {
      if (skipped.has(day)) continue;
      if (day === '2025-04-15') {
        // The first attempt's invite task dies after writing invitations, before the jobs are queued.
        s.queue.failNext = true;
        await expect(s.runOn(day)).rejects.toThrow('queue unavailable');
      }
      const result = await s.runOn(day);
      results.set(day, result);
      days.set(result.waveId, day);
      if (day === '2025-01-05') {
        const [invitation] = await store.listInvitations(result.waveId);
        await store.unsubscribe(invitation!.id, new Date().toISOString());
      }
      if (day === '2025-02-28') {
        // A second, manual run that day (csat dispatch): everything due is already invited.
        const again = await s.runOn(day, { at: new Date('2025-02-28T07:00:00Z') });
        expect(again).toMatchObject({ invited: 0, created: 0, queued: 0, state: 'empty' });
      }
    }

    // Assert: every (customer, delivery, step) invited once, in the wave of the expected local date.
    expect(Object.fromEntries([...(await s.invitedOn(days))].sort())).toEqual({
      'a/2024-02-29/12-months': '2025-02-28',
      'a/2025-01-31/1-month': '2025-02-28',
      'a/2025-01-31/3-months': '2025-04-30',
      'a/2025-03-15/1-month': '2025-04-15',
      'a/2025-03-15/3-months': '2025-06-15',
      'b/2024-12-20/1-month': '2025-01-20',
      'b/2024-12-20/3-months': '2025-03-21',
      'b/2024-12-20/12-months': '2025-12-20',
      'b/2025-05-31/1-month': '2025-07-03',
      'c/2024-10-15/3-months': '2025-01-15',
      'c/2024-10-15/12-months': '2025-10-15',
      'c/2024-11-30/1-month': '2025-01-01',
      'c/2024-11-30/3-months': '2025-02-28',
      'c/2024-11-30/12-months': '2025-11-30',
      'e/2024-12-05/1-month': '2025-01-05',
    });
    // Each invitation's email claimed exactly once (the failed day's retry queued its jobs once).
    expect([...s.claims.values()]).toEqual(Array(15).fill(1));
    // Invitations only on the 13 days with something due (three steps share 2025-02-28); every other
    // day's wave is empty, which reports, reminders and status skip.
    expect([...results.values()].filter((r) => r.state === 'done')).toHaveLength(13);
    expect([...results.values()].filter((r) => r.state !== 'done' && r.state !== 'empty')).toEqual([]);
    expect(results.get('2025-02-28')).toMatchObject({
      waveId: `${s.campaign.id}-20250227T1630`,
      invited: 3,
      created: 3,
      queued: 3,
      steps: { '1-month': 1, '3-months': 1, '12-months': 1 },
      caughtUp: 0,
    });
    expect(results.get('2025-03-21')).toMatchObject({ invited: 1, caughtUp: 1, steps: { '3-months': 1 } });
    expect(results.get('2025-04-15')).toMatchObject({ invited: 1, created: 0, queued: 1 });
    expect(results.get('2025-09-08')).toMatchObject({ invited: 0, state: 'empty' });
    // A year of daily runs, each a wave of 16 shard tasks (two rounds on a day with something due): slow on
    // the emulators of a busy machine, hence the long timeout.
  }, 600_000);

  it('should record the delivery and step on the invitation, and expire it with the wave', async () => {
    const s = await scenario([{ id: 'a', language: 'en', deliveryDates: ['2026-03-01'] }]);

    const result = await s.runOn('2026-04-03');

    const [invitation] = await store.listInvitations(result.waveId);
    expect(invitation).toMatchObject({
      campaignId: s.campaign.id,
      waveId: `${s.campaign.id}-20260402T1630`,
      customer: { id: s.customerId('a'), language: 'en' },
      delivery: { date: '2026-03-01', step: '1-month', months: 1, due: '2026-04-01' },
      expiresAt: '2026-04-16T16:30:00.000Z',
    });
    expect(await store.getWave(s.campaign.id, result.waveId)).toMatchObject({
      invited: 1,
      questionnaire: itss,
    });
    expect(result).toMatchObject({ day: '2026-04-03', caughtUp: 1, state: 'done' });
  });

  it('should create each step once when two runs of different days race', async () => {
    const s = await scenario(
      Array.from({ length: 10 }, (_, i) => ({
        id: `r${i}`,
        language: 'zh-CN' as const,
        deliveryDates: ['2026-03-01'],
      })),
    );

    const [a, b] = await Promise.all([
      dispatchEventsNow(s.deps, {
        campaign: s.campaign,
        questionnaire: itss,
        scheduledTime: tickOf('2026-04-01'),
      }),
      dispatchEventsNow(s.deps, {
        campaign: s.campaign,
        questionnaire: itss,
        scheduledTime: tickOf('2026-04-02'),
      }),
    ]);

    expect(a.created + b.created).toBe(10);
    const ids = new Set(s.queue.jobs.map((j) => j.invitationId));
    expect(ids.size).toBe(10);
    expect(s.queue.jobs).toHaveLength(10);
  });

  it('should never invite a step twice or outside its window, for any deliveries and any run days', async () => {
    const date = fc.integer({ min: 0, max: 500 }).map((n) => plusDays('2024-09-01', n));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(date, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        // Run days in any number and order, taken in date order; a repeated day is a retry of its tick.
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 10 }),
        async (deliveries, runDays, catchUpDays) => {
          const trigger: EventTrigger = { ...afterDelivery.trigger!, catchUpDays };
          const s = await scenario(
            deliveries.map((deliveryDates, i) => ({ id: `p${i}`, language: 'en' as const, deliveryDates })),
            trigger,
          );
          const days = new Map<string, string>();
          for (const n of [...runDays].sort((x, y) => x - y)) {
            const day = plusDays('2025-01-01', n);
            days.set((await s.runOn(day)).waveId, day);
          }
          const invited = await s.invitedOn(days);
          for (const [key, day] of invited) {
            const [, delivery, stepId] = key.split('/') as [string, string, string];
            const due = addMonths(delivery, trigger.steps.find((st) => st.id === stepId)!.months);
            expect(day >= due && day <= plusDays(due, catchUpDays), `${key} on ${day}`).toBe(true);
          }
          expect([...s.claims.values()].every((n) => n === 1)).toBe(true);
          expect(s.claims.size).toBe(invited.size);
        },
      ),
      // Each run day is a fanned-out wave (16 shard tasks a round): fewer runs than when a wave was one read.
      { numRuns: 10 },
    );
  }, 600_000);

  it('should leave out customers of other departments and those who unsubscribed', async () => {
    const s = await scenario([
      { id: 'in', language: 'en', deliveryDates: ['2026-03-01'] },
      { id: 'gone', language: 'en', deliveryDates: ['2026-03-01'] },
    ]);
    const other = await scenario([{ id: 'out', language: 'en', deliveryDates: ['2026-03-01'] }]);
    const first = await s.runOn('2026-04-01');
    expect((await store.listInvitations(first.waveId)).map((i) => i.customer.id).sort()).toEqual(
      [s.customerId('gone'), s.customerId('in')].sort(),
    );
    const gone = (await store.listInvitations(first.waveId)).find(
      (i) => i.customer.id === s.customerId('gone'),
    )!;
    await store.unsubscribe(gone.id, new Date().toISOString());

    // 2026-03-01 + 3 months: only "in" is left (and nobody of the other department).
    const later = await s.runOn('2026-06-01');

    const invited = (await store.listInvitations(later.waveId)).map((i) => i.customer.id);
    expect(invited).toEqual([s.customerId('in')]);
    expect(invited).not.toContain(other.customerId('out'));
  });

  it('should leave out suppressed customers and record each contact for the frequency rule', async () => {
    const s = await scenario([
      { id: 'ok', language: 'zh-CN', deliveryDates: ['2026-03-01'] },
      { id: 'bounced', language: 'zh-CN', deliveryDates: ['2026-03-01'] },
    ]);
    await store.suppressCustomer(s.customerId('bounced'), '2026-03-15T00:00:00.000Z');

    const run = await s.runOn('2026-04-01');

    const invited = (await store.listInvitations(run.waveId)).map((i) => i.customer.id);
    expect(invited).toEqual([s.customerId('ok')]);
    const directory = await store.listCustomers();
    const ok = directory.find((c) => c.id === s.customerId('ok'));
    expect(ok?.lastSurveyedAt).toBe(tickOf('2026-04-01').toISOString());
    expect(ok?.lastSurveyedWave).toBe(run.waveId);
    expect(directory.find((c) => c.id === s.customerId('bounced'))?.lastSurveyedAt).toBeUndefined();
  });

  it('should give the day and the due steps it left out as the reason for an empty wave', async () => {
    // Arrange: both 1-month steps fall due 04-01; "ok"'s is invited that day, "bounced" is suppressed.
    const s = await scenario([
      { id: 'ok', language: 'en', deliveryDates: ['2026-03-01'] },
      { id: 'bounced', language: 'en', deliveryDates: ['2026-03-01'] },
    ]);
    await store.suppressCustomer(s.customerId('bounced'), '2026-03-15T00:00:00.000Z');
    await s.runOn('2026-04-01');

    // Act: the next day catches up both steps: one an earlier wave took, one left out.
    const next = await s.runOn('2026-04-02');

    // Assert
    expect(next).toMatchObject({ state: 'empty', invited: 0, day: '2026-04-02' });
    // Other departments' customers in this file's table have steps due too: those count as not in audience.
    expect(next.excluded).toMatchObject({ suppressed: 1, unsubscribed: 0, surveyedRecently: 0 });
    expect(dispatchText(dispatchResponse(next))).toMatch(
      new RegExp(
        `^Wave ${next.waveId} of ${s.campaign.id}: 0 eligible: steps due on 2026-04-02 left out: ` +
          '(\\d+ not in audience · )?1 suppressed; no other that an earlier wave did not invite\\. ' +
          'No invitations; reports and reminders skip it\\.$',
      ),
    );
  });

  it('should refuse a campaign without a trigger, and dispatch() one with a trigger, writing nothing', async () => {
    const s = await scenario([{ id: 'a', language: 'en', deliveryDates: ['2026-03-01'] }]);
    const plain = { ...demoCampaign, id: `${s.campaign.id}-plain` };

    await expect(
      dispatchEvents(
        { ...s.deps, tasks: new MemoryDispatchTasks() },
        { campaign: plain, questionnaire: itss },
      ),
    ).rejects.toBeInstanceOf(NotEventTriggeredError);
    await expect(
      dispatch(
        { ...s.deps, tasks: new MemoryDispatchTasks() },
        { campaign: s.campaign, questionnaire: itss, scheduledTime: tickOf('2026-04-01') },
      ),
    ).rejects.toThrow(/event-triggered/);

    expect(await store.listWaves(plain.id)).toEqual([]);
    expect(await store.listWaves(s.campaign.id)).toEqual([]);
    expect(s.queue.jobs).toEqual([]);
  });
});
