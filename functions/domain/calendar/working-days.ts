/*
 * Working days in a campaign's time zone. A day is a working day when its local date is a make-up
 * working day, or a Monday–Friday that is not a holiday. Years the calendar has no data for count
 * Monday–Friday only: `uncoveredYears` tells a caller when that fallback was used, so it can warn.
 */
import type { HolidayCalendar } from './holiday-calendar.ts';
import { civilDate, epochDay, fromLocal, isoDateOf, parseIsoDate, toLocal, weekdayOf } from './zoned-time.ts';

/** Why a date is, or is not, a working day. */
export type DayReason = 'weekday' | 'weekend' | 'holiday' | 'make-up-working-day';

export interface DayInfo {
  /** The local date, YYYY-MM-DD. */
  date: string;
  working: boolean;
  reason: DayReason;
  /** False when the calendar has no data for the date's year, so only weekends were taken off. */
  covered: boolean;
}

/** The most working days one call may step over (about 40 years), so a bad `n` cannot spin forever. */
export const MAX_WORKING_DAYS = 10_000;

interface Lookup {
  holidays: Set<string>;
  makeUp: Set<string>;
  years: Set<number>;
}

// Calendars are plain data parsed once at load; the sets are built once per calendar object.
const lookups = new WeakMap<HolidayCalendar, Lookup>();

function lookup(calendar: HolidayCalendar): Lookup {
  let l = lookups.get(calendar);
  if (!l) {
    const entries = Object.entries(calendar.years);
    l = {
      holidays: new Set(entries.flatMap(([, y]) => y.holidays)),
      makeUp: new Set(entries.flatMap(([, y]) => y.makeUpWorkingDays)),
      years: new Set(entries.map(([year]) => Number(year))),
    };
    lookups.set(calendar, l);
  }
  return l;
}

function describeDay(days: number, calendar: HolidayCalendar): DayInfo {
  const l = lookup(calendar);
  const date = isoDateOf(days);
  const covered = l.years.has(Number(date.slice(0, 4)));
  if (l.makeUp.has(date)) return { date, working: true, reason: 'make-up-working-day', covered };
  if (l.holidays.has(date)) return { date, working: false, reason: 'holiday', covered };
  const weekday = weekdayOf(days);
  if (weekday === 0 || weekday === 6) return { date, working: false, reason: 'weekend', covered };
  return { date, working: true, reason: 'weekday', covered };
}

function localDay(instant: Date, timeZone: string): number {
  const l = toLocal(instant, timeZone);
  return epochDay(l.year, l.month, l.day);
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDateOf(instant: Date, timeZone: string): string {
  return isoDateOf(localDay(instant, timeZone));
}

/** The instant a local date (YYYY-MM-DD) starts in a time zone: localDateOf's inverse. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return fromLocal({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** Whether a local date (YYYY-MM-DD) is a working day, and why. */
export function describeDate(date: string, calendar: HolidayCalendar): DayInfo {
  const days = parseIsoDate(date);
  if (days === undefined) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD`);
  return describeDay(days, calendar);
}

/** Whether `instant` falls on a working day in `timeZone`. */
export function isWorkingDay(instant: Date, calendar: HolidayCalendar, timeZone: string): boolean {
  return describeDay(localDay(instant, timeZone), calendar).working;
}

/**
 * The instant `n` working days after `instant`: the n-th working day after its local date, at the same
 * local time of day (a time skipped by a clock change moves forward by the gap). `n = 0` returns
 * `instant` unchanged, even on a day off. "Remind when no answer came within 3 working days" is
 * `now >= addWorkingDays(sentAt, 3, …)`.
 */
export function addWorkingDays(instant: Date, n: number, calendar: HolidayCalendar, timeZone: string): Date {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`n must be a whole number from 0 to ${MAX_WORKING_DAYS}, not ${n}`);
  }
  const local = toLocal(instant, timeZone);
  if (n === 0) return new Date(instant.getTime());
  let days = epochDay(local.year, local.month, local.day);
  for (let counted = 0; counted < n; ) {
    days += 1;
    if (describeDay(days, calendar).working) counted += 1;
  }
  const { year, month, day } = civilDate(days);
  return fromLocal({ ...local, year, month, day }, timeZone);
}

/**
 * Working days whose local date is after `a`'s and up to and including `b`'s; the time of day does not
 * count. Negative when `b` is before `a`. `workingDaysBetween(a, addWorkingDays(a, n)) === n`.
 */
export function workingDaysBetween(a: Date, b: Date, calendar: HolidayCalendar, timeZone: string): number {
  const from = localDay(a, timeZone);
  const to = localDay(b, timeZone);
  const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let d = lo + 1; d <= hi; d += 1) if (describeDay(d, calendar).working) count += 1;
  return count === 0 ? 0 : sign * count;
}

/**
 * The years between two instants' local dates (inclusive) that the calendar has no data for, where
 * working days were weekdays only. Empty when the answer for the whole span is authoritative.
 */
export function uncoveredYears(calendar: HolidayCalendar, a: Date, b: Date, timeZone: string): number[] {
  const years = lookup(calendar).years;
  const [from, to] = [toLocal(a, timeZone).year, toLocal(b, timeZone).year].sort((x, y) => x - y) as [
    number,
    number,
  ];
  const missing: number[] = [];
  for (let y = from; y <= to; y += 1) if (!years.has(y)) missing.push(y);
  return missing;
}
