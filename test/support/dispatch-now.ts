import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import {
  type DispatchDeps,
  type DispatchInput,
  type DispatchResult,
  dispatch,
  resultOf,
} from '../../functions/use-cases/dispatch.ts';
import {
  type DispatchEventsResult,
  dispatchEvents,
  eventResultOf,
} from '../../functions/use-cases/dispatch-events.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { MemoryDispatchTasks } from './dispatch-tasks.ts';

/**
 * Runs the queued tasks, all those queued at once together (as the worker's concurrent invocations take
 * them off the queue), then those they queued, until none is left. A failed run is thrown once the others
 * of its batch have settled; the tasks it would have queued are not there (a crash, as on AWS).
 */
async function drainConcurrently(tasks: MemoryDispatchTasks, run: (task: DispatchTask) => Promise<void>) {
  for (let batches = 0; tasks.queued.length > 0; batches++) {
    if (batches >= 10_000) throw new Error('dispatch tasks still queued after 10,000 batches');
    const batch = tasks.queued.splice(0);
    const failed = (await Promise.allSettled(batch.map((t) => run(structuredClone(t))))).find(
      (r) => r.status === 'rejected',
    );
    if (failed) throw failed.reason;
  }
}

/** Starts a wave with `start`, runs every task it queues in process, and returns the wave's figures. */
async function runToEnd<R extends { campaignId: string; waveId: string }>(
  deps: Omit<DispatchDeps, 'tasks'>,
  start: (deps: DispatchDeps) => Promise<R>,
  resultOfWave: (wave: NonNullable<Awaited<ReturnType<DispatchDeps['store']['getWave']>>>) => R,
  options: { concurrently?: boolean } = {},
): Promise<R> {
  const tasks = new MemoryDispatchTasks();
  const withTasks = { ...deps, tasks };
  const started = await start(withTasks);
  const run = (task: DispatchTask) => runDispatchTask(withTasks, task);
  if (options.concurrently) await drainConcurrently(tasks, run);
  else await tasks.drain(run, { maxTasks: 100_000 });
  const wave = await deps.store.getWave(started.campaignId, started.waveId, { consistent: true });
  return wave ? resultOfWave(wave) : started;
}

/**
 * A dispatch run to its end in a use-case test: starts (or resumes) the wave, then runs its tasks in
 * process (MemoryDispatchTasks), as the queue and the dispatch worker do on AWS, and returns the wave's
 * figures once it is done.
 */
export function dispatchNow(
  deps: Omit<DispatchDeps, 'tasks'>,
  input: DispatchInput,
): Promise<DispatchResult> {
  return runToEnd(deps, (d) => dispatch(d, input), resultOf);
}

/**
 * dispatchNow for an event-triggered campaign's wave (use-cases/dispatch-events.ts). The tasks of a round
 * run concurrently, as the dispatch worker's invocations do: tests that run a wave a day for a year stay
 * quick, and the last shards of a round race to move the wave on.
 */
export function dispatchEventsNow(
  deps: Omit<DispatchDeps, 'tasks'>,
  input: DispatchInput,
): Promise<DispatchEventsResult> {
  return runToEnd(deps, (d) => dispatchEvents(d, input), eventResultOf, { concurrently: true });
}
