/*
 * Civil dates and wall-clock times in an IANA time zone, with nothing but Intl: Lambda's Node has full
 * ICU, so a date library (and its own copy of the tz database) would only add weight to every bundle.
 */

const DAY_MS = 86_400_000;

/** A wall-clock reading in some time zone; month is 1–12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23, not hour12: false: the latter prints midnight as "24" in some ICU versions.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function checkInstant(instant: Date): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('not a valid date');
  return t;
}

/** Milliseconds since the epoch of a wall-clock reading taken as UTC (years 0–99 included). */
function wallClockMs(l: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(l.year, l.month - 1, l.day);
  d.setUTCHours(l.hour, l.minute, l.second, l.millisecond);
  return d.getTime();
}

/** What a clock in `timeZone` shows at `instant`. Throws a RangeError for an unknown time zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const t = checkInstant(instant);
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(t)) parts[p.type] = p.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((t % 1000) + 1000) % 1000,
  };
}

/** How far `timeZone` is ahead of UTC at instant `t`, in milliseconds. */
function offsetMs(t: number, timeZone: string): number {
  return wallClockMs(toLocal(new Date(t), timeZone)) - t;
}

/**
 * The instant a clock in `timeZone` shows `local`. Resolved as Temporal's "compatible" disambiguation
 * does: a time shown twice (clocks going back) is its earlier instant; a time never shown (clocks going
 * forward) moves forward by the length of the gap, e.g. 02:30 on a spring-forward night becomes 03:30.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = wallClockMs(local);
  // A zone changes its offset at most once within a day either side of any wall time.
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const shown = [wall - before, wall - after].filter((t) => t + offsetMs(t, timeZone) === wall);
  if (shown.length > 0) return new Date(Math.min(...shown));
  return new Date(wall - before);
}

/** Days since 1970-01-01 of a civil date. */
export function epochDay(year: number, month: number, day: number): number {
  return Math.round(
    wallClockMs({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }) / DAY_MS,
  );
}

/** The civil date `days` after 1970-01-01. */
export function civilDate(days: number): { year: number; month: number; day: number } {
  const d = new Date(days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** `YYYY-MM-DD` of a civil date (years 0–9999). */
export function isoDateOf(days: number): string {
  const { year, month, day } = civilDate(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or undefined when it is not a real date. */
export function parseIsoDate(value: string): number | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const days = epochDay(Number(m[1]), Number(m[2]), Number(m[3]));
  return isoDateOf(days) === value ? days : undefined;
}
