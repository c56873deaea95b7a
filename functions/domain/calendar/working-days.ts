/*
 * Working days in a campaign's time zone. A day is a working day when its local date is a make-up
 * working day, or a Monday–Friday that is not a holiday. For a year the calendar has no notice for, a
 * calendar with a statutory rule takes off the law's statutory holidays (provisional: the notice will
 * add bridge days and make-up working days); one without counts Monday–Friday only (uncovered). Every
 * answer says which (`DayInfo.basis`), so a caller can warn and log.
 */
import type { HolidayCalendar } from './holiday-calendar.ts';
import { statutoryHolidays } from './statutory.ts';
import { civilDate, epochDay, fromLocal, isoDateOf, parseIsoDate, toLocal, weekdayOf } from './zoned-time.ts';

/** Why a date is, or is not, a working day. */
export type DayReason = 'weekday' | 'weekend' | 'holiday' | 'make-up-working-day';

/**
 * Where an answer comes from: `official`, the calendar's data for that year (its notice; the
 * weekends-only calendar is official everywhere); `provisional`, no notice for the year, so the
 * statutory holidays computed from the law and no make-up working days; `uncovered`, no notice and no
 * rule, so only weekends are off.
 */
export type DayBasis = 'official' | 'provisional' | 'uncovered';

export interface DayInfo {
  /** The local date, YYYY-MM-DD. */
  date: string;
  working: boolean;
  reason: DayReason;
  basis: DayBasis;
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

/** Where a calendar's answers for a year come from. */
export function yearBasis(calendar: HolidayCalendar, year: number): DayBasis {
  // WEEKENDS_ONLY's id, written out: holiday-calendar.ts brings zod, which the report bundle leaves out.
  if (calendar.id === 'weekends-only' || lookup(calendar).years.has(year)) return 'official';
  return calendar.statutoryRule !== undefined && year >= 1900 && year <= 2100 ? 'provisional' : 'uncovered';
}

const statutorySets = new Map<string, Set<string>>();

function statutorySet(calendar: HolidayCalendar, year: number): Set<string> {
  const key = `${calendar.statutoryRule}:${year}`;
  let set = statutorySets.get(key);
  if (!set) {
    set = new Set(statutoryHolidays(calendar.statutoryRule!, year).map((d) => d.date));
    statutorySets.set(key, set);
  }
  return set;
}

function describeDay(days: number, calendar: HolidayCalendar): DayInfo {
  const l = lookup(calendar);
  const date = isoDateOf(days);
  const year = Number(date.slice(0, 4));
  const basis = yearBasis(calendar, year);
  const holiday = basis === 'provisional' ? statutorySet(calendar, year).has(date) : l.holidays.has(date);
  if (l.makeUp.has(date)) return { date, working: true, reason: 'make-up-working-day', basis };
  if (holiday) return { date, working: false, reason: 'holiday', basis };
  const weekday = weekdayOf(days);
  if (weekday === 0 || weekday === 6) return { date, working: false, reason: 'weekend', basis };
  return { date, working: true, reason: 'weekday', basis };
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

/** A count or step over working days, with the days it rested on that no notice decided. */
export interface Unofficial<T> {
  value: T;
  /** The days looked at whose basis is provisional or uncovered, in date order. */
  unofficial: DayInfo[];
}

/**
 * The instant `n` working days after `instant`: the n-th working day after its local date, at the same
 * local time of day (a time skipped by a clock change moves forward by the gap). `n = 0` returns
 * `instant` unchanged, even on a day off. "Remind when no answer came within 3 working days" is
 * `now >= addWorkingDays(sentAt, 3, …)`.
 */
export function addWorkingDays(instant: Date, n: number, calendar: HolidayCalendar, timeZone: string): Date {
  return stepWorkingDays(instant, n, calendar, timeZone).value;
}

/** addWorkingDays, with the days stepped over that no notice decided. */
export function stepWorkingDays(
  instant: Date,
  n: number,
  calendar: HolidayCalendar,
  timeZone: string,
): Unofficial<Date> {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`n must be a whole number from 0 to ${MAX_WORKING_DAYS}, not ${n}`);
  }
  const local = toLocal(instant, timeZone);
  if (n === 0) return { value: new Date(instant.getTime()), unofficial: [] };
  const unofficial: DayInfo[] = [];
  let days = epochDay(local.year, local.month, local.day);
  for (let counted = 0; counted < n; ) {
    days += 1;
    const info = describeDay(days, calendar);
    if (info.basis !== 'official') unofficial.push(info);
    if (info.working) counted += 1;
  }
  const { year, month, day } = civilDate(days);
  return { value: fromLocal({ ...local, year, month, day }, timeZone), unofficial };
}

/**
 * Working days whose local date is after `a`'s and up to and including `b`'s; the time of day does not
 * count. Negative when `b` is before `a`. `workingDaysBetween(a, addWorkingDays(a, n)) === n`.
 */
export function workingDaysBetween(a: Date, b: Date, calendar: HolidayCalendar, timeZone: string): number {
  return countWorkingDays(a, b, calendar, timeZone).value;
}

/** workingDaysBetween, with the days counted over that no notice decided. */
export function countWorkingDays(
  a: Date,
  b: Date,
  calendar: HolidayCalendar,
  timeZone: string,
): Unofficial<number> {
  const from = localDay(a, timeZone);
  const to = localDay(b, timeZone);
  const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
  const unofficial: DayInfo[] = [];
  let count = 0;
  for (let d = lo + 1; d <= hi; d += 1) {
    const info = describeDay(d, calendar);
    if (info.basis !== 'official') unofficial.push(info);
    if (info.working) count += 1;
  }
  return { value: count === 0 ? 0 : sign * count, unofficial };
}

/**
 * The years between two instants' local dates (inclusive) that the calendar has no notice for: their
 * days are provisional or uncovered (`yearBasis`). Empty when the answer for the whole span is official.
 */
export function uncoveredYears(calendar: HolidayCalendar, a: Date, b: Date, timeZone: string): number[] {
  const [from, to] = [toLocal(a, timeZone).year, toLocal(b, timeZone).year].sort((x, y) => x - y) as [
    number,
    number,
  ];
  const missing: number[] = [];
  for (let y = from; y <= to; y += 1) if (yearBasis(calendar, y) !== 'official') missing.push(y);
  return missing;
}
