/*
 * The segments of seed 003 (active, new, key) on a wave's date. Key by spend or interactions ranks the
 * customer among the whole directory: `keyThreshold` is the rank rule, which plan.ts also finds a shard at
 * a time; `segmentsOfCustomer` applies the thresholds to one customer.
 */
import { civilDate, epochDay, isoDateOf, parseIsoDate } from '../calendar/zoned-time.ts';
import type { Customer } from '../customer.ts';
import type { Segment } from '../segments.ts';
import { SEGMENT_RULES } from './types.ts';

/** The date `months` calendar months before `date` (YYYY-MM-DD); the 31st of a short month clamps. */
export function monthsBefore(date: string, months: number): string {
  const days = parseIsoDate(date);
  if (days === undefined) throw new RangeError(`not a date: ${date}`);
  const { year, month, day } = civilDate(days);
  const index = year * 12 + (month - 1) - months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const last = civilDate(epochDay(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1).day;
  return isoDateOf(epochDay(y, m, Math.min(day, last)));
}

/**
 * The rank rule of key customers: of a directory of `size`, the top `percent` % (rounded down) by a value,
 * counting only values above 0; everyone tied with the last of them is in too. Gives the 0-based rank, in
 * the order of the positive values from the highest, of the customer whose value is the threshold;
 * undefined when nobody is key by this value. `positives` is how many values are above 0.
 */
export function keyRank(size: number, positives: number, percent: number): number | undefined {
  // Integer arithmetic: 15 % of 60 must be 9, not 8.999….
  const k = Math.floor((size * percent) / 100);
  if (k === 0 || positives === 0) return undefined;
  return Math.min(k, positives) - 1;
}

/** The lowest spend and interactions that make a customer key by rank (undefined: nobody is, by that value). */
export interface KeyThresholds {
  spend?: number;
  interactions?: number;
}

/** The thresholds of a whole directory held in memory. */
export function keyThresholds(directory: readonly Customer[]): KeyThresholds {
  const threshold = (value: (c: Customer) => number | undefined, percent: number) => {
    const values = directory
      .map(value)
      .filter((v): v is number => v !== undefined && v > 0)
      .sort((a, b) => b - a);
    const rank = keyRank(directory.length, values.length, percent);
    return rank === undefined ? undefined : values[rank];
  };
  const spend = threshold((c) => c.spend12m, SEGMENT_RULES.keySpendPercent);
  const interactions = threshold((c) => c.interactions12m, SEGMENT_RULES.keyInteractionsPercent);
  return {
    ...(spend !== undefined ? { spend } : {}),
    ...(interactions !== undefined ? { interactions } : {}),
  };
}

/** The dates a wave's segments are judged against, from its local date (YYYY-MM-DD). */
export interface SegmentDates {
  activeSince: string;
  newSince: string;
}

export function segmentDates(today: string): SegmentDates {
  const todayDays = parseIsoDate(today);
  if (todayDays === undefined) throw new RangeError(`not a date: ${today}`);
  return {
    activeSince: monthsBefore(today, SEGMENT_RULES.activeMonths),
    newSince: isoDateOf(todayDays - SEGMENT_RULES.newDays),
  };
}

const reaches = (value: number | undefined, threshold: number | undefined): boolean =>
  value !== undefined && threshold !== undefined && value > 0 && value >= threshold;

/** One customer's segments, given the wave's dates and the directory's key thresholds. */
export function segmentsOfCustomer(c: Customer, dates: SegmentDates, key: KeyThresholds): Set<Segment> {
  const s = new Set<Segment>();
  // Dates after today (a typo, or a clock skew) count as today: the customer is active or new.
  if (c.lastInteractionAt !== undefined && c.lastInteractionAt >= dates.activeSince) s.add('active');
  if (c.registeredAt !== undefined && c.registeredAt >= dates.newSince) s.add('new');
  if (c.key === true || reaches(c.spend12m, key.spend) || reaches(c.interactions12m, key.interactions))
    s.add('key');
  return s;
}

/** Which segments each customer of the directory is in on `today` (YYYY-MM-DD), by id. */
export function segmentsOf(directory: readonly Customer[], today: string): Map<string, Set<Segment>> {
  const dates = segmentDates(today);
  const key = keyThresholds(directory);
  return new Map(directory.map((c) => [c.id, segmentsOfCustomer(c, dates, key)]));
}
