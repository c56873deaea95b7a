/*
 * Which campaigns count working days, within the coming days, over a year their holiday calendar has no
 * official notice for: there the reminders fall on days computed from the law (provisional) or on
 * weekdays only (uncovered). `cdk synth`, `npm start` and `csat status` say so. Pure: the clock comes in.
 */
import {
  type DayBasis,
  findCalendar,
  type HolidayCalendar,
  localDateOf,
  yearBasis,
} from './calendar/index.ts';
import { civilDate, epochDay, isoDateOf } from './calendar/zoned-time.ts';
import type { Campaign } from './programme.ts';

/** How far ahead synth, start and status look: a quarter, time to add the notice and deploy. */
export const CALENDAR_HORIZON_DAYS = 90;

export interface UnofficialSpan {
  year: number;
  basis: Exclude<DayBasis, 'official'>;
  /** The first and last local date of the window in that year, YYYY-MM-DD. */
  from: string;
  to: string;
}

/** A campaign's reminder calendar over the coming days: where no official notice decides them. */
export interface CalendarExposure {
  campaignId: string;
  calendar: string;
  timeZone: string;
  /** The window looked at, today to today + horizon (local dates in the campaign's time zone). */
  from: string;
  to: string;
  /** The years of the window without an official notice; empty when every day is official. */
  unofficial: UnofficialSpan[];
}

/**
 * The reminder calendar of a campaign from `now` to `horizonDays` later, in its time zone. Undefined
 * when the campaign counts no working days (no reminders). Throws RangeError for an unknown calendar.
 */
export function calendarExposure(
  campaign: Campaign,
  calendars: readonly HolidayCalendar[],
  now: Date,
  horizonDays = CALENDAR_HORIZON_DAYS,
): CalendarExposure | undefined {
  const rules = campaign.reminders;
  if (!rules || rules.max === 0) return undefined;
  const calendar = findCalendar(calendars, rules.calendar);
  const timeZone = campaign.dispatch.timeZone;
  const today = localDateOf(now, timeZone);
  const first = epochDay(Number(today.slice(0, 4)), Number(today.slice(5, 7)), Number(today.slice(8, 10)));
  const last = first + horizonDays;
  const unofficial: UnofficialSpan[] = [];
  for (let year = civilDate(first).year; year <= civilDate(last).year; year += 1) {
    const basis = yearBasis(calendar, year);
    if (basis === 'official') continue;
    unofficial.push({
      year,
      basis,
      from: isoDateOf(Math.max(first, epochDay(year, 1, 1))),
      to: isoDateOf(Math.min(last, epochDay(year, 12, 31))),
    });
  }
  return {
    campaignId: campaign.id,
    calendar: calendar.id,
    timeZone,
    from: today,
    to: isoDateOf(last),
    unofficial,
  };
}

/** The campaigns whose reminders reach a provisional or uncovered day within the horizon. */
export function unofficialExposures(
  programme: { campaigns: readonly Campaign[]; calendars: readonly HolidayCalendar[] },
  now: Date,
  horizonDays = CALENDAR_HORIZON_DAYS,
): CalendarExposure[] {
  return programme.campaigns
    .map((c) => calendarExposure(c, programme.calendars, now, horizonDays))
    .filter((e): e is CalendarExposure => e !== undefined && e.unofficial.length > 0);
}

const spanText = (s: UnofficialSpan): string =>
  s.basis === 'provisional'
    ? `${s.from}–${s.to} by the statutory holidays computed from the law (provisional: no bridge days, no make-up working days)`
    : `${s.from}–${s.to} by weekends only (uncovered: no holidays at all)`;

/** One line per campaign, for synth and start: which days are provisional and what to do about it. */
export function exposureWarning(e: CalendarExposure): string {
  return (
    `csat: campaign ${e.campaignId} counts reminders by calendar "${e.calendar}", which has no official ` +
    `notice for ${e.unofficial.map((s) => s.year).join(', ')}: it counts ${e.unofficial.map(spanText).join('; ')}. ` +
    `Add the year's notice to the calendar "${e.calendar}" in programme/calendars/ and deploy ` +
    '(README: next year’s holiday notice).'
  );
}
