import { type DayBasis, findCalendar, type HolidayCalendar } from '../domain/calendar/index.ts';
import type { SendJob, SendStep } from '../domain/model.ts';
import type { Clock, SendQueue, SurveyStore } from '../domain/ports.ts';
import type { Campaign } from '../domain/programme.ts';
import { type NotDueReason, nextReminder } from '../domain/reminders.ts';
import { type Suppressions, suppressionsOf } from './suppression.ts';

export interface RemindDeps {
  store: SurveyStore;
  queue: SendQueue;
  clock: Clock;
  /** The programme's working-day calendars; a wave's campaign names the one its reminders count by. */
  calendars: readonly HolidayCalendar[];
  /** Addresses never to email again (use-cases/suppression.ts). */
  suppressions: Suppressions;
}

export interface WaveReminders {
  waveId: string;
  /** Send jobs queued for this wave, by step. */
  queued: Partial<Record<SendStep, number>>;
  /** Invitations with no reminder due, by reason. */
  notDue: Partial<Record<NotDueReason, number>>;
  /** Present when some decision rested on days no official notice decided. */
  provisional?: ProvisionalDecisions;
}

/**
 * Reminder decisions (due or not) that rested on days of a year the calendar has no notice for: the
 * statutory holidays computed from the law (`provisional`) or weekends only (`uncovered`). Dates only:
 * nothing about the customers.
 */
export interface ProvisionalDecisions {
  calendar: string;
  /** How many decisions rested on such days. */
  decisions: number;
  /** Of those, how many queued a reminder. */
  queued: number;
  /** The days concerned, in date order, e.g. "2027-01-01" provisional holiday. */
  days: Array<{ date: string; basis: Exclude<DayBasis, 'official'>; working: boolean }>;
}

export interface RemindResult {
  campaignId: string;
  /** The open waves looked at (deadline still ahead), newest first. */
  waves: WaveReminders[];
  /** Send jobs queued by this run, all waves together. */
  queued: number;
  /** Decisions of this run that rested on provisional or uncovered days, all waves together. */
  provisionalDecisions?: number;
}

/** A wave names a calendar the programme no longer has: its reminders cannot be counted. */
export class ReminderCalendarError extends Error {
  constructor(
    readonly waveId: string,
    readonly calendarId: string,
  ) {
    super(`wave ${waveId} counts reminders by calendar "${calendarId}", which the programme does not have`);
    this.name = 'ReminderCalendarError';
  }
}

const count = <K extends string>(map: Partial<Record<K, number>>, key: K): void => {
  map[key] = (map[key] ?? 0) + 1;
};

/**
 * The reminder sweep of a campaign (run daily by its schedule, or by `csat remind`): in each wave still
 * open, finds the invitations whose next reminder is due now (domain/reminders.ts) and queues one send
 * job each, `remind-k` for the k-th. It writes nothing itself: the send step claims each (invitation,
 * step) once, and refuses a reminder once the customer answered or unsubscribed, so running the sweep
 * twice, or a job left over from yesterday, never sends a reminder twice. Customers who unsubscribed
 * through another wave's link since this wave went out are left out too (the directory says so), and so
 * is any address suppressed since (an unsubscribe, bounce, complaint or erasure: counted `suppressed`).
 * In an anonymous wave nothing on an invitation tells whether it was answered, and the sweep does not ask:
 * it queues every due reminder, and the send step (which looks the response up) claims those of answered
 * invitations without sending them, so every invitation of the wave keeps the same reminder steps.
 */
export async function remind(deps: RemindDeps, input: { campaign: Campaign }): Promise<RemindResult> {
  const { store, queue, clock, calendars } = deps;
  const now = clock.now();
  const open = (await store.listWaves(input.campaign.id)).filter(
    (w) => now.getTime() < Date.parse(w.deadline),
  );

  const waves: WaveReminders[] = [];
  const jobs: SendJob[] = [];
  let unsubscribed: Set<string> | undefined;
  for (const wave of open) {
    const summary: WaveReminders = { waveId: wave.waveId, queued: {}, notDue: {} };
    waves.push(summary);
    const rules = wave.campaign.reminders;
    if (!rules || rules.max === 0) continue;
    let calendar: HolidayCalendar;
    try {
      calendar = findCalendar(calendars, rules.calendar);
    } catch {
      throw new ReminderCalendarError(wave.waveId, rules.calendar);
    }
    const due: Array<{ job: SendJob; customerId: string; email: string; provisional: boolean }> = [];
    const days = new Map<string, ProvisionalDecisions['days'][number]>();
    let provisional = 0;
    for (const invitation of await store.listInvitations(wave.waveId)) {
      const decision = nextReminder(invitation, wave, calendar, now);
      if (decision.unofficial) {
        provisional += 1;
        for (const d of decision.unofficial) {
          days.set(d.date, {
            date: d.date,
            basis: d.basis as 'provisional' | 'uncovered',
            working: d.working,
          });
        }
      }
      if (decision.due) {
        due.push({
          job: { invitationId: invitation.id, step: decision.step },
          customerId: invitation.customer.id,
          email: invitation.customer.email,
          provisional: decision.unofficial !== undefined,
        });
      } else {
        count(summary.notDue, decision.reason);
      }
    }
    if (provisional > 0) {
      summary.provisional = {
        calendar: calendar.id,
        decisions: provisional,
        queued: 0,
        days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
      };
    }
    if (due.length === 0) continue;
    // One directory read per sweep, and only when some reminder is due.
    unsubscribed ??= new Set((await store.listCustomers()).filter((c) => c.unsubscribedAt).map((c) => c.id));
    // The addresses of the due reminders only, read in batches of 100.
    const suppressed = await suppressionsOf(
      deps.suppressions,
      due.map((d) => d.email),
    );
    for (const { job, customerId, email, provisional: onProvisional } of due) {
      if (unsubscribed.has(customerId)) {
        count(summary.notDue, 'unsubscribed');
        continue;
      }
      if (suppressed.has(email)) {
        count(summary.notDue, 'suppressed');
        continue;
      }
      jobs.push(job);
      count(summary.queued, job.step);
      if (onProvisional && summary.provisional) summary.provisional.queued += 1;
    }
  }
  if (jobs.length > 0) await queue.enqueue(jobs);
  const provisionalDecisions = waves.reduce((n, w) => n + (w.provisional?.decisions ?? 0), 0);
  return {
    campaignId: input.campaign.id,
    waves,
    queued: jobs.length,
    ...(provisionalDecisions > 0 ? { provisionalDecisions } : {}),
  };
}
