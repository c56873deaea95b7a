import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apportion,
  drawSample,
  type Sample,
  seededRandom,
  strataOf,
} from '../../functions/domain/audience.ts';
import { arbSeed, customer, ids } from '../support/audience.ts';

/* Sampling within the audience: shares, strata, the seeded draw. */

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

describe('Properties: drawSample', () => {
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
