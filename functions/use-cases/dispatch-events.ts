import { EXCLUSION_REASONS, type Exclusions } from '../domain/audience.ts';
import { localDateOf } from '../domain/calendar/index.ts';
import type { Wave } from '../domain/model.ts';
import { dict } from '../domain/records.ts';
import {
  type DispatchDeps,
  type DispatchInput,
  type DispatchResult,
  isUnfinished,
  startWave,
} from './dispatch.ts';
import { resumeWave } from './dispatch-task.ts';

export interface DispatchEventsResult extends Omit<DispatchResult, 'seed' | 'excluded'> {
  /** The local date (campaign time zone) the run counted due steps for. */
  day: string;
  /** Invitations of this wave by step id (final once done). */
  steps: Record<string, number>;
  /** Of those, steps that fell due before `day`: caught up after a failed or skipped run. */
  caughtUp: number;
  /**
   * Due steps the wave left out, by reason (unsubscribed, suppressed, another department, the contact
   * claim lost): set once the invite round counted any. Steps an earlier wave took are not among them.
   */
  excluded?: Exclusions;
}

export class NotEventTriggeredError extends Error {
  constructor(campaignId: string) {
    super(`campaign ${campaignId} has no trigger: dispatch its waves with dispatch()`);
    this.name = 'NotEventTriggeredError';
  }
}

/** An event wave's figures as they stand in the table (final once its state is `done` or `empty`). */
export function eventResultOf(wave: Wave): DispatchEventsResult {
  const events = wave.dispatch?.events;
  const excluded = wave.selection?.excluded;
  return {
    campaignId: wave.campaignId,
    waveId: wave.waveId,
    state: wave.dispatch?.state ?? 'done',
    invited: wave.invited,
    created: wave.dispatch?.totals?.created ?? 0,
    queued: wave.dispatch?.totals?.queued ?? 0,
    day:
      events?.day ??
      localDateOf(new Date(wave.dispatch?.at ?? wave.createdAt), wave.campaign.dispatch.timeZone),
    steps: events?.steps ?? dict<number>(),
    caughtUp: events?.caughtUp ?? 0,
    ...(excluded && EXCLUSION_REASONS.some((r) => excluded[r] > 0) ? { excluded } : {}),
  };
}

/**
 * One run of an event-triggered campaign (its `trigger`, events.ts): a wave of the eligible customers
 * with a step due on the run's local date, or missed at most `catchUpDays` before it.
 *
 * The wave is stored first and fanned out over the dispatch queue as a periodic wave is (dispatch.ts,
 * dispatch-task.ts): its selection rounds find the directory's key thresholds (for the customers'
 * segments) and count who has a step due, a chunk of a shard per task; its invite round creates, claims and
 * queues each chunk's due steps (dispatch-event-chunk.ts), so no invocation grows with the directory. A wave
 * with nothing due, or whose due steps other waves took, ends `empty`: reports, reminders and status skip it.
 *
 * Each step of each delivery gets one invitation whose id depends on campaign, customer, delivery and
 * step only, never on the wave: that invitation is the marker that lets the step out once. A later run (a
 * catch-up, a second tick the same day) finds it and leaves it to the wave that created it; a retry of the
 * same tick (same wave id) resumes the wave, and a redone chunk finds its own invitations and queues those
 * not yet emailed. A run that dies half-way is completed by the task's redelivery or the retry; a wave left
 * unfinished even so (a task dead-lettered after its tries) is resumed by the next scheduled run, which picks
 * up the campaign's earlier unfinished waves before it starts its own: their invitations are emailed
 * already, and only a finished wave counts for reports and reminders (isDispatched). Steps a newer wave took
 * meanwhile are its own: the resumed wave finds their invitations and leaves them. A crash delays a step but
 * never doubles it.
 */
export async function dispatchEvents(
  deps: DispatchDeps,
  input: DispatchInput,
): Promise<DispatchEventsResult> {
  const { campaign } = input;
  const trigger = campaign.trigger;
  if (!trigger) throw new NotEventTriggeredError(campaign.id);
  // A manual run resumes the campaign's unfinished wave itself (startWave); a tick resumes the earlier ones.
  if (input.scheduledTime) await resumeEarlierWaves(deps, campaign.id, input.scheduledTime);
  const wave = await startWave(deps, input, (at) => ({
    events: { day: localDateOf(at, campaign.dispatch.timeZone) },
  }));
  return eventResultOf(wave);
}

/** Resumes the campaign's unfinished waves of a time before `at` (a dead-lettered task left them stuck). */
async function resumeEarlierWaves(deps: DispatchDeps, campaignId: string, at: Date): Promise<void> {
  const stuck = (await deps.store.listWaves(campaignId)).filter(
    (w) => isUnfinished(w) && new Date(w.dispatch!.at).getTime() < at.getTime(),
  );
  for (const wave of stuck) await resumeWave(deps, wave);
}
