import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import {
  type DispatchDeps,
  type DispatchInput,
  type DispatchResult,
  dispatch,
  resultOf,
} from '../../functions/use-cases/dispatch.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { MemoryDispatchTasks } from './dispatch-tasks.ts';

/**
 * A dispatch run to its end in a use-case test: starts (or resumes) the wave, then runs its tasks in
 * process (MemoryDispatchTasks), as the queue and the dispatch worker do on AWS, and returns the wave's
 * figures once it is done.
 */
export async function dispatchNow(
  deps: Omit<DispatchDeps, 'tasks'>,
  input: DispatchInput,
): Promise<DispatchResult> {
  const tasks = new MemoryDispatchTasks();
  const withTasks = { ...deps, tasks };
  const started = await dispatch(withTasks, input);
  await tasks.drain((task: DispatchTask) => runDispatchTask(withTasks, task), { maxTasks: 100_000 });
  const wave = await deps.store.getWave(started.campaignId, started.waveId);
  return wave ? resultOf(wave) : started;
}
