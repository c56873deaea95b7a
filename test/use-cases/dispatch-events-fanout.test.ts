import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { eventInvitationId } from '../../functions/domain/events.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { SurveyStore } from '../../functions/domain/ports.ts';
import { type Campaign, type Customer, findCampaign } from '../../functions/domain/programme.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { type DispatchDeps, waveIdFor } from '../../functions/use-cases/dispatch.ts';
import { dispatchEvents, eventResultOf } from '../../functions/use-cases/dispatch-events.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { programme } from '../../programme/index.ts';
import { MemoryDispatchTasks } from '../support/dispatch-tasks.ts';
import { beforeEveryCall } from '../support/every-call.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { itss } from '../support/programme.ts';

/*
 * An event-triggered campaign's wave over the dispatch fan-out (use-cases/dispatch-event-chunk.ts): the
 * tick only stores the wave and queues its shard tasks; each task reads a chunk of its own shard; a task
 * killed at any point and delivered again (or the tick run again) completes the same wave, each due step
 * invited and emailed once.
 */
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const afterDelivery = findCampaign(programme, 'after-delivery')!;
/** 00:30 on 2026-04-03 in Shanghai (16:30 UTC the day before): the wave counts steps due on 2026-04-03. */
const TICK = new Date('2026-04-02T16:30:00.000Z');
const clock = { now: () => new Date('2026-04-02T16:30:05.000Z') };

/**
 * A campaign and department of their own. Of every three customers: one delivery of 2026-03-01 (its
 * 1-month step fell due 04-01: caught up), one of 2026-01-03 (3 months: due on the day), one of
 * 2026-03-20 (1 month: due 04-20, not yet).
 */
async function scenario(size: number) {
  const tag = randomUUID().slice(0, 8);
  const department = `fan-${tag}`;
  const campaign: Campaign = {
    ...afterDelivery,
    id: `f-${tag}`,
    dispatch: { cron: '30 0 * * *', timeZone: 'Asia/Shanghai' },
    audience: { departments: [department] },
  };
  const dates = ['2026-03-01', '2026-01-03', '2026-03-20'];
  const customers: Customer[] = Array.from({ length: size }, (_, i) => ({
    id: `${tag}-${i}`,
    name: `Customer ${i}`,
    email: `fan-${tag}-${i}@example.test`,
    language: 'en',
    department,
    spend12m: (i * 37) % 101,
    deliveryDates: [dates[i % 3]!],
  }));
  await store.putCustomers(customers);
  const steps = customers.flatMap((c, i) =>
    i % 3 === 0
      ? [{ c, due: { date: '2026-03-01', step: '1-month', months: 1, due: '2026-04-01' } }]
      : i % 3 === 1
        ? [{ c, due: { date: '2026-01-03', step: '3-months', months: 3, due: '2026-04-03' } }]
        : [],
  );
  const expected = steps.map(({ c, due }) => eventInvitationId(campaign.id, c.id, due)).sort();
  return { campaign, customers, expected, waveId: waveIdFor(campaign.id, TICK) };
}

type Call = { method: string; args: unknown[] };

/** The store with every call to it written to `log` (method and arguments). */
function recording(log: Call[]): SurveyStore {
  return new Proxy(store, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        log.push({ method: String(name), args });
        return value.apply(object, args);
      };
    },
  });
}

class Killed extends Error {}

/** Deps whose calls to the table and the queues fail from the `killAt`-th on, as when the process dies. */
function mortal(killAt: number, jobs: SendJob[], tasks: MemoryDispatchTasks) {
  let calls = 0;
  const tick = () => {
    if (++calls >= killAt) throw new Killed(`killed at call ${killAt}`);
  };
  const deps: DispatchDeps = {
    store: beforeEveryCall(store, tick),
    clock,
    suppressions: testSuppressions(),
    queue: {
      enqueue: async (j) => {
        tick();
        jobs.push(...(j as SendJob[]));
      },
    },
    tasks: {
      enqueue: async (t) => {
        tick();
        await tasks.enqueue(t);
      },
    },
  };
  return { deps, calls: () => calls };
}

/** Runs queued tasks until none is left; a killed run leaves its task queued (redelivered) and stops. */
async function drain(deps: DispatchDeps, pending: DispatchTask[]): Promise<'drained' | 'killed'> {
  while (pending.length > 0) {
    try {
      await runDispatchTask(deps, pending[0]!);
    } catch (e) {
      if (e instanceof Killed) return 'killed';
      throw e;
    }
    pending.shift();
  }
  return 'drained';
}

/** The wave is done with exactly the expected steps, no claim without its invitation, each email sent once. */
async function expectEventWaveComplete(s: Awaited<ReturnType<typeof scenario>>, jobs: SendJob[]) {
  const wave = await store.getWave(s.campaign.id, s.waveId, { consistent: true });
  expect(wave?.dispatch?.state).toBe('done');
  const invitations = await store.listInvitations(s.waveId);
  expect(invitations.map((i) => i.id).sort()).toEqual(s.expected);
  expect(wave!.invited).toBe(s.expected.length);
  const invitedCustomers = new Set(invitations.map((i) => i.customer.id));
  const claimed = (await store.listCustomers()).filter((c) => c.lastSurveyedWave === s.waveId);
  expect(claimed.map((c) => c.id).sort()).toEqual([...invitedCustomers].sort());
  // Every invitation's email is queued; sending what was queued emails each once (the send step claims).
  expect(new Set(jobs.map((j) => j.invitationId))).toEqual(new Set(s.expected));
  let sent = 0;
  for (const job of jobs)
    if (await store.claimSend(job.invitationId, job.step, clock.now().toISOString())) sent++;
  expect(sent).toBe(s.expected.length);
}

describe('Use case: an event wave fanned out over the directory shards', () => {
  it('should be done by shard tasks, each reading its own shard, none of them the whole directory', async () => {
    // Arrange: 60 customers over the 16 shards, 40 of them with a step due.
    const s = await scenario(60);
    const jobs: SendJob[] = [];
    const tasks = new MemoryDispatchTasks();
    const tickCalls: Call[] = [];
    const deps = (log: Call[]): DispatchDeps => ({
      store: recording(log),
      clock,
      suppressions: testSuppressions(),
      queue: { enqueue: async (j) => void jobs.push(...(j as SendJob[])) },
      tasks,
    });

    // Act: the tick, then every task it and its successors queue, each with its own call log.
    const started = await dispatchEvents(deps(tickCalls), {
      campaign: s.campaign,
      questionnaire: itss,
      scheduledTime: TICK,
    });
    const reads: Array<{ task: DispatchTask; shards: unknown[] }> = [];
    await tasks.drain(async (task) => {
      const log: Call[] = [];
      await runDispatchTask(deps(log), task);
      reads.push({ task, shards: log.filter((c) => c.method === 'customerPage').map((c) => c.args[0]) });
    });

    // Assert: the tick stored the wave and read no customer; each task read its own shard only.
    expect(started).toMatchObject({ state: 'selecting', invited: 0, day: '2026-04-03' });
    expect(tickCalls.filter((c) => c.method === 'customerPage' || c.method === 'listCustomers')).toEqual([]);
    for (const { task, shards } of reads) expect(new Set(shards)).toEqual(new Set([task.shard]));
    // One round for the key thresholds (a small directory) and the invite round, each a task per shard.
    expect(reads.filter((r) => r.task.round === 0).map((r) => r.task.shard)).toEqual([...Array(16).keys()]);
    expect(reads.filter((r) => r.task.round === 1).map((r) => r.task.shard)).toEqual([...Array(16).keys()]);
    const wave = await store.getWave(s.campaign.id, s.waveId, { consistent: true });
    expect(eventResultOf(wave!)).toMatchObject({
      state: 'done',
      invited: 40,
      created: 40,
      queued: 40,
      day: '2026-04-03',
      steps: { '1-month': 20, '3-months': 20 },
      caughtUp: 20,
    });
    // Segments from the thresholds the shard rounds found: the file's directory is these 60 (this test
    // runs first), whose 12 top spenders (20 %) are key, 8 of them with a step due.
    expect(wave!.invitedBy?.find((d) => d.department === s.campaign.audience.departments![0])).toMatchObject({
      all: 40,
      segments: { key: 8 },
    });
    await expectEventWaveComplete(s, jobs);
  });

  it('should end a day with nothing due empty after the key round, which status leaves out', async () => {
    // Arrange: on 2026-05-25 (Shanghai) no step of these deliveries is due or within its catch-up days.
    const s = await scenario(9);
    const quiet = new Date('2026-05-24T16:30:00.000Z');
    const tasks = new MemoryDispatchTasks();
    const deps: DispatchDeps = {
      store,
      clock,
      suppressions: testSuppressions(),
      queue: { enqueue: async () => {} },
      tasks,
    };
    const run = async (scheduledTime: Date) => {
      const started = await dispatchEvents(deps, {
        campaign: s.campaign,
        questionnaire: itss,
        scheduledTime,
      });
      const ran = await tasks.drain((task) => runDispatchTask(deps, task));
      const wave = await store.getWave(s.campaign.id, started.waveId, { consistent: true });
      return { ran, result: eventResultOf(wave!) };
    };

    // Act
    const empty = await run(quiet);
    const due = await run(TICK);

    // Assert: the quiet day took one round of shard tasks and invited nobody; status shows the other wave.
    expect(empty.result).toMatchObject({ state: 'empty', invited: 0, created: 0, steps: {}, caughtUp: 0 });
    expect(new Set(empty.ran.map((t) => t.round))).toEqual(new Set([0]));
    expect(await store.listInvitations(empty.result.waveId)).toEqual([]);
    expect(due.result).toMatchObject({ state: 'done', invited: 6 });
    const status = await getCampaignStatus({ store }, { campaignId: s.campaign.id });
    expect(status.waves.map((w) => w.waveId)).toEqual([due.result.waveId]);
  });

  it('should finish a wave stuck by a dead-lettered invite task on the next scheduled run', async () => {
    // Arrange: the wave of TICK loses its first invite-round task (dead-lettered after its tries).
    const s = await scenario(9);
    const tasks = new MemoryDispatchTasks();
    const deps: DispatchDeps = {
      store,
      clock,
      suppressions: testSuppressions(),
      queue: { enqueue: async () => {} },
      tasks,
    };
    let dropped: DispatchTask | undefined;
    const runOrDrop = async (task: DispatchTask) => {
      const wave = await store.getWave(task.campaignId, task.waveId, { consistent: true });
      if (!dropped && wave?.dispatch?.state === 'inviting') dropped = task;
      else await runDispatchTask(deps, task);
    };
    await dispatchEvents(deps, { campaign: s.campaign, questionnaire: itss, scheduledTime: TICK });
    await tasks.drain(runOrDrop);
    const stuck = await store.getWave(s.campaign.id, s.waveId, { consistent: true });
    const nextTick = new Date(TICK.getTime() + 86_400_000);

    // Act: the next day's tick, nobody running `csat dispatch`.
    const next = await dispatchEvents(deps, {
      campaign: s.campaign,
      questionnaire: itss,
      scheduledTime: nextTick,
    });
    await tasks.drain((task) => runDispatchTask(deps, task));

    // Assert: the stuck wave is done with all its steps; each due step has one invitation, in one wave.
    expect(dropped).toBeDefined();
    expect(stuck?.dispatch?.state).toBe('inviting');
    const resumed = await store.getWave(s.campaign.id, s.waveId, { consistent: true });
    expect(resumed?.dispatch?.state).toBe('done');
    const mine = await store.listInvitations(s.waveId);
    const theirs = await store.listInvitations(next.waveId);
    expect(resumed!.invited).toBe(mine.length);
    expect([...mine, ...theirs].map((i) => i.id).sort()).toEqual(s.expected);
    const status = await getCampaignStatus({ store }, { campaignId: s.campaign.id });
    expect(status.waves.map((w) => w.waveId)).toContain(s.waveId);
  });

  it('should complete the same wave when killed at any call and run again, each step emailed once', async () => {
    // A clean run of another campaign of the same size says how many calls an event wave makes.
    const probe = await scenario(30);
    const probeTasks = new MemoryDispatchTasks();
    const counted = mortal(Number.POSITIVE_INFINITY, [], probeTasks);
    await dispatchEvents(counted.deps, {
      campaign: probe.campaign,
      questionnaire: itss,
      scheduledTime: TICK,
    });
    expect(await drain(counted.deps, probeTasks.queued)).toBe('drained');
    const total = counted.calls();
    expect(total).toBeGreaterThan(50);

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: total }), fc.boolean(), async (killAt, queueLost) => {
        // Arrange: each run its own campaign and customers.
        const s = await scenario(30);
        const input = { campaign: s.campaign, questionnaire: itss, scheduledTime: TICK };
        const jobs: SendJob[] = [];
        const tasks = new MemoryDispatchTasks();
        const first = mortal(killAt, jobs, tasks);
        let tickDone = false;
        let outcome: 'drained' | 'killed' = 'killed';

        // Act: killed at the killAt-th call; then the task delivered again, or (the tick killed, or the
        // queue lost) the tick run again, as the schedule's retry or `csat dispatch` do.
        try {
          await dispatchEvents(first.deps, input);
          tickDone = true;
          outcome = await drain(first.deps, tasks.queued);
        } catch (e) {
          if (!(e instanceof Killed)) throw e;
        }
        if (outcome === 'killed' && queueLost) tasks.queued.length = 0;
        const again = mortal(Number.POSITIVE_INFINITY, jobs, tasks);
        if (!tickDone || queueLost) await dispatchEvents(again.deps, input);

        // Assert
        expect(await drain(again.deps, tasks.queued)).toBe('drained');
        await expectEventWaveComplete(s, jobs);
      }),
      { numRuns: 8 },
    );
  }, 600_000);
});
