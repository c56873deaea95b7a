/*
 * An event-triggered campaign's wave (domain/events.ts) over the dispatch fan-out (dispatch-task.ts): the
 * selection rounds only find the directory's key thresholds (its customers' segments need them) and count
 * who has a step due; the invite round then takes each shard a chunk at a time and creates, claims and
 * queues the invitations of the steps due in that chunk. Nothing here holds more than a chunk.
 */
import type { DirectoryCustomer, ExclusionReason } from '../domain/audience.ts';
import { localDateOf } from '../domain/calendar/index.ts';
import { type DueStep, dueSteps, eventInvitationId } from '../domain/events.ts';
import {
  hasAnswered,
  type Invitation,
  type InvitedCustomer,
  type SendJob,
  type Wave,
} from '../domain/model.ts';
import type { Campaign } from '../domain/programme.ts';
import { addTo, dict } from '../domain/records.ts';
import { invitedByOf } from '../domain/report/rollup.ts';
import type { InviteTally, WaveDispatch } from '../domain/selection/dispatch-state.ts';
import { segmentDates, segmentsOfCustomer } from '../domain/selection/segments.ts';
import { isSmokeCustomer } from '../domain/smoke.ts';
import { forEachLimited } from './concurrency.ts';
import type { DispatchDeps } from './dispatch.ts';
import { invitedCustomer, WRITE_CONCURRENCY } from './dispatch-invite.ts';
import { noTally } from './dispatch-tally.ts';
import { applySuppressions } from './suppression.ts';

type EventWave = Wave & { dispatch: WaveDispatch };

/** Whether the wave is an event-triggered campaign's: its dispatch invites due steps, not a sample. */
export const isEventWave = (wave: Wave): wave is EventWave =>
  wave.campaign.trigger !== undefined && wave.dispatch !== undefined;

/** The local date (campaign time zone) an event wave counts due steps for. */
export const eventDayOf = (wave: EventWave): string =>
  wave.dispatch.events?.day ?? localDateOf(new Date(wave.dispatch.at), wave.campaign.dispatch.timeZone);

/**
 * Why the campaign leaves a customer out whatever is due: a smoke run's customer, another department,
 * unsubscribed or suppressed (as the customer item says, or, once applied, the suppression list).
 * Undefined: eligible.
 */
export function leftOut(campaign: Campaign, c: DirectoryCustomer): ExclusionReason | undefined {
  const departments = campaign.audience.departments;
  if (isSmokeCustomer(c) || (departments && !departments.includes(c.department))) return 'notInAudience';
  if (c.unsubscribedAt) return 'unsubscribed';
  if (c.suppressedAt) return 'suppressed';
  return undefined;
}

/** The steps of a customer due on the wave's date (or within the catch-up days before it). */
function dueOf(wave: EventWave, c: DirectoryCustomer): DueStep[] {
  const trigger = wave.campaign.trigger!;
  return dueSteps(trigger, c[trigger.after] ?? [], eventDayOf(wave));
}

/** A selection round's count for an event wave: the chunk's eligible customers with a step due. */
export function countDue(wave: EventWave, customers: readonly DirectoryCustomer[]): number {
  return customers.filter((c) => !leftOut(wave.campaign, c) && dueOf(wave, c).length > 0).length;
}

interface Candidate {
  id: string;
  customer: InvitedCustomer;
  due: DueStep;
}

// No answer without the invite's link: of an anonymous invitation, nothing says, nor needs to.
const awaitsSend = (i: Invitation): boolean => !i.sent.invite && !i.unsubscribedAt && !hasAnswered(i);

/**
 * The invite round of an event wave for one chunk. Each due step of each delivery gets one invitation whose
 * id depends on campaign, customer, delivery and step only, never on the wave, created with a conditional
 * write: that invitation is the marker that lets the step out once. Found made by another wave (a catch-up,
 * a second tick the same day), the step is done; made by this wave (a retry, a redelivered task), it is
 * this wave's and queued again if its email is not out. The tally counts the steps this wave holds an
 * invitation for (`invited`, `steps`, `caughtUp`, `invitedBy`), and, of the due steps, those left out.
 */
export async function inviteEventChunk(
  deps: Pick<DispatchDeps, 'store' | 'queue' | 'clock' | 'suppressions'>,
  wave: EventWave,
  customers: readonly DirectoryCustomer[],
): Promise<InviteTally> {
  const { store, queue } = deps;
  const day = eventDayOf(wave);
  const dates = segmentDates(day);
  const key = wave.dispatch.plan.key ?? {};
  const tally = noTally();
  tally.customers = customers.length;
  const eligible: Array<{ customer: DirectoryCustomer; due: DueStep[] }> = [];
  for (const c of customers) {
    const due = dueOf(wave, c);
    if (due.length === 0) continue;
    const reason = leftOut(wave.campaign, c);
    if (reason) tally.excluded[reason] += due.length;
    else eligible.push({ customer: c, due });
  }
  // The suppression list only for the customers with a step due and nothing else leaving them out: one
  // key each, not one per directory customer (the chunk is read without it, dispatch-task.ts).
  const checked = await applySuppressions(
    deps.suppressions,
    eligible.map((e) => e.customer),
  );
  const candidates: Candidate[] = [];
  checked.forEach((c, i) => {
    const { due } = eligible[i]!;
    const reason = leftOut(wave.campaign, c);
    if (reason) {
      tally.excluded[reason] += due.length;
      return;
    }
    const customer = invitedCustomer(c, segmentsOfCustomer(c, dates, key));
    for (const step of due)
      candidates.push({ id: eventInvitationId(wave.campaignId, c.id, step), customer, due: step });
  });

  /*
   * A due step is the procedure's own timetable (seed 001), so the frequency rule does not hold it back;
   * but it records the contact, so periodic campaigns leave the customer alone for their
   * minDaysBetweenSurveys after it. The claim also fails for a customer unsubscribed or suppressed since
   * the directory was read, or contacted by another wave after this wave's time.
   */
  const claim = { waveId: wave.waveId, at: wave.dispatch.at, cutoff: wave.dispatch.at };
  const now = deps.clock.now().toISOString();
  const invited: Candidate[] = [];
  const jobs: SendJob[] = [];
  let created = 0;
  const keep = (candidate: Candidate, found: Invitation | undefined) => {
    if (found?.waveId !== wave.waveId) return;
    invited.push(candidate);
    if (awaitsSend(found)) jobs.push({ invitationId: candidate.id, step: 'invite' });
  };
  await forEachLimited(candidates, WRITE_CONCURRENCY, async (candidate) => {
    const { id, customer, due } = candidate;
    const found = await store.getInvitation(id);
    if (found) return keep(candidate, found);
    if (!(await store.claimContact(customer.id, claim))) {
      tally.excluded.surveyedRecently += 1;
      return;
    }
    const isNew = await store.putInvitation({
      id,
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      customer,
      createdAt: now,
      expiresAt: wave.deadline,
      sent: {},
      delivery: { date: due.date, step: due.step, months: due.months, due: due.due },
    });
    if (!isNew) return keep(candidate, await store.getInvitation(id));
    created++;
    invited.push(candidate);
    jobs.push({ invitationId: id, step: 'invite' });
  });
  if (jobs.length > 0) await queue.enqueue(jobs);

  const steps = dict<number>();
  for (const c of invited) addTo(steps, c.due.step);
  return {
    ...tally,
    invited: invited.length,
    created,
    queued: jobs.length,
    invitedBy: invitedByOf(invited.map((c) => c.customer)),
    steps,
    caughtUp: invited.filter((c) => c.due.due < day).length,
  };
}
