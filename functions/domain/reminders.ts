/*
 * When a customer who has not answered gets a reminder (seed 002: no reply within 3 working days).
 * Pure: the calendar and the time come in as arguments.
 */
import {
  countWorkingDays,
  type DayInfo,
  describeDate,
  type HolidayCalendar,
  localDateOf,
} from './calendar/index.ts';
import {
  hasAnswered,
  type Invitation,
  MAX_REMINDERS,
  reminderStep,
  type SendStep,
  type Wave,
} from './model.ts';

export type NotDueReason =
  /** The wave's campaign sends no reminders. */
  | 'no-reminders'
  /** The invitation itself never went out (still queued, dead-lettered, or the customer left). */
  | 'not-invited'
  | 'answered'
  | 'unsubscribed'
  /** The address is on the suppression list (domain/suppression.ts): unsubscribed, bounced, complained or erased. */
  | 'suppressed'
  /** The wave's deadline has passed. */
  | 'closed'
  /** Every reminder the campaign allows has gone out. */
  | 'all-sent'
  /** Today is not a working day in the campaign's time zone. */
  | 'day-off'
  /** Fewer than `afterWorkingDays` working days since the previous email. */
  | 'not-yet';

export type ReminderDecision = (
  | { due: true; step: SendStep; previousAt: string }
  | { due: false; reason: NotDueReason }
) & {
  /**
   * The days the decision rested on that no official notice decided (today, and the days counted since
   * the previous email), when there are any: the decision is then provisional or uncovered.
   */
  unofficial?: DayInfo[];
};

/** How many reminders went out (or were claimed), counting remind-1, remind-2, … in order. */
export function remindersSent(invitation: Pick<Invitation, 'sent'>): number {
  let k = 0;
  while (k < MAX_REMINDERS && invitation.sent?.[reminderStep(k + 1)]) k += 1;
  return k;
}

/**
 * Whether the next reminder of an invitation is due at `now`, and which step it is. It is due on the
 * `afterWorkingDays`-th working day after the local date of the previous email (the invitation or the
 * last reminder), or on any working day after that, counted by local dates in the campaign's time zone so
 * the time of day the sweep runs does not matter; never on a day off, never once the wave has closed,
 * never to a customer who answered or unsubscribed, and at most `max` times. The wave's campaign snapshot
 * decides, so a wave keeps the reminder rules it was sent with. An anonymous campaign's invitation never
 * says it was answered (anonymity.ts): the sweep looks its response up (use-cases/remind.ts).
 */
export function nextReminder(
  invitation: Invitation,
  wave: Pick<Wave, 'campaign' | 'deadline'>,
  calendar: HolidayCalendar,
  now: Date,
): ReminderDecision {
  const rules = wave.campaign.reminders;
  if (!rules || rules.max === 0) return { due: false, reason: 'no-reminders' };
  if (hasAnswered(invitation)) return { due: false, reason: 'answered' };
  if (invitation.unsubscribedAt) return { due: false, reason: 'unsubscribed' };
  const invitedAt = invitation.sent?.invite;
  if (!invitedAt) return { due: false, reason: 'not-invited' };
  const closesAt = Math.min(Date.parse(invitation.expiresAt), Date.parse(wave.deadline));
  if (!(now.getTime() < closesAt)) return { due: false, reason: 'closed' };
  const sent = remindersSent(invitation);
  if (sent >= rules.max) return { due: false, reason: 'all-sent' };
  const timeZone = wave.campaign.dispatch.timeZone;
  const today = describeDate(localDateOf(now, timeZone), calendar);
  const unofficial = (days: DayInfo[]) => (days.length > 0 ? { unofficial: days } : {});
  if (!today.working) {
    return { due: false, reason: 'day-off', ...unofficial(today.basis === 'official' ? [] : [today]) };
  }
  const previousAt = sent === 0 ? invitedAt : invitation.sent[reminderStep(sent)]!;
  // The days counted end with today, so today's basis is among them.
  const counted = countWorkingDays(new Date(previousAt), now, calendar, timeZone);
  if (counted.value < rules.afterWorkingDays) {
    return { due: false, reason: 'not-yet', ...unofficial(counted.unofficial) };
  }
  return { due: true, step: reminderStep(sent + 1), previousAt, ...unofficial(counted.unofficial) };
}
