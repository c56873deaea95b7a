/*
 * Who a wave surveys (DOMAIN.md §3): the campaign's audience (departments, tags, segments), less the
 * customers who must not be surveyed (unsubscribed, suppressed after a bounce or complaint, surveyed
 * recently by any campaign), sampled reproducibly from a seed. Pure: the directory and the time come in.
 *
 * Reused by every use case that starts a wave: call `selectAudience`, then claim each selected customer
 * with `SurveyStore.claimContact` (the frequency rule, enforced by a conditional write across campaigns).
 */
import * as z from 'zod';
import { localDateOf } from './calendar/working-days.ts';
import { civilDate, epochDay, isoDateOf, parseIsoDate } from './calendar/zoned-time.ts';
import type { Customer } from './customer.ts';
import { SEGMENTS, type Segment } from './segments.ts';
import { isSmokeCustomer } from './smoke.ts';

const DAY_MS = 86_400_000;

/**
 * The segment rules of seed 003. Key by spend or interactions ranks the customer among the whole
 * directory (not just one campaign's audience), so "key" means the same to every campaign.
 */
export const SEGMENT_RULES = {
  /** Active: an interaction within this many calendar months before the wave's date. */
  activeMonths: 6,
  /** New: registered within this many days before the wave's date. */
  newDays: 30,
  /** Key: the top this-many percent of the directory by 12-month spend … */
  keySpendPercent: 20,
  /** … or by 12-month interactions. Customers flagged `key` are key whatever they spend. */
  keyInteractionsPercent: 15,
} as const;

/** Days between two surveys of one customer when the campaign does not say (any campaign's survey counts). */
export const DEFAULT_MIN_DAYS_BETWEEN_SURVEYS = 30;

const Percent = z
  .number({ error: 'must be a number of percent, e.g. 10 for 10 %' })
  .gt(0, 'must be above 0')
  .max(100, 'must be at most 100 (percent)');
const Size = z
  .number({ error: 'must be a whole number of customers' })
  .int('must be a whole number of customers')
  .min(1, 'must be at least 1');

const Stratum = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'use lowercase letters, digits and dashes'),
  /** This stratum's share of the sample, as a fraction (0.4 = 40 %). */
  share: z
    .number({ error: 'must be a fraction, e.g. 0.4 for 40 %' })
    .gt(0, 'must be above 0')
    .max(1, 'must be at most 1: write a fraction, e.g. 0.4 for 40 %'),
  /** Lowest value of `by` in this stratum; without `min` on any stratum, strata are equal rank groups. */
  min: z.number({ error: 'must be a number' }).min(0, 'must not be negative').optional(),
});
export type Stratum = z.infer<typeof Stratum>;

export const Sample = z.discriminatedUnion(
  'method',
  [
    z.strictObject({ method: z.literal('all') }),
    z.strictObject({ method: z.literal('random'), percent: Percent }),
    z.strictObject({ method: z.literal('fixed'), size: Size }),
    z.strictObject({
      method: z.literal('stratified'),
      /** The sample's size: a number of customers, or a percentage of those who may be sampled. */
      size: Size.optional(),
      percent: Percent.optional(),
      by: z.enum(['interactions12m', 'spend12m'], { error: 'must be "interactions12m" or "spend12m"' }),
      strata: z.array(Stratum).min(2, 'needs at least two strata').max(10, 'at most 10 strata'),
    }),
  ],
  { error: 'must be one of "all", "random", "fixed", "stratified"' },
);
export type Sample = z.infer<typeof Sample>;

export const Audience = z
  .strictObject({
    departments: z.array(z.string().min(1)).min(1).optional(),
    /** Only customers carrying at least one of these tags. */
    tags: z.array(z.string().trim().min(1, 'a tag cannot be empty')).min(1).optional(),
    /** Only customers in at least one of these segments. */
    segments: z
      .array(z.enum(SEGMENTS, { error: `must be one of ${SEGMENTS.join(', ')}` }))
      .min(1)
      .optional(),
    /** Default: everyone. Key customers are always added on top of the sample. */
    sample: Sample.optional(),
    /** Fixes the sampling seed; by default each wave's id is its seed (recorded on the wave). */
    seed: z.string().min(1).max(100).optional(),
    /** No customer is surveyed by this campaign within this many days of any campaign's survey. */
    minDaysBetweenSurveys: z
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(0, 'must not be negative')
      .max(730, 'at most 730 days')
      .optional(),
  })
  .superRefine((audience, ctx) => {
    const s = audience.sample;
    if (s?.method !== 'stratified') return;
    if ((s.size === undefined) === (s.percent === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['sample'], message: 'give either size or percent, not both' });
    }
    const total = s.strata.reduce((sum, t) => sum + t.share, 0);
    if (Math.abs(total - 1) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['sample', 'strata'],
        message: `the shares must add up to 1 (they add up to ${Number(total.toFixed(6))})`,
      });
    }
    const names = s.strata.map((t) => t.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['sample', 'strata'], message: `"${dup}" is named twice` });
    const withMin = s.strata.filter((t) => t.min !== undefined);
    if (withMin.length > 0 && withMin.length < s.strata.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['sample', 'strata'],
        message: 'give min on every stratum (bands) or on none (equal rank groups, e.g. tertiles)',
      });
    } else if (withMin.length > 0) {
      const mins = withMin.map((t) => t.min!);
      if (!mins.includes(0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sample', 'strata'],
          message: 'one stratum must have min 0, so every customer falls in a stratum',
        });
      }
      if (new Set(mins).size < mins.length) {
        ctx.addIssue({ code: 'custom', path: ['sample', 'strata'], message: 'two strata have the same min' });
      }
    }
  });
export type Audience = z.infer<typeof Audience>;

/** A customer as the directory stores them: the profile plus what csat recorded about them. */
export type DirectoryCustomer = Customer & {
  unsubscribedAt?: string;
  /** When a bounce or complaint stopped all email to them. */
  suppressedAt?: string;
  /** The (scheduled) time of the last wave that claimed them, and which wave (frequency rule). */
  lastSurveyedAt?: string;
  lastSurveyedWave?: string;
};

export const EXCLUSION_REASONS = [
  'notInAudience',
  'unsubscribed',
  'suppressed',
  'surveyedRecently',
  'notSampled',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
/** How many customers of the directory a wave left out, by the first reason that applied. */
export type Exclusions = Record<ExclusionReason, number>;

export const noExclusions = (): Exclusions => ({
  notInAudience: 0,
  unsubscribed: 0,
  suppressed: 0,
  surveyedRecently: 0,
  notSampled: 0,
});

// ---------------------------------------------------------------------------------------------------
// Seeded randomness: the same seed gives the same sequence on every machine and Node version.

/** cyrb128: four 32-bit words from a string, to seed sfc32. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A pseudo-random generator of numbers in [0, 1) (sfc32), fully determined by `seed`. */
export function seededRandom(seed: string): () => number {
  let [a, b, c, d] = hash128(seed);
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** The first `k` of a seeded Fisher–Yates shuffle of `items` (a copy; `items` is left alone). */
export function sampleOf<T>(items: readonly T[], k: number, random: () => number): T[] {
  const a = [...items];
  const n = Math.min(Math.max(0, k), a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

// ---------------------------------------------------------------------------------------------------
// Segments

/** Ids of the top `percent` % of the directory by `value`, and of anyone tied with the last of them. */
function topIds(
  directory: readonly Customer[],
  value: (c: Customer) => number | undefined,
  percent: number,
): Set<string> {
  // Integer arithmetic: 15 % of 60 must be 9, not 8.999….
  const k = Math.floor((directory.length * percent) / 100);
  const values = directory
    .map(value)
    .filter((v): v is number => v !== undefined && v > 0)
    .sort((a, b) => b - a);
  if (k === 0 || values.length === 0) return new Set();
  const threshold = values[Math.min(k, values.length) - 1]!;
  return new Set(
    directory.filter((c) => (value(c) ?? 0) >= threshold && (value(c) ?? 0) > 0).map((c) => c.id),
  );
}

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

/** Which segments each customer of the directory is in on `today` (YYYY-MM-DD), by id. */
export function segmentsOf(directory: readonly Customer[], today: string): Map<string, Set<Segment>> {
  const todayDays = parseIsoDate(today);
  if (todayDays === undefined) throw new RangeError(`not a date: ${today}`);
  const activeSince = monthsBefore(today, SEGMENT_RULES.activeMonths);
  const newSince = isoDateOf(todayDays - SEGMENT_RULES.newDays);
  const bySpend = topIds(directory, (c) => c.spend12m, SEGMENT_RULES.keySpendPercent);
  const byInteractions = topIds(directory, (c) => c.interactions12m, SEGMENT_RULES.keyInteractionsPercent);
  const result = new Map<string, Set<Segment>>();
  for (const c of directory) {
    const s = new Set<Segment>();
    // Dates after today (a typo, or a clock skew) count as today: the customer is active or new.
    if (c.lastInteractionAt !== undefined && c.lastInteractionAt >= activeSince) s.add('active');
    if (c.registeredAt !== undefined && c.registeredAt >= newSince) s.add('new');
    if (c.key === true || bySpend.has(c.id) || byInteractions.has(c.id)) s.add('key');
    result.set(c.id, s);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Sampling

/** Splits `total` in proportion to `shares` (summing to 1) into whole numbers summing to `total`. */
export function apportion(total: number, shares: readonly number[]): number[] {
  const exact = shares.map((s) => total * s);
  const counts = exact.map((e) => Math.floor(e + 1e-9));
  let left = total - counts.reduce((a, b) => a + b, 0);
  // Largest remainder first; ties go to the earlier stratum, so the split is deterministic.
  const order = exact.map((e, i) => ({ i, r: e - counts[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]! += 1;
    left -= 1;
  }
  return counts;
}

const roundShare = (n: number, percent: number): number => Math.round((n * percent) / 100);

/** The stratum of each customer (index into `strata`), by bands of `min` or by equal rank groups. */
export function strataOf(
  customers: readonly Customer[],
  by: 'interactions12m' | 'spend12m',
  strata: readonly Stratum[],
): Customer[][] {
  const groups: Customer[][] = strata.map(() => []);
  const value = (c: Customer) => c[by] ?? 0;
  if (strata.every((t) => t.min !== undefined)) {
    const order = strata.map((t, i) => ({ i, min: t.min! })).sort((a, b) => b.min - a.min);
    for (const c of customers) {
      const band = order.find((o) => value(c) >= o.min) ?? order[order.length - 1]!;
      groups[band.i]!.push(c);
    }
    return groups;
  }
  // Equal rank groups, highest first (three strata: tertiles); ties broken by id so it is stable.
  const ranked = [...customers].sort(
    (a, b) => value(b) - value(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  ranked.forEach((c, rank) => {
    groups[Math.floor((rank * strata.length) / ranked.length)]!.push(c);
  });
  return groups;
}

/** Draws the sample from `pool` (sorted by id, so the directory's order does not matter). */
export function drawSample(pool: readonly Customer[], sample: Sample, seed: string): Customer[] {
  switch (sample.method) {
    case 'all':
      return [...pool];
    case 'random':
      return sampleOf(pool, roundShare(pool.length, sample.percent), seededRandom(seed));
    case 'fixed':
      return sampleOf(pool, sample.size, seededRandom(seed));
    case 'stratified': {
      const size = sample.size ?? roundShare(pool.length, sample.percent ?? 100);
      const quotas = apportion(
        Math.min(size, pool.length),
        sample.strata.map((t) => t.share),
      );
      const groups = strataOf(pool, sample.by, sample.strata);
      // A stratum short of its quota gives all it has; the shortfall is not taken from the others,
      // so the proportions between strata stay as configured.
      return groups.flatMap((g, i) =>
        sampleOf(g, quotas[i]!, seededRandom(`${seed}/${sample.strata[i]!.name}`)),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Selection

export interface SelectionInput {
  audience: Audience;
  directory: readonly DirectoryCustomer[];
  /** The wave's (scheduled) time: segments are judged on its local date, recency up to it. */
  at: Date;
  /** The campaign's time zone, for the wave's local date. */
  timeZone: string;
  /** The wave being selected: its own claims never count as "surveyed recently". */
  waveId: string;
  /** The sampling seed: `audience.seed`, else the wave id (see `waveSeed`). */
  seed: string;
}

export type Outcome = 'selected' | ExclusionReason;

export interface Selection {
  seed: string;
  /** Sorted by id. */
  selected: DirectoryCustomer[];
  excluded: Exclusions;
  /** Each directory customer's outcome, by id. */
  outcomes: Map<string, Outcome>;
  /** Each directory customer's segments on the wave's local date, by id (recorded on invitations for reports). */
  segments: Map<string, Set<Segment>>;
}

/** The seed a wave samples with. */
export const waveSeed = (audience: Audience, waveId: string): string => audience.seed ?? waveId;

/** A survey after this instant (ISO) keeps the customer out of a wave at `at`. */
export function contactCutoff(audience: Audience, at: Date): string {
  const days = audience.minDaysBetweenSurveys ?? DEFAULT_MIN_DAYS_BETWEEN_SURVEYS;
  return new Date(at.getTime() - days * DAY_MS).toISOString();
}

const byId = (a: Customer, b: Customer) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Picks a wave's customers: those in the audience (departments, tags, the union of segments), sampled
 * from a seed, with every key customer of the audience on top of the sample; never an unsubscribed or
 * suppressed customer, nor one surveyed by another wave within `minDaysBetweenSurveys`.
 *
 * The sample is drawn from the customers who could be surveyed as of the wave's time `at`; what
 * happens after it (an unsubscribe, a concurrent campaign's claim) removes a customer from the selection
 * but does not change whom the seed picks. So a retry of the wave draws the same sample.
 *
 * Every directory customer is counted once: selected, or excluded by the first reason that applies in
 * the order notInAudience, unsubscribed, suppressed, surveyedRecently, notSampled.
 */
export function selectAudience(input: SelectionInput): Selection {
  const { audience, at, waveId, seed } = input;
  const directory = [...input.directory].sort(byId);
  const atIso = at.toISOString();
  const cutoff = contactCutoff(audience, at);
  const segments = segmentsOf(directory, localDateOf(at, input.timeZone));

  // A smoke run's customers (smoke.ts) are in no campaign's audience, whatever its filters.
  const inAudience = (c: DirectoryCustomer): boolean =>
    !isSmokeCustomer(c) &&
    (!audience.departments || audience.departments.includes(c.department)) &&
    (!audience.tags || audience.tags.some((t) => c.tags?.includes(t))) &&
    (!audience.segments || audience.segments.some((s) => segments.get(c.id)!.has(s)));
  const surveyedByOther = (c: DirectoryCustomer): boolean =>
    c.lastSurveyedAt !== undefined && c.lastSurveyedWave !== waveId && c.lastSurveyedAt > cutoff;
  const blockedBefore = (c: DirectoryCustomer): boolean =>
    (c.unsubscribedAt !== undefined && c.unsubscribedAt < atIso) ||
    (c.suppressedAt !== undefined && c.suppressedAt < atIso) ||
    (surveyedByOther(c) && c.lastSurveyedAt! < atIso);

  const pool = directory.filter((c) => inAudience(c) && !blockedBefore(c));
  const isKey = (c: Customer) => segments.get(c.id)!.has('key');
  const chosen = new Set(
    [
      ...pool.filter(isKey),
      ...drawSample(
        pool.filter((c) => !isKey(c)),
        audience.sample ?? { method: 'all' },
        seed,
      ),
    ].map((c) => c.id),
  );

  const excluded = noExclusions();
  const outcomes = new Map<string, Outcome>();
  const selected: DirectoryCustomer[] = [];
  for (const c of directory) {
    const outcome: Outcome = !inAudience(c)
      ? 'notInAudience'
      : c.unsubscribedAt !== undefined
        ? 'unsubscribed'
        : c.suppressedAt !== undefined
          ? 'suppressed'
          : surveyedByOther(c)
            ? 'surveyedRecently'
            : chosen.has(c.id)
              ? 'selected'
              : 'notSampled';
    outcomes.set(c.id, outcome);
    if (outcome === 'selected') selected.push(c);
    else excluded[outcome] += 1;
  }
  return { seed, selected, excluded, outcomes, segments };
}
