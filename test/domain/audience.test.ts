import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Audience,
  apportion,
  type DirectoryCustomer,
  drawSample,
  monthsBefore,
  type Sample,
  type SelectionInput,
  seededRandom,
  segmentsOf,
  selectAudience,
  strataOf,
} from '../../functions/domain/audience.ts';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { calendarFiles } from '../../programme/files.ts';
import { demoCampaign } from '../support/programme.ts';

const AT = new Date('2025-08-31T01:00:00.000Z');
const WAVE = 'demo-20250831T0100';
const DAY_MS = 86_400_000;
const daysBefore = (n: number) => new Date(AT.getTime() - n * DAY_MS).toISOString();

let n = 0;
const customer = (overrides: Partial<DirectoryCustomer> = {}): DirectoryCustomer => ({
  id: `c${String(++n).padStart(3, '0')}`,
  name: 'Customer',
  email: `c${n}@example.test`,
  language: 'zh-CN',
  department: 'east-region',
  ...overrides,
});

const select = (audience: Audience, directory: DirectoryCustomer[], more: Partial<SelectionInput> = {}) =>
  selectAudience({ audience, directory, at: AT, timeZone: 'UTC', waveId: WAVE, seed: 'fixed', ...more });

const ids = (list: readonly { id: string }[]) => list.map((c) => c.id).sort();

describe('Function: monthsBefore', () => {
  it.each([
    ['2025-08-31', 6, '2025-02-28'],
    ['2024-08-31', 6, '2024-02-29'],
    ['2025-03-15', 6, '2024-09-15'],
    ['2025-01-31', 1, '2024-12-31'],
  ])('should take %s back %i months to %s', (date, months, expected) => {
    expect(monthsBefore(date, months)).toBe(expected);
  });
});

describe('Function: segmentsOf', () => {
  it('should call active an interaction on or after the day six months back, and new a registration within 30 days', () => {
    const list = [
      customer({ id: 'a1', lastInteractionAt: '2025-02-28' }),
      customer({ id: 'a0', lastInteractionAt: '2025-02-27' }),
      customer({ id: 'n1', registeredAt: '2025-08-01' }),
      customer({ id: 'n0', registeredAt: '2025-07-31' }),
    ];

    const s = segmentsOf(list, '2025-08-31');

    expect([...s.get('a1')!]).toEqual(['active']);
    expect([...s.get('a0')!]).toEqual([]);
    expect([...s.get('n1')!]).toEqual(['new']);
    expect([...s.get('n0')!]).toEqual([]);
  });

  it('should call key the flagged, the top 20 % by spend and the top 15 % by interactions of the directory', () => {
    // Ten customers: 20 % is the top 2 by spend (100, 90), 15 % the top 1 by interactions (k5: 40).
    const spend = [100, 90, 80, 70, 60, 0, undefined, 50, 40, 30];
    const interactions = [1, 2, 3, 4, 40, 30, undefined, 5, 6, 7];
    const list = spend.map((s, i) =>
      customer({
        id: `k${i + 1}`,
        spend12m: s,
        interactions12m: interactions[i],
        key: i === 8 ? true : undefined,
      }),
    );

    const s = segmentsOf(list, '2025-08-31');

    expect(list.filter((c) => s.get(c.id)!.has('key')).map((c) => c.id)).toEqual(['k1', 'k2', 'k5', 'k9']);
  });

  it('should include everyone tied with the last of the top spenders', () => {
    const list = [100, 90, 90, 10, 10, 10, 10, 10, 10, 10].map((s, i) =>
      customer({ id: `t${i}`, spend12m: s }),
    );

    const s = segmentsOf(list, '2025-08-31');

    expect(list.filter((c) => s.get(c.id)!.has('key')).map((c) => c.id)).toEqual(['t0', 't1', 't2']);
  });

  it('should make nobody key by rank when the directory is too small for one place (4 × 20 % < 1)', () => {
    const list = [100, 90, 80, 70].map((s) => customer({ spend12m: s }));

    expect([...segmentsOf(list, '2025-08-31').values()].every((set) => !set.has('key'))).toBe(true);
  });
});

describe('Function: apportion', () => {
  it('should split 500 as 40/50/10 into 200/250/50', () => {
    expect(apportion(500, [0.4, 0.5, 0.1])).toEqual([200, 250, 50]);
  });

  it('should give the leftover to the largest remainders: 7 as 40/50/10 is 3/3/1 (2.8, 3.5, 0.7)', () => {
    expect(apportion(7, [0.4, 0.5, 0.1])).toEqual([3, 3, 1]);
  });

  it('should always sum to the total and stay within one of each exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
        (total, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          const shares = weights.map((w) => w / sum);
          const counts = apportion(total, shares);
          expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
          counts.forEach((c, i) => {
            expect(Math.abs(c - total * shares[i]!)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
  });
});

describe('Function: strataOf', () => {
  it('should put each customer in the band of the highest min it reaches (missing counts as 0)', () => {
    const list = [12, 11, 4, 3, undefined].map((v, i) => customer({ id: `s${i}`, interactions12m: v }));
    const strata = [
      { name: 'low', share: 0.1, min: 0 },
      { name: 'high', share: 0.4, min: 12 },
      { name: 'medium', share: 0.5, min: 4 },
    ];

    const groups = strataOf(list, 'interactions12m', strata);

    expect(groups.map(ids)).toEqual([['s3', 's4'], ['s0'], ['s1', 's2']]);
  });

  it('should split by rank into equal groups without min: 7 customers as tertiles are 3/2/2', () => {
    const list = [70, 60, 50, 40, 30, 20, 10].map((v, i) => customer({ id: `r${i}`, spend12m: v }));
    const strata = ['high', 'medium', 'low'].map((name) => ({ name, share: 1 / 3 }));

    const groups = strataOf(list, 'spend12m', strata);

    expect(groups.map(ids)).toEqual([
      ['r0', 'r1', 'r2'],
      ['r3', 'r4'],
      ['r5', 'r6'],
    ]);
  });
});

describe('Function: seededRandom', () => {
  it('should repeat its sequence for the same seed and differ for another', () => {
    const a = seededRandom('demo-20250101T0100');
    const b = seededRandom('demo-20250101T0100');
    const c = seededRandom('demo-20250401T0100');
    const seq = (r: () => number) => Array.from({ length: 5 }, r);

    const first = seq(a);

    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('Function: drawSample', () => {
  const pool = Array.from({ length: 10 }, (_, i) => customer({ id: `p${i}`, interactions12m: i }));

  it.each<[string, Sample, number]>([
    ['everyone', { method: 'all' }, 10],
    ['25 % of 10, rounded half up', { method: 'random', percent: 25 }, 3],
    ['a fixed 4', { method: 'fixed', size: 4 }, 4],
    ['a fixed size above the pool', { method: 'fixed', size: 50 }, 10],
  ])('should draw %s', (_what, sample, expected) => {
    const drawn = drawSample(pool, sample, 'seed');

    expect(drawn).toHaveLength(expected);
    expect(new Set(ids(drawn)).size).toBe(expected);
  });

  it('should fill each stratum to its quota and no more, even when another stratum is short', () => {
    // Bands: high ≥ 8 (p8, p9), medium 3–7 (5), low < 3 (3). Size 6 at 50/30/20 → quotas 3/2/1: high has 2.
    const sample: Sample = {
      method: 'stratified',
      size: 6,
      by: 'interactions12m',
      strata: [
        { name: 'high', share: 0.5, min: 8 },
        { name: 'medium', share: 0.3, min: 3 },
        { name: 'low', share: 0.2, min: 0 },
      ],
    };

    const drawn = drawSample(pool, sample, 'seed');

    const v = drawn.map((c) => c.interactions12m!);
    expect(v.filter((x) => x >= 8)).toHaveLength(2);
    expect(v.filter((x) => x >= 3 && x < 8)).toHaveLength(2);
    expect(v.filter((x) => x < 3)).toHaveLength(1);
  });
});

describe('Function: selectAudience', () => {
  it('should count every left-out customer once, by the first reason that applies', () => {
    const list = [
      customer({ id: 'a', department: 'north-region' }),
      customer({ id: 'b', unsubscribedAt: daysBefore(100) }),
      customer({ id: 'c', suppressedAt: daysBefore(5) }),
      customer({ id: 'd', lastSurveyedAt: daysBefore(10), lastSurveyedWave: 'other-20250821T0100' }),
      customer({ id: 'e', lastSurveyedAt: daysBefore(31), lastSurveyedWave: 'other-20250731T0100' }),
      // Claimed by this very wave on an earlier run: a retry keeps them.
      customer({ id: 'f', lastSurveyedAt: AT.toISOString(), lastSurveyedWave: WAVE }),
      customer({ id: 'g', department: 'north-region', unsubscribedAt: daysBefore(1) }),
      customer({ id: 'h' }),
    ];

    const s = select({ departments: ['east-region'] }, list);

    expect(ids(s.selected)).toEqual(['e', 'f', 'h']);
    expect(s.excluded).toEqual({
      notInAudience: 2,
      unsubscribed: 1,
      suppressed: 1,
      surveyedRecently: 1,
      notSampled: 0,
    });
    expect(s.outcomes.get('g')).toBe('notInAudience');
  });

  it('should honour a campaign own frequency: 7 days lets in a customer surveyed 10 days ago', () => {
    const list = [customer({ id: 'd', lastSurveyedAt: daysBefore(10), lastSurveyedWave: 'x' })];

    expect(ids(select({ minDaysBetweenSurveys: 7 }, list).selected)).toEqual(['d']);
    expect(ids(select({}, list).selected)).toEqual([]);
  });

  it('should take the union of segments and filter by tags', () => {
    const list = [
      customer({ id: 'active', lastInteractionAt: '2025-08-01', tags: ['steel'] }),
      customer({ id: 'new', registeredAt: '2025-08-20', tags: ['steel', 'vip'] }),
      customer({ id: 'old', registeredAt: '2020-01-01', lastInteractionAt: '2020-01-01', tags: ['steel'] }),
      customer({ id: 'untagged', lastInteractionAt: '2025-08-01' }),
    ];

    const s = select({ segments: ['active', 'new'], tags: ['steel'] }, list);

    expect(ids(s.selected)).toEqual(['active', 'new']);
    expect(s.excluded.notInAudience).toBe(2);
  });

  it('should judge segments on the wave date in the campaign time zone', () => {
    // 16:30 UTC on 31 August is already 1 September in Shanghai: a registration on 2 August is 30 days back.
    const list = [customer({ id: 'x', registeredAt: '2025-08-02' })];
    const at = new Date('2025-08-31T16:30:00.000Z');

    expect(ids(select({ segments: ['new'] }, list, { at, timeZone: 'Asia/Shanghai' }).selected)).toEqual([
      'x',
    ]);
    expect(ids(select({ segments: ['new'] }, list, { at, timeZone: 'UTC' }).selected)).toEqual(['x']);
    const later = new Date('2025-09-01T16:30:00.000Z');
    expect(select({ segments: ['new'] }, list, { at: later, timeZone: 'Asia/Shanghai' }).selected).toEqual(
      [],
    );
  });

  it('should add every key customer on top of a fixed sample', () => {
    const plain = Array.from({ length: 5 }, (_, i) => customer({ id: `p${i}` }));
    const keys = [customer({ id: 'k1', key: true }), customer({ id: 'k2', key: true })];

    const s = select({ sample: { method: 'fixed', size: 2 } }, [...plain, ...keys]);

    expect(s.selected).toHaveLength(4);
    expect(ids(s.selected)).toEqual(expect.arrayContaining(['k1', 'k2']));
    expect(s.excluded.notSampled).toBe(3);
  });

  it('should draw the same sample when a sampled customer unsubscribed or was claimed elsewhere after the wave time', () => {
    const list = Array.from({ length: 20 }, (_, i) => customer({ id: `q${i}` }));
    const audience: Audience = { sample: { method: 'random', percent: 50 } };
    const first = select(audience, list);
    const [x, y] = first.selected;

    const later = list.map((c) =>
      c.id === x!.id
        ? { ...c, unsubscribedAt: new Date(AT.getTime() + 1000).toISOString() }
        : c.id === y!.id
          ? { ...c, lastSurveyedAt: AT.toISOString(), lastSurveyedWave: 'other-20250831T0100' }
          : c,
    );
    const again = select(audience, later);

    expect(ids(again.selected)).toEqual(ids(first.selected).filter((id) => id !== x!.id && id !== y!.id));
    expect(again.excluded).toMatchObject({ unsubscribed: 1, surveyedRecently: 1, notSampled: 10 });
  });
});

describe('Properties: selectAudience', () => {
  const dates = ['2024-01-15', '2025-03-01', '2025-06-30', '2025-08-20', '2025-08-31'];
  const arbCustomer = fc.record({
    department: fc.constantFrom('east', 'south', 'north'),
    spend12m: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    interactions12m: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    key: fc.option(fc.boolean(), { nil: undefined }),
    registeredAt: fc.option(fc.constantFrom(...dates), { nil: undefined }),
    lastInteractionAt: fc.option(fc.constantFrom(...dates), { nil: undefined }),
    tags: fc.option(fc.subarray(['steel', 'vip', 'export']), { nil: undefined }),
    unsubscribed: fc.boolean(),
    suppressed: fc.boolean(),
    surveyedDaysAgo: fc.option(fc.integer({ min: -2, max: 90 }), { nil: undefined }),
  });
  const arbDirectory = fc.array(arbCustomer, { maxLength: 60 }).map((rows) =>
    rows.map(
      (r, i): DirectoryCustomer => ({
        id: `u${String(i).padStart(3, '0')}`,
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
        ...(r.unsubscribed && i % 3 === 0 ? { unsubscribedAt: daysBefore(3) } : {}),
        ...(r.suppressed && i % 5 === 0 ? { suppressedAt: daysBefore(2) } : {}),
        ...(r.surveyedDaysAgo !== undefined
          ? { lastSurveyedAt: daysBefore(r.surveyedDaysAgo), lastSurveyedWave: 'other-wave' }
          : {}),
      }),
    ),
  );
  const arbSample: fc.Arbitrary<Sample> = fc.oneof(
    fc.constant<Sample>({ method: 'all' }),
    fc.integer({ min: 1, max: 100 }).map((percent): Sample => ({ method: 'random', percent })),
    fc.integer({ min: 1, max: 80 }).map((size): Sample => ({ method: 'fixed', size })),
    fc.integer({ min: 1, max: 80 }).map(
      (size): Sample => ({
        method: 'stratified',
        size,
        by: 'interactions12m',
        strata: [
          { name: 'high', share: 0.4, min: 12 },
          { name: 'medium', share: 0.5, min: 4 },
          { name: 'low', share: 0.1, min: 0 },
        ],
      }),
    ),
  );
  const arbAudience = fc.record(
    {
      departments: fc.subarray(['east', 'south', 'north'], { minLength: 1 }),
      segments: fc.subarray(['active', 'new', 'key'] as const, { minLength: 1 }),
      tags: fc.subarray(['steel', 'vip'], { minLength: 1 }),
      sample: arbSample,
      minDaysBetweenSurveys: fc.integer({ min: 0, max: 60 }),
    },
    { requiredKeys: ['sample'] },
  );
  const arbSeed = fc.string({ minLength: 1, maxLength: 12 });

  it('should pick the same customers for the same seed and directory, in any order', () => {
    fc.assert(
      fc.property(arbDirectory, arbAudience, arbSeed, (directory, audience, seed) => {
        const a = select(audience, directory, { seed });
        const b = select(audience, [...directory].reverse(), { seed });
        expect(ids(b.selected)).toEqual(ids(a.selected));
        expect(b.excluded).toEqual(a.excluded);
      }),
    );
  });

  it('should account for every customer, always include key customers and never break a rule', () => {
    fc.assert(
      fc.property(arbDirectory, arbAudience, arbSeed, (directory, audience, seed) => {
        const s = select(audience, directory, { seed });
        const total = s.selected.length + Object.values(s.excluded).reduce((x, y) => x + y, 0);
        expect(total).toBe(directory.length);
        const cutoff = new Date(AT.getTime() - (audience.minDaysBetweenSurveys ?? 30) * DAY_MS).toISOString();
        for (const c of s.selected) {
          expect(c.unsubscribedAt).toBeUndefined();
          expect(c.suppressedAt).toBeUndefined();
          expect(c.lastSurveyedAt === undefined || c.lastSurveyedAt <= cutoff).toBe(true);
        }
        // A key customer of the audience who may be surveyed is never sampled out.
        const segments = segmentsOf(directory, '2025-08-31');
        for (const c of directory) {
          if (segments.get(c.id)!.has('key')) expect(s.outcomes.get(c.id)).not.toBe('notSampled');
        }
      }),
    );
  });

  it('should fill stratified quotas within rounding of the configured shares', () => {
    const strata = [
      { name: 'high', share: 0.4, min: 12 },
      { name: 'medium', share: 0.5, min: 4 },
      { name: 'low', share: 0.1, min: 0 },
    ];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 200 }),
        arbSeed,
        (values, size, seed) => {
          const pool = values.map((v, i) => customer({ id: `v${i}`, interactions12m: v }));
          const sample: Sample = { method: 'stratified', size, by: 'interactions12m', strata };
          const drawn = drawSample(pool, sample, seed);
          const groups = strataOf(pool, 'interactions12m', strata);
          const quotas = apportion(Math.min(size, pool.length), [0.4, 0.5, 0.1]);
          strataOf(drawn, 'interactions12m', strata).forEach((g, i) => {
            expect(g.length).toBe(Math.min(quotas[i]!, groups[i]!.length));
            expect(Math.abs(quotas[i]! - Math.min(size, pool.length) * strata[i]!.share)).toBeLessThan(1);
          });
        },
      ),
    );
  });
});

describe('Schema: campaign audience', () => {
  const load = (audience: unknown) =>
    loadProgramme({
      questionnaires: {},
      // Without targets and department heads: the demo's per-department target and heads would have to
      // be in the audience's departments.
      campaigns: {
        'programme/campaigns/x.json': {
          ...demoCampaign,
          targets: undefined,
          report: { ...demoCampaign.report, departmentHeads: undefined },
          audience,
        },
      },
      calendars: calendarFiles,
    });
  const problems = (audience: unknown): string[] => {
    try {
      load(audience);
    } catch (e) {
      if (e instanceof ProgrammeError) return e.problems.filter((p) => !p.includes('questionnaire'));
      throw e;
    }
    return [];
  };

  it('should accept the documented example', () => {
    expect(
      problems({
        departments: ['east-region'],
        segments: ['active', 'key'],
        tags: ['steel'],
        sample: {
          method: 'stratified',
          size: 500,
          by: 'interactions12m',
          strata: [
            { name: 'high', share: 0.4, min: 12 },
            { name: 'medium', share: 0.5, min: 4 },
            { name: 'low', share: 0.1, min: 0 },
          ],
        },
        minDaysBetweenSurveys: 60,
        seed: 'q3-2025',
      }),
    ).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown segment', { segments: ['vip'] }, 'audience.segments[0]: must be one of active, new, key'],
    [
      'an unknown method',
      { sample: { method: 'some' } },
      'audience.sample.method: must be one of "all", "random", "fixed", "stratified"',
    ],
    [
      'a percent of 0',
      { sample: { method: 'random', percent: 0 } },
      'audience.sample.percent: must be above 0',
    ],
    [
      'a fraction where percent is meant… above 100',
      { sample: { method: 'random', percent: 150 } },
      'audience.sample.percent: must be at most 100',
    ],
    [
      'a size of 2.5',
      { sample: { method: 'fixed', size: 2.5 } },
      'audience.sample.size: must be a whole number',
    ],
    [
      'shares not adding up to 1',
      {
        sample: {
          method: 'stratified',
          size: 10,
          by: 'interactions12m',
          strata: [
            { name: 'high', share: 0.4 },
            { name: 'low', share: 0.5 },
          ],
        },
      },
      'audience.sample.strata: the shares must add up to 1 (they add up to 0.9)',
    ],
    [
      'bands without a floor',
      {
        sample: {
          method: 'stratified',
          percent: 10,
          by: 'spend12m',
          strata: [
            { name: 'high', share: 0.5, min: 100 },
            { name: 'low', share: 0.5, min: 10 },
          ],
        },
      },
      'audience.sample.strata: one stratum must have min 0',
    ],
    [
      'both size and percent',
      {
        sample: {
          method: 'stratified',
          size: 5,
          percent: 10,
          by: 'spend12m',
          strata: [
            { name: 'high', share: 0.5 },
            { name: 'low', share: 0.5 },
          ],
        },
      },
      'audience.sample: give either size or percent, not both',
    ],
    [
      'a negative frequency',
      { minDaysBetweenSurveys: -1 },
      'audience.minDaysBetweenSurveys: must not be negative',
    ],
    ['an unknown field', { segment: ['key'] }, 'audience'],
  ])('should refuse %s naming the file and the field', (_what, audience, message) => {
    const found = problems(audience);

    expect(found.some((p) => p.startsWith('programme/campaigns/x.json: ') && p.includes(message))).toBe(true);
  });
});
