import type { Clock, SendQueue, SurveyStore } from '../domain/ports.ts';
import type { DispatchTask, DispatchTaskQueue } from '../domain/selection/task.ts';
import type { Suppressions } from './suppression.ts';

/** What a dispatch task runs with: the dispatch's own deps (use-cases/dispatch.ts) plus the task queue. */
export interface DispatchTaskDeps {
  store: SurveyStore;
  queue: SendQueue;
  tasks: DispatchTaskQueue;
  clock: Clock;
  suppressions: Suppressions;
}

/** Runs one task of a wave's fan-out (domain/selection/task.ts); the dispatch worker calls it per message. */
export async function runDispatchTask(_deps: DispatchTaskDeps, _task: DispatchTask): Promise<void> {
  throw new Error('runDispatchTask: not implemented yet');
}
