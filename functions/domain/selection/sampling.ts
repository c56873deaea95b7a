/*
 * How a sample is drawn from the customers who may be surveyed (seed 003): everyone, a random share, a
 * fixed number, or strata in set proportions. Every draw takes the first customers of a seeded random
 * order (order.ts `priorityKey`), so the same seed and pool give the same sample, whatever order the
 * directory comes in, and plan.ts can find the same sample a shard at a time.
 */
import type { Customer } from '../customer.ts';
import { descValueKey, priorityKey } from './order.ts';
import type { Sample, Stratum } from './types.ts';

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

/** `percent` % of `n`, rounded to a whole number of customers. */
export const roundShare = (n: number, percent: number): number => Math.round((n * percent) / 100);

/** How many customers a random or fixed sample takes of a pool of `n`. */
export function sampleSize(sample: Exclude<Sample, { method: 'all' | 'stratified' }>, n: number): number {
  return Math.min(n, sample.method === 'random' ? roundShare(n, sample.percent) : sample.size);
}

/** Each stratum's quota, given how many customers of the pool are in each. */
export function stratumQuotas(
  sample: Extract<Sample, { method: 'stratified' }>,
  sizes: readonly number[],
): number[] {
  const pool = sizes.reduce((a, b) => a + b, 0);
  const size = sample.size ?? roundShare(pool, sample.percent ?? 100);
  // A stratum short of its quota gives all it has; the shortfall is not taken from the others, so the
  // proportions between strata stay as configured.
  return apportion(
    Math.min(size, pool),
    sample.strata.map((t) => t.share),
  ).map((q, i) => Math.min(q, sizes[i]!));
}

/** The seed of one stratum's draw. */
export const stratumSeed = (seed: string, stratum: Stratum): string => `${seed}/${stratum.name}`;

/** The stratum's value of a customer (missing counts as 0). */
export const stratumValue = (c: Customer, by: 'interactions12m' | 'spend12m'): number => c[by] ?? 0;

/** Where a customer ranks among equal rank groups: highest value first, ties by id. */
export const rankKey = (c: Customer, by: 'interactions12m' | 'spend12m'): string =>
  `${descValueKey(stratumValue(c, by))}${c.id}`;

/** With `min` on every stratum, the customer's band: the stratum of the highest min it reaches. */
export function bandOf(c: Customer, by: 'interactions12m' | 'spend12m', strata: readonly Stratum[]): number {
  let best = -1;
  for (let i = 0; i < strata.length; i++) {
    const min = strata[i]!.min!;
    if (stratumValue(c, by) >= min && (best < 0 || min > strata[best]!.min!)) best = i;
  }
  // A value below every min (only when no stratum has min 0, which the schema refuses) takes the lowest.
  if (best >= 0) return best;
  return strata.reduce((low, t, i) => (t.min! < strata[low]!.min! ? i : low), 0);
}

/** The stratum of each customer (index into `strata`), by bands of `min` or by equal rank groups. */
export function strataOf(
  customers: readonly Customer[],
  by: 'interactions12m' | 'spend12m',
  strata: readonly Stratum[],
): Customer[][] {
  const groups: Customer[][] = strata.map(() => []);
  if (strata.every((t) => t.min !== undefined)) {
    for (const c of customers) groups[bandOf(c, by, strata)]!.push(c);
    return groups;
  }
  // Equal rank groups, highest first (three strata: tertiles); ties broken by id so it is stable.
  const ranked = customers
    .map((c) => ({ c, key: rankKey(c, by) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  ranked.forEach(({ c }, rank) => {
    groups[Math.floor((rank * strata.length) / ranked.length)]!.push(c);
  });
  return groups;
}

/** The first `k` customers of the seed's random order. */
export function firstByPriority<C extends Customer>(pool: readonly C[], k: number, seed: string): C[] {
  return pool
    .map((c) => ({ c, key: priorityKey(seed, c.id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, Math.max(0, k))
    .map(({ c }) => c);
}

/** Draws the sample from `pool` (in any order: the draw does not depend on it). */
export function drawSample<C extends Customer>(pool: readonly C[], sample: Sample, seed: string): C[] {
  switch (sample.method) {
    case 'all':
      return [...pool];
    case 'random':
    case 'fixed':
      return firstByPriority(pool, sampleSize(sample, pool.length), seed);
    case 'stratified': {
      const groups = strataOf(pool, sample.by, sample.strata) as C[][];
      const quotas = stratumQuotas(
        sample,
        groups.map((g) => g.length),
      );
      return groups.flatMap((g, i) => firstByPriority(g, quotas[i]!, stratumSeed(seed, sample.strata[i]!)));
    }
  }
}
