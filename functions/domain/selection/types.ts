/*
 * What a campaign's audience is (its zod schema) and what selecting it records: the directory's customers
 * as csat keeps them, and why a customer was left out. The selection itself is in ../audience.ts (in
 * memory) and plan.ts (over a directory of any size, a shard at a time).
 */
import * as z from 'zod';
import type { Customer } from '../customer.ts';
import { SEGMENTS, type Segment } from '../segments.ts';

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

/** The seed a wave samples with. */
export const waveSeed = (audience: Audience, waveId: string): string => audience.seed ?? waveId;

/** A survey after this instant (ISO) keeps the customer out of a wave at `at`. */
export function contactCutoff(audience: Audience, at: Date): string {
  const days = audience.minDaysBetweenSurveys ?? DEFAULT_MIN_DAYS_BETWEEN_SURVEYS;
  return new Date(at.getTime() - days * DAY_MS).toISOString();
}

/** How many customers of one department a wave invited, overall and per segment (recorded at dispatch). */
export interface InvitedDepartment {
  department: string;
  all: number;
  segments: Partial<Record<Segment, number>>;
}

/**
 * A wave's invitations per department, by department name. A list, not a map keyed by department: the
 * names are the directory's, and DynamoDB's document client cannot keep every name as a map key (it
 * refuses `constructor` and drops `__proto__`, records.ts).
 */
export type InvitedBy = InvitedDepartment[];
