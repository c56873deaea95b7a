import { type DayBasis, findCalendar, type HolidayCalendar } from '../domain/calendar/index.ts';
import type { SendJob, SendStep } from '../domain/model.ts';
import type { Clock, SendQueue, SurveyStore } from '../domain/ports.ts';
import type { Campaign } from '../domain/programme.ts';
import { type NotDueReason, nextReminder } from '../domain/reminders.ts';
import { isDispatched } from '../domain/selection/dispatch-state.ts';
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
 *
 * A wave is read a page of invitations at a time, and each page's due reminders are checked (directory
 * and suppression list, batched reads of just those customers) and queued before the next page is read:
 * memory holds one page whatever the wave's size.
 */
export async function remind(deps: RemindDeps, input: { campaign: Campaign }): Promise<RemindResult> {
  const { store, clock, calendars } = deps;
  const now = clock.now();
  const open = (await store.listWaves(input.campaign.id)).filter(
    (w) => isDispatched(w) && now.getTime() < Date.parse(w.deadline),
  );
  // Every wave's calendar is found before anything is queued: a wave naming an unknown one fails the
  // sweep with nothing queued.
  const rulesOf = new Map<string, { calendar: HolidayCalendar }>();
  for (const wave of open) {
    const rules = wave.campaign.reminders;
    if (!rules || rules.max === 0) continue;
    try {
      rulesOf.set(wave.waveId, { calendar: findCalendar(calendars, rules.calendar) });
    } catch {
      throw new ReminderCalendarError(wave.waveId, rules.calendar);
    }
  }

  const waves: WaveReminders[] = [];
  let queued = 0;
  for (const wave of open) {
    const summary: WaveReminders = { waveId: wave.waveId, queued: {}, notDue: {} };
    waves.push(summary);
    const rules = rulesOf.get(wave.waveId);
    if (!rules) continue;
    const days = new Map<string, ProvisionalDecisions['days'][number]>();
    const provisional = { decisions: 0, queued: 0 };
    for await (const page of store.invitationPages(wave.waveId)) {
      const due: DueReminder[] = [];
      for (const invitation of page) {
        const decision = nextReminder(invitation, wave, rules.calendar, now);
        if (decision.unofficial) {
          provisional.decisions += 1;
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
      const jobs = await sendable(deps, due, summary, provisional);
      if (jobs.length > 0) await deps.queue.enqueue(jobs);
      queued += jobs.length;
    }
    if (provisional.decisions > 0) {
      summary.provisional = {
        calendar: rules.calendar.id,
        decisions: provisional.decisions,
        queued: provisional.queued,
        days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
      };
    }
  }
  const provisionalDecisions = waves.reduce((n, w) => n + (w.provisional?.decisions ?? 0), 0);
  return {
    campaignId: input.campaign.id,
    waves,
    queued,
    ...(provisionalDecisions > 0 ? { provisionalDecisions } : {}),
  };
}

interface DueReminder {
  job: SendJob;
  customerId: string;
  email: string;
  /** The decision rested on provisional or uncovered days. */
  provisional: boolean;
}

/**
 * The jobs of a page's due reminders that may go out: not to a customer the directory marks unsubscribed
 * (through another wave's link) nor to a suppressed address, each looked up for these reminders only.
 * Counts what it leaves out and what it queues on the wave's summary.
 */
async function sendable(
  deps: RemindDeps,
  due: readonly DueReminder[],
  summary: WaveReminders,
  provisional: { queued: number },
): Promise<SendJob[]> {
  if (due.length === 0) return [];
  const [unsubscribed, suppressed] = await Promise.all([
    deps.store.unsubscribedAmong(due.map((d) => d.customerId)),
    suppressionsOf(
      deps.suppressions,
      due.map((d) => d.email),
    ),
  ]);
  const jobs: SendJob[] = [];
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
    if (onProvisional) provisional.queued += 1;
  }
  return jobs;
}
