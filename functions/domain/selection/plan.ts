/*
 * A wave's selection over a directory of any size, read a shard at a time: the same customers
 * `selectAudience` (../audience.ts) picks from the whole directory in memory, found in rounds that each
 * read every shard once and keep only counts (kth.ts).
 *
 *   key      the directory's key thresholds: the spend and interactions of the last customer in the top
 *            20 % and 15 % (two or three rounds; one for a small directory);
 *   strata   for equal rank groups only: where each group starts among the customers drawn from;
 *   sample   each group's cut: the last customer of its quota in the seed's random order;
 *   invite   decided: each shard claims and invites its own customers (`classify`).
 *
 * The plan is plain JSON, stored on the wave between rounds; `advancePlan` is a pure function of the plan
 * and the shards' counts, so whoever runs it (the last shard to finish, a retry, a resumed dispatch) gets
 * the same next plan.
 */
import type { Segment } from '../segments.ts';
import { Criteria, type Outcome, type SelectionInput } from './criteria.ts';
import { KthCounter, type KthCounts, mergeKth, totalOf } from './kth.ts';
import { descValueKey, priorityKey, valueOfDescKey } from './order.ts';
import { bandOf, rankKey, sampleSize, stratumQuotas, stratumSeed } from './sampling.ts';
import { type KeyThresholds, keyRank } from './segments.ts';
import { type DirectoryCustomer, type Sample, SEGMENT_RULES } from './types.ts';

export type Stage = 'key' | 'strata' | 'sample' | 'invite';

/** One search of a stage: the k-th key of what it counts, once known. */
export interface PlanQuery {
  /** Every candidate key starts with this. */
  prefix: string;
  /** The 0-based rank sought; unknown until the first round has counted. */
  k?: number;
  /** The key found: at rank k. */
  found?: string;
  /** Nobody qualifies (k below 0); or everybody counted does (`all`). */
  none?: true;
  all?: true;
}

export interface SelectionPlan {
  stage: Stage;
  /** Rounds run so far: the dispatch task's `round` is the one this plan asks for. */
  round: number;
  /** The open searches of the stage, in a fixed order (each shard answers them in this order). */
  queries: PlanQuery[];
  /** From the key stage. */
  key?: KeyThresholds;
  /** Equal rank groups: the rank key where each group after the first starts (null: that group is empty). */
  bounds?: (string | null)[];
  /** Per group of the sample (one for random and fixed): the last priority key drawn, null for none, '' for all. */
  cuts?: (string | null)[];
}

/** What one shard counted in one round. */
export interface ShardCounts {
  round: number;
  /** Customers read (the directory's size, added up). */
  customers: number;
  /** One per plan query, in the plan's order. */
  counts: KthCounts[];
}

const sampleOf = (input: SelectionInput): Sample => input.audience.sample ?? { method: 'all' };
type Stratified = Extract<Sample, { method: 'stratified' }>;
/** Equal rank groups (no `min`): a stratum is a range of ranks, which takes a stage of its own to find. */
const isRankStrata = (s: Sample): boolean =>
  s.method === 'stratified' && s.strata.some((t) => t.min === undefined);
const groupsOf = (s: Sample): number => (s.method === 'stratified' ? s.strata.length : 1);
const open = (n: number): PlanQuery[] => Array.from({ length: n }, () => ({ prefix: '' }));

export function startPlan(): SelectionPlan {
  return { stage: 'key', round: 0, queries: open(2) };
}

/** Where a customer stands once the key thresholds are known: segments, and whether they may be drawn. */
function standing(criteria: Criteria, key: KeyThresholds, c: DirectoryCustomer) {
  const segments = criteria.segments(c, key);
  const inPool = criteria.inPool(c, segments);
  return { segments, inPool, drawable: inPool && !segments.has('key') };
}

/** The group of the sample a customer who may be drawn falls in. */
function groupOf(plan: SelectionPlan, sample: Sample, c: DirectoryCustomer): number {
  if (sample.method !== 'stratified') return 0;
  if (!isRankStrata(sample)) return bandOf(c, sample.by, sample.strata);
  const rank = rankKey(c, sample.by);
  let group = 0;
  for (const bound of plan.bounds ?? []) if (bound !== null && rank >= bound) group++;
  return group;
}

const priorityOf = (input: SelectionInput, sample: Sample, group: number, id: string): string =>
  priorityKey(
    sample.method === 'stratified' ? stratumSeed(input.seed, sample.strata[group]!) : input.seed,
    id,
  );

/** Counts one shard's customers for the plan's round, a page at a time. */
export class ShardCounter {
  private customers = 0;
  private readonly counters: KthCounter[];
  private readonly criteria: Criteria;

  constructor(
    private readonly plan: SelectionPlan,
    private readonly input: SelectionInput,
    /** Keys a shard sends as they are, rather than counted in buckets (kth.ts; smaller in tests). */
    exactCap?: number,
  ) {
    this.counters = plan.queries.map((q) => new KthCounter(q.prefix, exactCap));
    this.criteria = new Criteria(input);
  }

  add(page: readonly DirectoryCustomer[]): void {
    const { plan, input } = this;
    const sample = sampleOf(input);
    for (const c of page) {
      this.customers++;
      if (plan.stage === 'key') {
        if ((c.spend12m ?? 0) > 0) this.counters[0]!.add(descValueKey(c.spend12m!));
        if ((c.interactions12m ?? 0) > 0) this.counters[1]!.add(descValueKey(c.interactions12m!));
        continue;
      }
      if (!standing(this.criteria, plan.key!, c).drawable) continue;
      if (plan.stage === 'strata') {
        const rank = rankKey(c, (sample as Stratified).by);
        for (const counter of this.counters) counter.add(rank);
      } else {
        const group = groupOf(plan, sample, c);
        this.counters[group]!.add(priorityOf(input, sample, group, c.id));
      }
    }
  }

  result(): ShardCounts {
    return {
      round: this.plan.round,
      customers: this.customers,
      counts: this.counters.map((c) => c.result()),
    };
  }
}

/** The rank each query of the stage seeks, from the first round's totals (undefined: nobody). */
function ranksOf(
  plan: SelectionPlan,
  input: SelectionInput,
  shards: readonly ShardCounts[],
): (number | undefined)[] {
  const totals = plan.queries.map((_, i) => totalOf(shards.map((s) => s.counts[i]!)));
  const sample = sampleOf(input);
  switch (plan.stage) {
    case 'key': {
      const size = shards.reduce((n, s) => n + s.customers, 0);
      return [
        keyRank(size, totals[0]!, SEGMENT_RULES.keySpendPercent),
        keyRank(size, totals[1]!, SEGMENT_RULES.keyInteractionsPercent),
      ];
    }
    case 'strata': {
      // Equal rank groups: group g starts at rank ceil(g × m / groups).
      const m = totals[0]!;
      const groups = groupsOf(sample);
      return plan.queries.map((_, i) => Math.ceil(((i + 1) * m) / groups));
    }
    default: {
      const quotas =
        sample.method === 'stratified'
          ? stratumQuotas(sample, totals)
          : sample.method === 'all'
            ? totals
            : [sampleSize(sample, totals[0]!)];
      return quotas.map((q) => q - 1);
    }
  }
}

/** The next stage's plan, once every query of this one is found. */
function nextStage(plan: SelectionPlan, input: SelectionInput): SelectionPlan {
  const sample = sampleOf(input);
  // `plan` is the one after the round (advancePlan counted it already).
  const round = plan.round;
  const found = plan.queries.map((q) => (q.found !== undefined ? q.found : null));
  switch (plan.stage) {
    case 'key': {
      const [spend, interactions] = found.map((k) => (k === null ? undefined : valueOfDescKey(k)));
      const key: KeyThresholds = {
        ...(spend !== undefined ? { spend } : {}),
        ...(interactions !== undefined ? { interactions } : {}),
      };
      if (sample.method === 'all') return { stage: 'invite', round, queries: [], key, cuts: [''] };
      if (isRankStrata(sample)) return { stage: 'strata', round, queries: open(groupsOf(sample) - 1), key };
      return { stage: 'sample', round, queries: open(groupsOf(sample)), key };
    }
    case 'strata':
      return { ...plan, stage: 'sample', round, queries: open(groupsOf(sample)), bounds: found };
    default:
      return {
        ...plan,
        stage: 'invite',
        round,
        queries: [],
        cuts: plan.queries.map((q) => (q.all ? '' : (q.found ?? null))),
      };
  }
}

/**
 * The plan after a round: every shard's counts of `plan.round` added up. Throws when a shard's counts are
 * of another round or a shard is missing (the caller gathers exactly one per shard).
 */
export function advancePlan(
  plan: SelectionPlan,
  input: SelectionInput,
  shards: readonly ShardCounts[],
): SelectionPlan {
  if (plan.stage === 'invite') throw new RangeError('the selection is decided: nothing to advance');
  for (const s of shards) {
    if (s.round !== plan.round || s.counts.length !== plan.queries.length)
      throw new RangeError(`counts of round ${s.round} do not answer round ${plan.round}`);
  }
  const ranks = plan.queries.some((q) => q.k === undefined) ? ranksOf(plan, input, shards) : [];
  const queries = plan.queries.map((query, i): PlanQuery => {
    if (query.found !== undefined || query.none || query.all) return query;
    const counts = shards.map((s) => s.counts[i]!);
    const k = query.k ?? ranks[i];
    if (k === undefined || k < 0) return { prefix: '', none: true };
    if (k >= totalOf(counts))
      return plan.stage === 'sample' ? { prefix: '', all: true } : { prefix: '', none: true };
    let step: ReturnType<typeof mergeKth>;
    try {
      step = mergeKth({ k, prefix: query.prefix }, counts);
    } catch (e) {
      // The directory changed between rounds (an import, an erasure): this round's counts no longer
      // agree with the last one's. The search starts again from the whole key space, its rank counted anew.
      if (e instanceof RangeError) return { prefix: '' };
      throw e;
    }
    return 'found' in step ? { prefix: query.prefix, k, found: step.found } : { ...step.next };
  });
  const next = { ...plan, round: plan.round + 1, queries };
  return queries.every((q) => q.found !== undefined || q.none || q.all) ? nextStage(next, input) : next;
}

/** A customer's place in a decided selection: their segments on the wave's date, and the outcome. */
export function classify(
  plan: SelectionPlan,
  criteria: Criteria,
  c: DirectoryCustomer,
): { segments: Set<Segment>; outcome: Outcome } {
  if (plan.stage !== 'invite') throw new RangeError(`the selection is not decided yet (stage ${plan.stage})`);
  const { input } = criteria;
  const sample = sampleOf(input);
  const { segments, inPool, drawable } = standing(criteria, plan.key!, c);
  // Every key customer who may be surveyed is, on top of the sample.
  let chosen = inPool && segments.has('key');
  if (drawable) {
    const group = groupOf(plan, sample, c);
    const cut = plan.cuts![group];
    chosen =
      cut === '' || (cut !== null && cut !== undefined && priorityOf(input, sample, group, c.id) <= cut);
  }
  return { segments, outcome: criteria.outcome(c, segments, chosen) };
}
