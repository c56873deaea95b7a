import fc from 'fast-check';
import {
  type Audience,
  type DirectoryCustomer,
  type Sample,
  type SelectionInput,
  selectAudience,
} from '../../functions/domain/audience.ts';

/*
 * What the audience tests share (audience*.test.ts, selection-plan.test.ts): the wave they select for, a
 * customer factory, and the fast-check directories, samples and audiences the selection properties run
 * over — one generator, so the selection in memory and the selection a shard at a time are held to the
 * same inputs.
 */
export const AT = new Date('2025-08-31T01:00:00.000Z');
export const WAVE = 'demo-20250831T0100';
export const DAY_MS = 86_400_000;
export const daysBefore = (n: number) => new Date(AT.getTime() - n * DAY_MS).toISOString();

let n = 0;
/** A customer of east-region with a fresh id, unless `overrides` say otherwise. */
export const customer = (overrides: Partial<DirectoryCustomer> = {}): DirectoryCustomer => ({
  id: `c${String(++n).padStart(3, '0')}`,
  name: 'Customer',
  email: `c${n}@example.test`,
  language: 'zh-CN',
  department: 'east-region',
  ...overrides,
});

/** selectAudience for the wave at AT, in UTC, with a fixed seed unless `more` says otherwise. */
export const select = (
  audience: Audience,
  directory: DirectoryCustomer[],
  more: Partial<SelectionInput> = {},
) => selectAudience({ audience, directory, at: AT, timeZone: 'UTC', waveId: WAVE, seed: 'fixed', ...more });

export const ids = (list: readonly { id: string }[]) => list.map((c) => c.id).sort();

const dates = ['2024-01-15', '2025-03-01', '2025-06-30', '2025-08-20', '2025-08-31'];
/** Department and customer names a plain object would mistake for its prototype's (issue 13). */
const HOSTILE = ['__proto__', 'constructor', 'hasOwnProperty'] as const;
const DEPARTMENTS = ['east', 'south', 'north', 'hasOwnProperty'];
const arbCustomer = fc.record({
  id: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom(...HOSTILE)),
  department: fc.constantFrom(...DEPARTMENTS),
  spend12m: fc.option(
    fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
    { nil: undefined },
  ),
  // Few values: ties by the dozen at every band and rank boundary.
  interactions12m: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  key: fc.option(fc.boolean(), { nil: undefined }),
  registeredAt: fc.option(fc.constantFrom(...dates), { nil: undefined }),
  lastInteractionAt: fc.option(fc.constantFrom(...dates), { nil: undefined }),
  tags: fc.option(fc.subarray(['steel', 'vip', 'export']), { nil: undefined }),
  unsubscribed: fc.boolean(),
  suppressed: fc.boolean(),
  surveyedDaysAgo: fc.option(fc.integer({ min: -2, max: 90 }), { nil: undefined }),
});

/**
 * Directories of up to 80 customers with unique ids. `retries` adds what a retry of the wave meets:
 * customers who unsubscribed after the wave time (they stay in), and customers this very wave already
 * claimed (kept however recently surveyed). Without it every unsubscribe and survey is another wave's
 * and before the wave time, so a selected customer never has one.
 */
export const arbDirectory = ({ retries }: { retries: boolean }): fc.Arbitrary<DirectoryCustomer[]> =>
  fc.uniqueArray(arbCustomer, { maxLength: 80, selector: (r) => r.id }).map((rows) =>
    rows.map(
      (r, i): DirectoryCustomer => ({
        id: r.id,
        name: 'x',
        email: `u${i}@example.test`,
        language: 'en',
        department: r.department,
        ...(r.spend12m !== undefined ? { spend12m: r.spend12m } : {}),
        ...(r.interactions12m !== undefined ? { interactions12m: r.interactions12m } : {}),
        ...(r.key !== undefined ? { key: r.key } : {}),
        ...(r.registeredAt ? { registeredAt: r.registeredAt } : {}),
        ...(r.lastInteractionAt ? { lastInteractionAt: r.lastInteractionAt } : {}),
        ...(r.tags ? { tags: r.tags } : {}),
        ...(r.unsubscribed && i % 3 === 0
          ? { unsubscribedAt: daysBefore(retries && i % 2 === 0 ? -1 : 3) }
          : {}),
        ...(r.suppressed && i % 5 === 0 ? { suppressedAt: daysBefore(2) } : {}),
        ...(r.surveyedDaysAgo !== undefined
          ? {
              lastSurveyedAt: daysBefore(r.surveyedDaysAgo),
              lastSurveyedWave: retries && i % 4 === 0 ? WAVE : 'other-wave',
            }
          : {}),
      }),
    ),
  );

/** Bands by a floor on interactions12m (or spend12m). */
export const BANDS = [
  { name: 'high', share: 0.4, min: 6 },
  { name: 'medium', share: 0.5, min: 2 },
  { name: 'low', share: 0.1, min: 0 },
];
/** Groups by rank, without floors. */
export const RANKS = [
  { name: 'top', share: 0.3 },
  { name: 'mid', share: 0.3 },
  { name: 'rest', share: 0.4 },
];

export const arbSample: fc.Arbitrary<Sample> = fc.oneof(
  fc.constant<Sample>({ method: 'all' }),
  fc.integer({ min: 1, max: 100 }).map((percent): Sample => ({ method: 'random', percent })),
  fc.integer({ min: 1, max: 90 }).map((size): Sample => ({ method: 'fixed', size })),
  fc
    .record({
      size: fc.integer({ min: 1, max: 90 }),
      by: fc.constantFrom('interactions12m' as const, 'spend12m' as const),
      strata: fc.constantFrom(BANDS, RANKS),
    })
    .map((s): Sample => ({ method: 'stratified', ...s })),
  fc
    .integer({ min: 1, max: 100 })
    .map((percent): Sample => ({ method: 'stratified', percent, by: 'spend12m', strata: RANKS })),
);

export const arbAudience: fc.Arbitrary<Audience> = fc.record(
  {
    departments: fc.subarray(DEPARTMENTS, { minLength: 1 }),
    segments: fc.subarray(['active', 'new', 'key'] as const, { minLength: 1 }),
    tags: fc.subarray(['steel', 'vip'], { minLength: 1 }),
    sample: arbSample,
    minDaysBetweenSurveys: fc.integer({ min: 0, max: 60 }),
  },
  { requiredKeys: ['sample'] },
);

export const arbSeed = fc.string({ minLength: 1, maxLength: 12 });
