import { contactCutoff, type Exclusions, noExclusions, waveSeed } from '../domain/audience.ts';
import type { Wave } from '../domain/model.ts';
import type { Clock, SendQueue, SurveyStore } from '../domain/ports.ts';
import type { Campaign } from '../domain/programme.ts';
import type { Questionnaire } from '../domain/questionnaire.ts';
import type { SelectionInput } from '../domain/selection/criteria.ts';
import type { DispatchState, WaveDispatch } from '../domain/selection/dispatch-state.ts';
import { startPlan } from '../domain/selection/plan.ts';
import type { DispatchTaskQueue } from '../domain/selection/task.ts';
import { resumeWave } from './dispatch-task.ts';
import type { Suppressions } from './suppression.ts';

export { inviteAll, invitedCustomer } from './dispatch-invite.ts';

const DAY_MS = 86_400_000;

export interface DispatchInput {
  campaign: Campaign;
  /** The campaign's questionnaire as it is now; the wave keeps this snapshot. */
  questionnaire: Questionnaire;
  /** The schedule tick that asked for the wave; absent for a manual run (`csat dispatch`). */
  scheduledTime?: Date;
}

export interface DispatchResult {
  campaignId: string;
  waveId: string;
  /** `selecting` or `inviting` while the dispatch tasks run; then `done`, or `empty` when nobody was eligible. */
  state: DispatchState;
  /** Customers with an invitation in the wave (final once done). */
  invited: number;
  /** Invitations the dispatch created. */
  created: number;
  /** Send jobs it queued. */
  queued: number;
  /** The sampling seed the wave used. */
  seed: string;
  /** Customers of the directory left out of the wave, by reason (counts only; final once done). */
  excluded: Exclusions;
}

export interface DispatchDeps {
  store: SurveyStore;
  queue: SendQueue;
  clock: Clock;
  /** Addresses never to survey again, whatever the directory says (use-cases/suppression.ts). */
  suppressions: Suppressions;
  /** Where the wave's shard tasks go (the dispatch worker runs them: dispatch-task.ts). */
  tasks: DispatchTaskQueue;
}

/** `{campaignId}-{yyyyMMddTHHmm}` in UTC, so a repeated tick or a retry names the same wave. */
export function waveIdFor(campaignId: string, at: Date): string {
  const iso = at.toISOString();
  return `${campaignId}-${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/**
 * What a wave's selection is judged on, on every run of it: the wave's own snapshot and time. An event
 * wave samples nobody out (its plan only finds the key thresholds its customers' segments need).
 */
export function selectionInputOf(wave: Wave): SelectionInput {
  const audience = wave.campaign.audience;
  return {
    audience: wave.campaign.trigger ? { ...audience, sample: { method: 'all' } } : audience,
    at: new Date(wave.dispatch!.at),
    timeZone: wave.campaign.dispatch.timeZone,
    waveId: wave.waveId,
    seed: waveSeed(audience, wave.waveId),
  };
}

/** The frequency rule's claim of the wave's customers. */
export function claimOf(wave: Wave): { waveId: string; at: string; cutoff: string } {
  const at = new Date(wave.dispatch!.at);
  return { waveId: wave.waveId, at: at.toISOString(), cutoff: contactCutoff(wave.campaign.audience, at) };
}

export const resultOf = (wave: Wave): DispatchResult => ({
  campaignId: wave.campaignId,
  waveId: wave.waveId,
  state: wave.dispatch?.state ?? 'done',
  invited: wave.invited,
  created: wave.dispatch?.totals?.created ?? 0,
  queued: wave.dispatch?.totals?.queued ?? 0,
  seed: wave.selection?.seed ?? waveSeed(wave.campaign.audience, wave.waveId),
  excluded: wave.selection?.excluded ?? noExclusions(),
});

/** A wave whose dispatch tasks have not finished it (selection or invite round under way). */
export const isUnfinished = (w: Wave) =>
  w.dispatch?.state === 'selecting' || w.dispatch?.state === 'inviting';

/**
 * Starts a wave of a periodic campaign, or resumes it: stores the wave (with a snapshot of the campaign and
 * questionnaire, and the selection plan) unless the tick's wave exists, then queues the tasks of its
 * current round for every directory shard not through it yet. The dispatch worker runs the rounds
 * (dispatch-task.ts): the selection, then the claims, invitations and send jobs, a chunk of a shard at a
 * time, so no invocation grows with the directory. Run again — a scheduler retry, `csat dispatch` after a
 * crash — it completes the same wave: a manual run resumes the campaign's unfinished wave before it
 * starts another.
 */
export async function dispatch(deps: DispatchDeps, input: DispatchInput): Promise<DispatchResult> {
  // Inviting the whole audience of an event-triggered campaign would survey every customer at once.
  if (input.campaign.trigger)
    throw new RangeError(`campaign ${input.campaign.id} is event-triggered: use dispatchEvents`);
  return resultOf(await startWave(deps, input));
}

/**
 * Stores the input's wave in state `selecting` (unless it exists) and queues or moves on its current round;
 * a manual run picks the campaign's unfinished wave, if any, instead of a new one. `extra` adds to the new
 * wave's dispatch (an event wave's date). Resolves to the wave as it stands after that.
 */
export async function startWave(
  deps: DispatchDeps,
  input: DispatchInput,
  extra: (at: Date) => Partial<WaveDispatch> = () => ({}),
): Promise<Wave> {
  const { store, clock } = deps;
  const { campaign } = input;
  const now = clock.now();
  const unfinished = input.scheduledTime
    ? undefined
    : (await store.listWaves(campaign.id)).find(isUnfinished);
  const at = input.scheduledTime ?? (unfinished ? new Date(unfinished.dispatch!.at) : now);
  const waveId = waveIdFor(campaign.id, at);
  const { wave } = await store.putWave({
    campaignId: campaign.id,
    waveId,
    createdAt: now.toISOString(),
    deadline: new Date(at.getTime() + campaign.responseDays * DAY_MS).toISOString(),
    campaign,
    questionnaire: input.questionnaire,
    invited: 0,
    dispatch: {
      state: 'selecting',
      plan: startPlan(),
      shards: store.directoryShards,
      at: at.toISOString(),
      ...extra(at),
    },
  } satisfies Wave);
  if (isUnfinished(wave)) await resumeWave(deps, wave);
  return (await store.getWave(campaign.id, waveId, { consistent: true })) ?? wave;
}
