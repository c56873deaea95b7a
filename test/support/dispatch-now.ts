import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import {
  type DispatchDeps,
  type DispatchInput,
  type DispatchResult,
  dispatch,
  resultOf,
} from '../../functions/use-cases/dispatch.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';

/** A dispatch task queue in memory: what was queued, in order, for `drainTasks` to run. */
export function memoryTasks() {
  const pending: DispatchTask[] = [];
  const all: DispatchTask[] = [];
  return {
    pending,
    all,
    enqueue: async (tasks: readonly DispatchTask[]) => {
      pending.push(...tasks);
      all.push(...tasks);
    },
  };
}

/** Runs queued tasks (and those they queue) until none is left, as the dispatch worker would. */
export async function drainTasks(
  deps: DispatchDeps,
  pending: DispatchTask[],
  max = 100_000,
): Promise<number> {
  let ran = 0;
  while (pending.length > 0) {
    if (++ran > max) throw new Error(`more than ${max} dispatch tasks`);
    await runDispatchTask(deps, pending.shift()!);
  }
  return ran;
}

/**
 * A dispatch run to its end: starts (or resumes) the wave, then runs its tasks in process, as the queue
 * and the dispatch worker do on AWS, and returns the wave's figures once it is done.
 */
export async function dispatchNow(
  deps: Omit<DispatchDeps, 'tasks'>,
  input: DispatchInput,
): Promise<DispatchResult> {
  const tasks = memoryTasks();
  const withTasks = { ...deps, tasks };
  const started = await dispatch(withTasks, input);
  await drainTasks(withTasks, tasks.pending);
  const wave = await deps.store.getWave(started.campaignId, started.waveId);
  return wave ? resultOf(wave) : started;
}
