import type { Wave } from '../domain/model.ts';
import type { Clock, SendQueue, SurveyStore } from '../domain/ports.ts';
import { invitedByOf } from '../domain/report/rollup.ts';
import {
  isSmokeCustomer,
  isSmokeCustomerOf,
  type SmokeRequest,
  smokeCampaign,
  smokeCampaignId,
  smokeWaveId,
} from '../domain/smoke.ts';
import type { DispatchInput } from './dispatch.ts';
import { inviteAll, invitedCustomer } from './dispatch.ts';

/** A smoke wave's links work for a day: long enough for any run, short if a cleanup never came. */
const SMOKE_WAVE_MS = 86_400_000;

/** The smoke request names someone who is not one of the run's smoke customers, or who cannot be sent to. */
export class SmokeDispatchError extends Error {
  constructor(problems: string[]) {
    super(`smoke wave refused: ${problems.join('; ')}`);
    this.name = 'SmokeDispatchError';
  }
}

export interface SmokeDispatchResult {
  campaignId: string;
  waveId: string;
  invited: number;
  created: number;
  queued: number;
  smoke: { runId: string };
}

/**
 * A smoke run's one-off wave (domain/smoke.ts): invites exactly the named customers, each of whom must be
 * in the directory, carry the smoke tag and the run's id prefix, and be neither unsubscribed nor
 * suppressed; any other name refuses the whole wave, so it can never email a real customer. The wave is
 * filed under the campaign's smoke id with reports going to the simulator, and it claims no contact (the
 * frequency rule is about real customers). Every write is conditional, as in dispatch(): a retry completes
 * the same wave (its id comes from the run) and the send step emails each invitation once.
 */
export async function dispatchSmoke(
  deps: { store: SurveyStore; queue: SendQueue; clock: Clock },
  input: DispatchInput & { smoke: SmokeRequest },
): Promise<SmokeDispatchResult> {
  const { store, queue, clock } = deps;
  const { campaign, smoke } = input;
  const problems: string[] = [];
  if (campaign.trigger) problems.push(`campaign ${campaign.id} is event-triggered: use a periodic one`);
  const ids = [...new Set(smoke.customerIds)];
  const found = await Promise.all(ids.map((id) => store.getCustomer(id)));
  ids.forEach((id, i) => {
    const c = found[i];
    if (!isSmokeCustomerOf(smoke.runId, id))
      problems.push(`${id} is not a customer id of run ${smoke.runId}`);
    else if (!c) problems.push(`${id} is not in the directory`);
    else if (!isSmokeCustomer(c)) problems.push(`${id} does not carry the smoke tag`);
    else if (c.unsubscribedAt || c.suppressedAt) problems.push(`${id} is unsubscribed or suppressed`);
  });
  if (problems.length > 0) throw new SmokeDispatchError(problems);
  const customers = found.map((c) => c!);

  const now = clock.now();
  const campaignId = smokeCampaignId(campaign.id);
  const waveId = smokeWaveId(campaign.id, smoke.runId);
  const invited = customers.map((c) => invitedCustomer(c));
  const { wave } = await store.putWave({
    campaignId,
    waveId,
    createdAt: now.toISOString(),
    deadline: new Date(now.getTime() + SMOKE_WAVE_MS).toISOString(),
    campaign: smokeCampaign(campaign),
    questionnaire: input.questionnaire,
    invited: customers.length,
    invitedBy: invitedByOf(invited),
    smoke: { runId: smoke.runId },
  } satisfies Wave);

  const { created, queued } = await inviteAll({ store, queue }, { wave, now }, invited);
  return {
    campaignId,
    waveId,
    invited: invited.length,
    created,
    queued,
    smoke: { runId: smoke.runId },
  };
}
