/*
 * The k-th key of a set spread over shards, found without holding the set: each round, every shard counts
 * its keys below a prefix and buckets those under it by the next three characters (or, when it has few under
 * it, sends them); the counts, added up, say which bucket holds the k-th key, which becomes the prefix of
 * the next round. Each round narrows the candidates by the bucket width, so a million uniform keys take two
 * rounds; ties (a whole prefix of equal values) take a few more, each as cheap. A shard's answer is at
 * most BUCKETS_CAP buckets and EXACT_CAP keys, whatever the shard's size.
 */

/** How many characters of key a round adds to the prefix. */
const STEP = 3;
/** A shard with at most this many keys under the prefix sends them instead of buckets. */
export const EXACT_CAP = 256;

/** A search for the key at 0-based rank `k` (in string order) among the keys a query counts. */
export interface KthSearch {
  k: number;
  /** Every candidate starts with this (the whole key space at first). */
  prefix: string;
}

/** What one shard answers for one search. */
export interface KthCounts {
  /** Keys the shard counted in all (whatever the prefix). */
  count: number;
  /** Keys below every key starting with the prefix. */
  below: number;
  /** Keys under the prefix, by their next STEP characters ('' for the prefix itself): [bucket, count]. */
  buckets: [string, number][];
  /** The keys under the prefix themselves, when there are at most EXACT_CAP of them. */
  exact?: string[];
  /** The longest prefix every key under the prefix shares (absent when there is none under it). */
  common?: string;
  /** Every key under the prefix is that one (`common`): a tie. */
  same?: true;
}

/** Counts a shard's keys for one search, a key at a time (memory: the buckets, at most EXACT_CAP keys). */
export class KthCounter {
  private count = 0;
  private below = 0;
  private readonly buckets = new Map<string, number>();
  private exact: string[] | undefined = [];
  private common: string | undefined;
  private same = true;

  constructor(
    private readonly prefix: string,
    private readonly exactCap = EXACT_CAP,
  ) {}

  add(key: string): void {
    this.count++;
    if (!key.startsWith(this.prefix)) {
      if (key < this.prefix) this.below++;
      return;
    }
    if (this.common === undefined) this.common = key;
    else if (key !== this.common) this.same = false;
    if (!key.startsWith(this.common)) {
      let n = this.prefix.length;
      while (n < this.common.length && key[n] === this.common[n]) n++;
      this.common = this.common.slice(0, n);
    }
    const bucket = key.slice(this.prefix.length, this.prefix.length + STEP);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    if (this.exact) {
      this.exact.push(key);
      if (this.exact.length > this.exactCap) this.exact = undefined;
    }
  }

  result(): KthCounts {
    return {
      count: this.count,
      below: this.below,
      buckets: [...this.buckets],
      ...(this.exact ? { exact: this.exact } : {}),
      ...(this.common !== undefined ? { common: this.common } : {}),
      ...(this.common !== undefined && this.same ? { same: true as const } : {}),
    };
  }
}

/** The outcome of a round: the k-th key, or the search to run next. */
export type KthStep = { found: string } | { next: KthSearch };

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Adds up the shards' counts of one round. `search.k` must be below the total count (the caller checks
 * with `totalOf` first: there is no k-th of fewer keys).
 */
export function mergeKth(search: KthSearch, shards: readonly KthCounts[]): KthStep {
  const below = shards.reduce((n, s) => n + s.below, 0);
  let rank = search.k - below;
  if (rank < 0) throw new RangeError(`rank ${search.k} is below the prefix "${search.prefix}"`);
  if (shards.every((s) => s.exact)) {
    const keys = shards.flatMap((s) => s.exact!).sort(compare);
    const found = keys[rank];
    if (found === undefined) throw new RangeError(`no key at rank ${search.k}`);
    return { found };
  }
  // Every key under the prefix shares a longer one (ties of one value, ids alike): go straight to it.
  const under = shards.filter((s) => s.common !== undefined);
  const common = shared(under.map((s) => s.common!));
  // … and when they are all that one key, it is the k-th.
  if (under.length > 0 && under.every((s) => s.same && s.common === common)) return { found: common };
  if (common.length > search.prefix.length + STEP) return { next: { k: search.k, prefix: common } };
  const buckets = new Map<string, number>();
  for (const s of shards) for (const [b, n] of s.buckets) buckets.set(b, (buckets.get(b) ?? 0) + n);
  for (const [bucket, n] of [...buckets].sort(([a], [b]) => compare(a, b))) {
    if (rank < n) {
      // The prefix itself is a key, and the k-th: no longer key starts below it.
      if (bucket === '') return { found: search.prefix };
      return { next: { k: search.k, prefix: search.prefix + bucket } };
    }
    rank -= n;
  }
  throw new RangeError(`no key at rank ${search.k}`);
}

/** The longest prefix all of `texts` share. */
function shared(texts: readonly string[]): string {
  if (texts.length === 0) return '';
  let common = texts[0]!;
  for (const t of texts) {
    let n = 0;
    while (n < common.length && t[n] === common[n]) n++;
    common = common.slice(0, n);
  }
  return common;
}

/** How many keys the shards counted in all. */
export const totalOf = (shards: readonly KthCounts[]): number => shards.reduce((n, s) => n + s.count, 0);

/** One shard's counts of two stretches of it (chunks read one after the other), as if read in one go. */
export function addKthCounts(a: KthCounts, b: KthCounts, exactCap = EXACT_CAP): KthCounts {
  const buckets = new Map(a.buckets);
  for (const [bucket, n] of b.buckets) buckets.set(bucket, (buckets.get(bucket) ?? 0) + n);
  const exact =
    a.exact && b.exact && a.exact.length + b.exact.length <= exactCap ? [...a.exact, ...b.exact] : undefined;
  const commons = [a.common, b.common].filter((c): c is string => c !== undefined);
  const common = commons.length > 0 ? shared(commons) : undefined;
  const same =
    commons.length > 0 && [a, b].every((s) => s.common === undefined || (s.same && s.common === common));
  return {
    count: a.count + b.count,
    below: a.below + b.below,
    buckets: [...buckets],
    ...(exact ? { exact } : {}),
    ...(common !== undefined ? { common } : {}),
    ...(same ? { same: true as const } : {}),
  };
}
