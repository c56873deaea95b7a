import { waveSeed } from '../domain/audience.ts';
import { localDateOf } from '../domain/calendar/index.ts';
import { type DueStep, dueSteps, eventInvitationId } from '../domain/events.ts';
import { hasAnswered, type Invitation, type SendJob, type Wave } from '../domain/model.ts';
import type { Customer } from '../domain/programme.ts';
import { addTo, dict } from '../domain/records.ts';
import { invitedByOf } from '../domain/report/rollup.ts';
import type { Segment } from '../domain/segments.ts';
import { segmentDates, segmentsOfCustomer } from '../domain/selection/segments.ts';
import { forEachLimited } from './concurrency.ts';
import { readDirectoryWithKeys } from './directory-pages.ts';
import {
  type DispatchDeps,
  type DispatchInput,
  type DispatchResult,
  eligibleCustomers,
  invitedCustomer,
  waveIdFor,
} from './dispatch.ts';
import { applySuppressions } from './suppression.ts';

const DAY_MS = 86_400_000;
/** Store requests in flight at once, as dispatch.ts does. */
const CONCURRENCY = 16;

export interface DispatchEventsResult extends Omit<DispatchResult, 'seed' | 'excluded' | 'state'> {
  /** The local date (campaign time zone) the run counted due steps for. */
  day: string;
  /** Invitations of this wave by step id. */
  steps: Record<string, number>;
  /** Of those, steps that fell due before `day`: caught up after a failed or skipped run. */
  caughtUp: number;
  /** False when nothing was due: no wave is stored, so reports and status see only waves with invitations. */
  stored: boolean;
}

export class NotEventTriggeredError extends Error {
  constructor(campaignId: string) {
    super(`campaign ${campaignId} has no trigger: dispatch its waves with dispatch()`);
    this.name = 'NotEventTriggeredError';
  }
}

interface Candidate {
  id: string;
  customer: Customer;
  due: DueStep;
  segments: Set<Segment>;
}

// No answer without the invite's link: of an anonymous invitation, nothing says, nor needs to.
const awaitsSend = (i: Invitation): boolean => !i.sent.invite && !i.unsubscribedAt && !hasAnswered(i);

/**
 * One run of an event-triggered campaign (its `trigger`, events.ts): a wave of the eligible customers
 * with a step due on the run's local date, or missed at most `catchUpDays` before it.
 *
 * Each step of each delivery gets one invitation whose id depends on campaign, customer, delivery and
 * step only, never on the wave, and is created with a conditional write: that invitation is the marker
 * that lets the step out once. A later run (a catch-up, a second tick the same day) finds it and leaves
 * it to the wave that created it; a retry of the same tick (same wave id) finds its own invitations and
 * queues those not yet emailed. A run that dies half-way leaves the rest of its steps to the retry or,
 * within the catch-up window, to the next day's wave, so a crash delays a step but never doubles it.
 */
export async function dispatchEvents(
  deps: Omit<DispatchDeps, 'tasks'>,
  input: DispatchInput,
): Promise<DispatchEventsResult> {
  const { store, queue, clock } = deps;
  const { campaign } = input;
  const trigger = campaign.trigger;
  if (!trigger) throw new NotEventTriggeredError(campaign.id);
  const now = clock.now();
  const at = input.scheduledTime ?? now;
  const waveId = waveIdFor(campaign.id, at);
  const day = localDateOf(at, campaign.dispatch.timeZone);

  // The directory a page at a time: only the customers with a step due are kept. Their segments need
  // the directory's key thresholds, found in the same read.
  const due: Array<Omit<Candidate, 'segments'>> = [];
  const selection = { audience: campaign.audience, at, timeZone: campaign.dispatch.timeZone, waveId };
  const key = await readDirectoryWithKeys(
    store,
    { ...selection, seed: waveSeed(campaign.audience, waveId) },
    async (page) => {
      const marked = await applySuppressions(deps.suppressions, page);
      for (const customer of eligibleCustomers(campaign, marked)) {
        for (const step of dueSteps(trigger, customer[trigger.after] ?? [], day)) {
          due.push({ id: eventInvitationId(campaign.id, customer.id, step), customer, due: step });
        }
      }
    },
  );
  const dates = segmentDates(day);
  const candidates: Candidate[] = due.map((c) => ({
    ...c,
    segments: segmentsOfCustomer(c.customer, dates, key),
  }));

  // Steps another wave already took are done; this wave's own (a retry) are picked up again.
  const fresh: Candidate[] = [];
  const own: Array<{ candidate: Candidate; invitation: Invitation }> = [];
  await forEachLimited(candidates, CONCURRENCY, async (candidate) => {
    const invitation = await store.getInvitation(candidate.id);
    if (!invitation) fresh.push(candidate);
    else if (invitation.waveId === waveId) own.push({ candidate, invitation });
  });
  const mine = [...fresh, ...own.map((o) => o.candidate)];
  const result = (created: number, queued: number, stored: boolean): DispatchEventsResult => ({
    campaignId: campaign.id,
    waveId,
    invited: mine.length,
    created,
    queued,
    day,
    steps: mine.reduce((acc, c) => {
      addTo(acc, c.due.step);
      return acc;
    }, dict<number>()),
    caughtUp: mine.filter((c) => c.due.due < day).length,
    stored,
  });
  if (mine.length === 0) return result(0, 0, false);

  const { wave } = await store.putWave({
    campaignId: campaign.id,
    waveId,
    createdAt: now.toISOString(),
    deadline: new Date(at.getTime() + campaign.responseDays * DAY_MS).toISOString(),
    campaign,
    questionnaire: input.questionnaire,
    invited: mine.length,
    invitedBy: invitedByOf(mine.map((c) => invitedCustomer(c.customer, c.segments))),
  } satisfies Wave);

  const jobs: SendJob[] = own
    .filter((o) => awaitsSend(o.invitation))
    .map((o) => ({ invitationId: o.candidate.id, step: 'invite' }));
  let created = 0;
  await forEachLimited(fresh, CONCURRENCY, async ({ id, customer, due, segments }) => {
    /*
     * A due step is the procedure's own timetable (seed 001), so the frequency rule does not hold it
     * back; but it records the contact, so periodic campaigns leave the customer alone for their
     * minDaysBetweenSurveys after it. The claim also fails for a customer unsubscribed or suppressed
     * since the directory was read.
     */
    const claimedAt = at.toISOString();
    if (!(await store.claimContact(customer.id, { waveId, at: claimedAt, cutoff: claimedAt }))) return;
    const isNew = await store.putInvitation({
      id,
      campaignId: campaign.id,
      waveId,
      customer: invitedCustomer(customer, segments),
      createdAt: now.toISOString(),
      expiresAt: wave.deadline,
      sent: {},
      delivery: { date: due.date, step: due.step, months: due.months, due: due.due },
    });
    if (isNew) {
      created++;
      jobs.push({ invitationId: id, step: 'invite' });
      return;
    }
    // Lost a race: queue it only if the winner was a run of this same wave (the send claims once).
    const winner = await store.getInvitation(id);
    if (winner?.waveId === waveId && awaitsSend(winner)) jobs.push({ invitationId: id, step: 'invite' });
  });

  if (jobs.length > 0) await queue.enqueue(jobs);
  return result(created, jobs.length, true);
}
