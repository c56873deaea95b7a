import {
  contactCutoff,
  type DirectoryCustomer,
  type Exclusions,
  selectAudience,
  waveSeed,
} from '../domain/audience.ts';
import {
  hasAnswered,
  type Invitation,
  type InvitedCustomer,
  type SendJob,
  type Wave,
} from '../domain/model.ts';
import type { Clock, SendQueue, SurveyStore } from '../domain/ports.ts';
import type { Campaign, Customer } from '../domain/programme.ts';
import type { Questionnaire } from '../domain/questionnaire.ts';
import { invitedByOf } from '../domain/report/rollup.ts';
import { SEGMENTS, type Segment } from '../domain/segments.ts';
import { isSmokeCustomer } from '../domain/smoke.ts';
import { invitationId } from '../domain/token.ts';
import { forEachLimited } from './concurrency.ts';
import { applySuppressions, type Suppressions } from './suppression.ts';

const DAY_MS = 86_400_000;
/** DynamoDB writes in flight at once: fast, but well below what one partition or the SDK pool takes. */
const WRITE_CONCURRENCY = 16;

export interface DispatchInput {
  campaign: Campaign;
  /** The campaign's questionnaire as it is now; the wave keeps this snapshot. */
  questionnaire: Questionnaire;
  /** The schedule tick that asked for the wave; now when absent (a manual run). */
  scheduledTime?: Date;
}

export interface DispatchResult {
  campaignId: string;
  waveId: string;
  /** Eligible customers, each of whom has an invitation in the wave after this run. */
  invited: number;
  /** Invitations this run created (0 when the wave was already complete). */
  created: number;
  /** Send jobs queued by this run. */
  queued: number;
  /** The sampling seed the wave used. */
  seed: string;
  /** Customers of the directory left out of the wave, by reason (counts only). */
  excluded: Exclusions;
}

/** `{campaignId}-{yyyyMMddTHHmm}` in UTC, so a repeated tick or a retry names the same wave. */
export function waveIdFor(campaignId: string, at: Date): string {
  const iso = at.toISOString();
  return `${campaignId}-${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/**
 * Customers the campaign addresses: not a smoke run's (domain/smoke.ts), not unsubscribed nor suppressed, and in one of its departments when
 * it names any. Event-triggered waves use this; periodic ones select with `selectAudience`
 * (domain/audience.ts), which applies segments, tags and sampling too.
 */
export function eligibleCustomers(campaign: Campaign, customers: DirectoryCustomer[]): Customer[] {
  const departments = campaign.audience.departments;
  return customers.filter(
    (c) =>
      !isSmokeCustomer(c) &&
      !c.unsubscribedAt &&
      !c.suppressedAt &&
      (!departments || departments.includes(c.department)),
  );
}

/** The customer as an invitation keeps them: what the emails and reports need, frozen at dispatch. */
export const invitedCustomer = (c: Customer, segments?: ReadonlySet<Segment>): InvitedCustomer => ({
  id: c.id,
  name: c.name,
  email: c.email,
  language: c.language,
  department: c.department,
  ...(segments && segments.size > 0 ? { segments: SEGMENTS.filter((s) => segments.has(s)) } : {}),
});

/**
 * Starts a wave of a campaign: selects its customers (audience, exclusions, seeded sample), claims each
 * under the frequency rule, stores the wave with a snapshot of the questionnaire and the selection's
 * counts, one invitation per claimed customer, and queues one send job per invitation not yet emailed. Every write is conditional,
 * so running it again for the same tick (a scheduler retry, a crash half-way) completes the wave without
 * duplicating anything; the send step is idempotent, so a job queued twice still sends one email.
 */
export interface DispatchDeps {
  store: SurveyStore;
  queue: SendQueue;
  clock: Clock;
  /** Addresses never to survey again, whatever the directory says (use-cases/suppression.ts). */
  suppressions: Suppressions;
}

export async function dispatch(deps: DispatchDeps, input: DispatchInput): Promise<DispatchResult> {
  const { store, queue, clock } = deps;
  const { campaign } = input;
  // Inviting the whole audience of an event-triggered campaign would survey every customer at once.
  if (campaign.trigger)
    throw new RangeError(`campaign ${campaign.id} is event-triggered: use dispatchEvents`);
  const now = clock.now();
  const at = input.scheduledTime ?? now;
  const waveId = waveIdFor(campaign.id, at);
  // A suppressed address counts as unsubscribed or suppressed even when its customer item expired since.
  const directory = await applySuppressions(deps.suppressions, await store.listCustomers());
  const selection = selectAudience({
    audience: campaign.audience,
    directory,
    at,
    timeZone: campaign.dispatch.timeZone,
    waveId,
    seed: waveSeed(campaign.audience, waveId),
  });
  // The frequency rule across campaigns: a customer another wave claimed meanwhile is left out. This
  // wave's own claims hold on a retry, so a rerun keeps the customers of the first run.
  const claim = { waveId, at: at.toISOString(), cutoff: contactCutoff(campaign.audience, at) };
  const claimed = new Set<string>();
  await forEachLimited(selection.selected, WRITE_CONCURRENCY, async (c) => {
    if (await store.claimContact(c.id, claim)) claimed.add(c.id);
  });
  const customers = selection.selected.filter((c) => claimed.has(c.id));
  const excluded = {
    ...selection.excluded,
    surveyedRecently: selection.excluded.surveyedRecently + selection.selected.length - customers.length,
  };

  const { created: waveCreated, wave } = await store.putWave({
    campaignId: campaign.id,
    waveId,
    createdAt: now.toISOString(),
    deadline: new Date(at.getTime() + campaign.responseDays * DAY_MS).toISOString(),
    campaign,
    questionnaire: input.questionnaire,
    invited: customers.length,
    invitedBy: invitedByOf(customers.map((c) => invitedCustomer(c, selection.segments.get(c.id)))),
    selection: { seed: selection.seed, directory: directory.length, excluded },
  } satisfies Wave);

  const { created, queued } = await inviteAll(
    { store, queue },
    { wave, waveCreated, now },
    customers.map((c) => invitedCustomer(c, selection.segments.get(c.id))),
  );
  return {
    campaignId: campaign.id,
    waveId,
    invited: customers.length,
    created,
    queued,
    seed: selection.seed,
    excluded,
  };
}

/**
 * Stores each customer's invitation to the wave and queues its invite job. A wave that already existed
 * may be half done: what is there is found rather than rewritten, and only what still needs its email
 * is queued again.
 */
export async function inviteAll(
  { store, queue }: { store: SurveyStore; queue: SendQueue },
  { wave, waveCreated, now }: { wave: Wave; waveCreated: boolean; now: Date },
  customers: InvitedCustomer[],
): Promise<{ created: number; queued: number }> {
  const existing = new Map<string, Invitation>();
  if (!waveCreated) for (const i of await store.listInvitations(wave.waveId)) existing.set(i.id, i);
  const jobs: SendJob[] = [];
  let created = 0;
  await forEachLimited(customers, WRITE_CONCURRENCY, async (customer) => {
    const id = invitationId(wave.waveId, customer.id);
    const found = existing.get(id);
    if (found) {
      // No answer without the invite's link: of an anonymous invitation, nothing says, nor needs to.
      if (!found.sent.invite && !found.unsubscribedAt && !hasAnswered(found))
        jobs.push({ invitationId: id, step: 'invite' });
      return;
    }
    const isNew = await store.putInvitation({
      id,
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      customer,
      createdAt: now.toISOString(),
      expiresAt: wave.deadline,
      sent: {},
    });
    if (isNew) created++;
    // Lost a race with a concurrent run: queue it anyway, the send step claims each email once.
    jobs.push({ invitationId: id, step: 'invite' });
  });
  if (jobs.length > 0) await queue.enqueue(jobs);
  return { created, queued: jobs.length };
}
