/*
 * Reporting periods: a month, quarter, half-year or year of local calendar days in the campaign's time
 * zone. Keys are stable and sort in time order within a kind: `2026-11`, `2026-Q4`, `2026-H2`, `2026`.
 * They name the report's folder in the bucket (`reports/{campaign}/{period}/…`).
 */

export const PERIOD_KINDS = ['month', 'quarter', 'half-year', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  key: string;
  /** First and last local day, YYYY-MM-DD, both included. */
  first: string;
  last: string;
}

export class PeriodError extends Error {
  constructor(readonly input: string) {
    super(
      `"${input}" is not a period: write a month (2026-11), a quarter (2026-Q4), a half-year (2026-H2) or a year (2026)`,
    );
    this.name = 'PeriodError';
  }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Months in a period of each kind. */
const MONTHS: Record<PeriodKind, number> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

function fromMonths(kind: PeriodKind, year: number, firstMonth: number): Period {
  const lastMonth = firstMonth + MONTHS[kind] - 1;
  const index = (firstMonth - 1) / MONTHS[kind] + 1;
  const key =
    kind === 'month'
      ? `${pad(year, 4)}-${pad(firstMonth)}`
      : kind === 'quarter'
        ? `${pad(year, 4)}-Q${index}`
        : kind === 'half-year'
          ? `${pad(year, 4)}-H${index}`
          : pad(year, 4);
  return {
    kind,
    key,
    first: `${pad(year, 4)}-${pad(firstMonth)}-01`,
    last: `${pad(year, 4)}-${pad(lastMonth)}-${pad(daysInMonth(year, lastMonth))}`,
  };
}

function parseDay(day: string): { year: number; month: number; date: number } {
  const m = DAY.exec(day);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const date = Number(m?.[3]);
  if (!m || month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) {
    throw new RangeError(`"${day}" is not a calendar day (YYYY-MM-DD)`);
  }
  return { year, month, date };
}

/** The period of a kind that holds a local day. */
export function periodOf(kind: PeriodKind, day: string): Period {
  const { year, month } = parseDay(day);
  const size = MONTHS[kind];
  return fromMonths(kind, year, Math.floor((month - 1) / size) * size + 1);
}

/** Reads a period key; throws PeriodError with the forms it accepts. */
export function parsePeriod(key: string): Period {
  const m = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$/.exec(key);
  if (!m) throw new PeriodError(key);
  const year = Number(m[1]);
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw new PeriodError(key);
    return fromMonths('month', year, month);
  }
  if (m[3] !== undefined) return fromMonths('quarter', year, (Number(m[3]) - 1) * 3 + 1);
  if (m[4] !== undefined) return fromMonths('half-year', year, (Number(m[4]) - 1) * 6 + 1);
  return fromMonths('year', year, 1);
}

/** The day after (n = 1) or before (n = −1) a local day. */
export function addDays(day: string, n: number): string {
  const { year, month, date } = parseDay(day);
  return new Date(Date.UTC(year, month - 1, date + n)).toISOString().slice(0, 10);
}

/** The period just before. */
export const previousPeriod = (p: Period): Period => periodOf(p.kind, addDays(p.first, -1));

/** The `count` periods before `p`, oldest first. */
export function periodsBefore(p: Period, count: number): Period[] {
  const out: Period[] = [];
  let current = p;
  for (let i = 0; i < count; i++) {
    current = previousPeriod(current);
    out.unshift(current);
  }
  return out;
}

/** Every local day from `first` to `last`, both included, in order. */
export function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}
