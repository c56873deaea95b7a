import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { Campaign, Customer } from '../../functions/domain/programme.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { type DispatchDeps, dispatch } from '../../functions/use-cases/dispatch.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { expectComplete } from '../support/dispatch-checks.ts';
import { MemoryDispatchTasks } from '../support/dispatch-tasks.ts';
import { beforeEveryCall } from '../support/every-call.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';

/*
 * A dispatch killed at any point and run again completes the same wave: every customer the selection picks
 * is invited once, no claim is left without its invitation, every invitation's email is queued.
 * The kill is simulated at the n-th call the dispatch makes to the table or a queue: that call and every
 * later one fails, as when the process dies (calls already in flight still land). The task being run is
 * then delivered again, as SQS does with a message whose run did not finish — or, to be harsher, the queue
 * loses everything and only the rerun (`csat dispatch`, the tick's retry) brings the wave back.
 */
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const clock = { now: () => new Date('2025-05-01T01:00:03.000Z') };
const TICK = new Date('2025-05-01T01:00:00.000Z');

class Killed extends Error {}

/** Deps whose calls fail from the `killAt`-th on. */
function mortal(killAt: number, jobs: SendJob[], tasks: MemoryDispatchTasks) {
  let calls = 0;
  const tick = () => {
    if (++calls >= killAt) throw new Killed(`killed at call ${killAt}`);
  };
  const storeProxy = beforeEveryCall(store, tick);
  const deps: DispatchDeps = {
    store: storeProxy,
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

async function scenario(size: number, sample: Campaign['audience']['sample']) {
  const tag = randomUUID().slice(0, 8);
  const department = `kill-${tag}`;
  const campaign: Campaign = {
    ...demoCampaign,
    id: `k-${tag}`,
    audience: { departments: [department], ...(sample ? { sample } : {}) },
  };
  const customers: Customer[] = Array.from({ length: size }, (_, i) => ({
    id: `${tag}-${i}`,
    name: `Customer ${i}`,
    email: `kill-${tag}-${i}@example.com`,
    language: 'en',
    department,
    spend12m: (i * 37) % 101,
  }));
  await store.putCustomers(customers);
  return { campaign, customers };
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

describe('Property: a dispatch killed at any point', () => {
  it('should complete the same wave when run again, the killed task delivered again', async () => {
    const { campaign } = await scenario(40, { method: 'fixed', size: 25 });
    // A clean run in another campaign of the same size says how many calls a dispatch makes.
    const probe = await scenario(40, { method: 'fixed', size: 25 });
    const probeTasks = new MemoryDispatchTasks();
    const counted = mortal(Number.POSITIVE_INFINITY, [], probeTasks);
    await dispatch(counted.deps, { campaign: probe.campaign, questionnaire: itss, scheduledTime: TICK });
    expect(await drain(counted.deps, probeTasks.queued)).toBe('drained');
    const total = counted.calls();
    expect(total).toBeGreaterThan(50);

    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: total }), fc.boolean(), async (killAt, queueLost) => {
        // Each run its own campaign and customers: claims and waves of one never meet another's.
        const { campaign: c } =
          runs++ === 0 ? { campaign } : await scenario(40, { method: 'fixed', size: 25 });
        const jobs: SendJob[] = [];
        const tasks = new MemoryDispatchTasks();
        const first = mortal(killAt, jobs, tasks);
        let outcome: 'drained' | 'killed' = 'killed';
        let tickDone = false;
        try {
          await dispatch(first.deps, { campaign: c, questionnaire: itss, scheduledTime: TICK });
          tickDone = true;
          outcome = await drain(first.deps, tasks.queued);
        } catch (e) {
          if (!(e instanceof Killed)) throw e;
        }
        if (outcome === 'killed' && queueLost) tasks.queued.length = 0;

        const again = mortal(Number.POSITIVE_INFINITY, jobs, tasks);
        // Killed in a task with the queue intact: SQS delivers the task again, and that alone must finish
        // the wave (the tick succeeded, nobody runs it again). Killed in the tick, or the queue lost: the
        // tick's retry or `csat dispatch` runs it again.
        if (!tickDone || queueLost)
          await dispatch(again.deps, { campaign: c, questionnaire: itss, scheduledTime: TICK });
        expect(await drain(again.deps, tasks.queued)).toBe('drained');
        await expectComplete(store, c, TICK, jobs);
      }),
      { numRuns: 10 },
    );
  }, 180_000);

  it('should finish by redelivery alone when the run that moved the plan on died before queuing the round', async () => {
    const { campaign: c } = await scenario(40, { method: 'fixed', size: 25 });
    const jobs: SendJob[] = [];
    const tasks = new MemoryDispatchTasks();
    const deps = mortal(Number.POSITIVE_INFINITY, jobs, tasks).deps;
    // The first time a later round's tasks are queued, the call fails: the plan has moved on, its tasks
    // are not queued, and the task that did it is delivered again.
    let failed = false;
    const flaky: DispatchDeps = {
      ...deps,
      tasks: {
        enqueue: async (t) => {
          if (!failed && t.some((task) => task.round > 0)) {
            failed = true;
            throw new Killed('died after moving the plan on');
          }
          await tasks.enqueue(t);
        },
      },
    };

    await dispatch(flaky, { campaign: c, questionnaire: itss, scheduledTime: TICK });
    expect(await drain(flaky, tasks.queued)).toBe('killed');
    expect(await drain(flaky, tasks.queued)).toBe('drained');

    expect(failed).toBe(true);
    await expectComplete(store, c, TICK, jobs);
  });
});
