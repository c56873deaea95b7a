/*
 * What a wave's dispatch keeps between its tasks (use-cases/dispatch-task.ts): the plan on the wave, and one
 * record per directory shard and round, which each chunk of the shard adds to. Records of a round add up to
 * the plan's next step, or, for the invite round, to the wave's figures.
 */
import { addKthCounts } from './kth.ts';
import type { SelectionPlan, ShardCounts } from './plan.ts';
import { EXCLUSION_REASONS, type Exclusions, type InvitedBy, noExclusions } from './types.ts';

/** selecting → inviting → done, or empty when it invited nobody (reports and reminders skip it). */
export type DispatchState = 'selecting' | 'inviting' | 'done' | 'empty';

export interface WaveDispatch {
  state: DispatchState;
  plan: SelectionPlan;
  /** How many directory shards the dispatch reads: each round waits for all of them. */
  shards: number;
  /** The wave's (scheduled) time: what the selection is judged at, on every run of it. */
  at: string;
  /** Once done: invitations the dispatch created and send jobs it queued, over all its runs. */
  totals?: { created: number; queued: number };
}

/** What inviting one stretch of a shard did. */
export interface InviteTally {
  /** Customers read. */
  customers: number;
  /** Selected and claimed: each has an invitation in the wave after this. */
  invited: number;
  /** Invitations this dispatch created (a redone chunk finds them made). */
  created: number;
  /** Send jobs queued. */
  queued: number;
  excluded: Exclusions;
  invitedBy: InvitedBy;
}

/** A shard's progress in one round: chunks done, where the next starts, and what they added up to. */
export interface ShardRecord {
  round: number;
  shard: number;
  /** Chunks done; the next task of the shard is chunk `chunk`. */
  chunk: number;
  /** Where the next chunk starts; absent once the shard is read to its end (`done`). */
  cursor?: string;
  done: boolean;
  /** The wave's deadline: the record is kept for as long as the wave's personal data (it holds ids). */
  expiresAt: string;
  /** Selection rounds: the counts. */
  counts?: ShardCounts;
  /** The invite round: the tally. */
  tally?: InviteTally;
}

export const noTally = (): InviteTally => ({
  customers: 0,
  invited: 0,
  created: 0,
  queued: 0,
  excluded: noExclusions(),
  invitedBy: {},
});

/** Two per-department counts added up; departments are data, so only own properties are read. */
export function addInvitedBy(a: InvitedBy, b: InvitedBy): InvitedBy {
  const by = new Map<string, { all: number; segments: Map<string, number> }>();
  for (const part of [a, b]) {
    for (const [department, counts] of Object.entries(part)) {
      const slot = by.get(department) ?? { all: 0, segments: new Map<string, number>() };
      slot.all += counts.all;
      for (const [segment, n] of Object.entries(counts.segments)) {
        slot.segments.set(segment, (slot.segments.get(segment) ?? 0) + (n ?? 0));
      }
      by.set(department, slot);
    }
  }
  return Object.fromEntries(
    [...by]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([department, { all, segments }]) => [
        department,
        { all, segments: Object.fromEntries(segments) },
      ]),
  );
}

export function addTally(a: InviteTally, b: InviteTally): InviteTally {
  const excluded = noExclusions();
  for (const reason of EXCLUSION_REASONS) excluded[reason] = a.excluded[reason] + b.excluded[reason];
  return {
    customers: a.customers + b.customers,
    invited: a.invited + b.invited,
    created: a.created + b.created,
    queued: a.queued + b.queued,
    excluded,
    invitedBy: addInvitedBy(a.invitedBy, b.invitedBy),
  };
}

/** A shard's counts of a round so far plus the next chunk's. */
export function addCounts(a: ShardCounts, b: ShardCounts): ShardCounts {
  return {
    round: a.round,
    customers: a.customers + b.customers,
    counts: a.counts.map((c, i) => addKthCounts(c, b.counts[i]!)),
  };
}
