/*
 * Event-triggered campaigns (seed 001: survey a customer 1, 3 and 12 months after a delivery). The
 * campaign's `trigger` names the customer field the steps count from and how many months after each
 * date a step is due; a daily dispatch invites the steps due that day, and catches up the ones a failed
 * or skipped run missed for at most `catchUpDays`. A step older than that is never sent: a survey about
 * a delivery weeks late reads as a mistake.
 */
import * as z from 'zod';
import { civilDate, epochDay, isoDateOf, parseIsoDate } from './calendar/zoned-time.ts';
import { isPrototypeName, PROTOTYPE_NAME } from './records.ts';
import { invitationId } from './token.ts';

const StepId = z
  .string({ error: 'must be a step id such as "3-months"' })
  .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'use lowercase letters, digits and dashes (at most 31)')
  .refine((id) => !isPrototypeName(id), PROTOTYPE_NAME);

export const TriggerStep = z.strictObject({
  id: StepId,
  months: z
    .number({ error: 'must be a whole number of months, e.g. 3' })
    .int('must be a whole number of months')
    .min(1, 'must be at least 1 month after the date')
    .max(120, 'must be at most 120 months (ten years)'),
});
export type TriggerStep = z.infer<typeof TriggerStep>;

/** The most days a missed step is still sent late. A month would confuse step 1-month with the next one. */
export const MAX_CATCH_UP_DAYS = 31;

export const EventTrigger = z.strictObject({
  /** The customer field holding the event dates (YYYY-MM-DD) the steps count from. */
  after: z.literal('deliveryDates', {
    error: 'must be "deliveryDates": the customer field the steps count from',
  }),
  steps: z
    .array(TriggerStep, { error: 'must be a list of steps such as { "id": "1-month", "months": 1 }' })
    .min(1, 'name at least one step')
    .max(12, 'at most 12 steps')
    .superRefine((steps, ctx) => {
      steps.forEach((s, i) => {
        if (steps.findIndex((o) => o.id === s.id) < i) {
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `step "${s.id}" is named twice` });
        }
        const first = steps.findIndex((o) => o.months === s.months);
        if (first < i) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'months'],
            message: `${s.months} months is already step "${steps[first]!.id}": one survey per delivery and date`,
          });
        }
      });
    }),
  /** A step missed by a failed or skipped run is still sent this many days after it was due. */
  catchUpDays: z
    .number({ error: 'must be a whole number of days, e.g. 7' })
    .int('must be a whole number of days')
    .min(0, 'must not be negative (0: a step is sent on its day or never)')
    .max(MAX_CATCH_UP_DAYS, `must be at most ${MAX_CATCH_UP_DAYS} days`)
    .default(7),
});
export type EventTrigger = z.infer<typeof EventTrigger>;

/** One step due for one event date of a customer. */
export interface DueStep {
  /** The event (delivery) date, YYYY-MM-DD. */
  date: string;
  step: string;
  months: number;
  /** When the step falls due, YYYY-MM-DD in the campaign's time zone. */
  due: string;
}

const daysOf = (date: string): number => {
  const days = parseIsoDate(date);
  if (days === undefined) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD`);
  return days;
};

/**
 * The date `months` calendar months after `date`, clamped to the end of a shorter month as people count:
 * 31 January + 1 month is 28 February (29 in a leap year), 31 March + 1 month is 30 April. A negative
 * `months` counts back the same way.
 */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = civilDate(daysOf(date));
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  const lastDay = civilDate(epochDay(y, m + 1, 1) - 1).day;
  return isoDateOf(epochDay(y, m, Math.min(day, lastDay)));
}

/**
 * The steps a run on local date `today` sends: every step of every (distinct) date that fell due on
 * `today` or at most `catchUpDays` before it. Steps due later wait for their day; older ones are dropped.
 * Sorted by due date, then event date, then the order of the steps. Whether a step was sent already is
 * the store's business (one invitation per date and step), not this function's.
 */
export function dueSteps(trigger: EventTrigger, dates: readonly string[], today: string): DueStep[] {
  const end = daysOf(today);
  const start = end - trigger.catchUpDays;
  const due: DueStep[] = [];
  for (const date of [...new Set(dates)].sort()) {
    for (const step of trigger.steps) {
      const on = addMonths(date, step.months);
      const d = daysOf(on);
      if (d >= start && d <= end) due.push({ date, step: step.id, months: step.months, due: on });
    }
  }
  return due.sort((a, b) => a.due.localeCompare(b.due) || a.date.localeCompare(b.date));
}

/**
 * The invitation id of one step for one event date of a customer: the same whichever wave (day, retry)
 * creates it, so the invitation itself is the conditional-write marker that lets each step out once.
 * Its own namespace (`{campaign}\0event`), so it never meets the id of a periodic wave's invitation.
 */
export function eventInvitationId(campaignId: string, customerId: string, due: DueStep): string {
  return invitationId(`${campaignId}\u0000event`, `${customerId}\u0000${due.date}\u0000${due.step}`);
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * The longest run of days, in any week, on which a five-field cron does not fire, or undefined when the
 * cron is not one that fires on every day it allows every week (day-of-month or month restricted).
 * The programme writes day-of-week as names (programme.ts), so a gap is computed from those.
 */
export function longestDailyGap(cron: string): number | undefined {
  const [, , dom, month, dow] = cron.trim().split(/\s+/);
  const any = (f: string | undefined) => f === '*' || f === '?';
  if (!any(dom) || !any(month)) return undefined;
  if (any(dow)) return 0;
  const days = new Set<number>();
  for (const part of (dow ?? '').split(',')) {
    const [from, to = from] = part.split('-').map((n) => WEEKDAYS.indexOf(n ?? ''));
    if (from === undefined || to === undefined || from < 0 || to < 0) return undefined;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  const sorted = [...days].sort((a, b) => a - b);
  let longest = 0;
  sorted.forEach((d, i) => {
    const next = sorted[(i + 1) % sorted.length]!;
    longest = Math.max(longest, ((next - d + 7) % 7 || 7) - 1);
  });
  return longest;
}

/**
 * Why an event-triggered campaign's dispatch schedule would miss steps, or undefined when it will not:
 * every day must be covered by a run on it or by one at most `catchUpDays` later.
 */
export function dispatchGapProblem(cron: string, trigger: EventTrigger): string | undefined {
  const gap = longestDailyGap(cron);
  if (gap === undefined) {
    return 'an event-triggered campaign must dispatch every day (day-of-month and month "*"), or on days of the week no more than catchUpDays + 1 apart, e.g. "0 10 * * *"';
  }
  if (gap > trigger.catchUpDays) {
    return `runs are up to ${gap + 1} days apart, so steps due in between would be missed: dispatch more often or set trigger.catchUpDays to at least ${gap}`;
  }
  return undefined;
}
