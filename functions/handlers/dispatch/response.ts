import type { Exclusions } from '../../domain/audience.ts';
import type { Wave } from '../../domain/model.ts';
import type { DispatchState } from '../../domain/selection/dispatch-state.ts';
import { resultOf } from '../../use-cases/dispatch.ts';
import { eventResultOf } from '../../use-cases/dispatch-events.ts';
import type { DispatchWaveResult } from '../../use-cases/dispatch-wave.ts';

export interface DispatchResponse {
  campaignId: string;
  waveId: string;
  /**
   * Periodic and event waves: `selecting` or `inviting` while the dispatch worker runs its rounds (`csat
   * dispatch` waits for the wave), then `done`, or `empty` when nobody was eligible (an event wave: no step
   * due that another wave did not take). Smoke waves: `done`.
   */
  state: DispatchState;
  invited: number;
  /** Invitations this run (and its tasks) created: fewer than `invited` after a redone chunk or a repeat. */
  created: number;
  /** Invitation emails this run queued (a redone chunk queues again those not yet sent). */
  queued: number;
  /** The sampling seed the wave used (periodic campaigns; an event wave has no sample). */
  seed?: string;
  /**
   * Left out, by reason (counts only, never who): a periodic wave's customers of the directory; an event
   * wave's due steps, when any was left out.
   */
  excluded?: Exclusions;
  /** An event-triggered campaign's wave: the local date it invites the steps due on (or caught up by). */
  day?: string;
  /** Set on a smoke run's wave, which is filed under the campaign's smoke id (`campaignId` says which). */
  smoke?: { runId: string };
}

/** What the dispatch function answers: counts and ids only. */
export function dispatchResponse(result: DispatchWaveResult): DispatchResponse {
  return {
    campaignId: result.campaignId,
    waveId: result.waveId,
    state: 'state' in result ? result.state : 'done',
    invited: result.invited,
    created: result.created,
    queued: result.queued,
    ...('seed' in result ? { seed: result.seed } : {}),
    ...('excluded' in result && result.excluded ? { excluded: result.excluded } : {}),
    ...('day' in result ? { day: result.day } : {}),
    ...('smoke' in result ? { smoke: result.smoke } : {}),
  };
}

/** The answer for a periodic or event wave as it stands in the table (what a repeated tick would get). */
export const dispatchResponseOfWave = (wave: Wave): DispatchResponse =>
  dispatchResponse(wave.campaign.trigger ? eventResultOf(wave) : resultOf(wave));

/** Whether the dispatch worker is still at it. */
export const inProgress = (r: { state: DispatchState }): boolean =>
  r.state === 'selecting' || r.state === 'inviting';
