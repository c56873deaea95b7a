/*
 * What a wave's dispatch keeps between its tasks (use-cases/dispatch-task.ts): the plan on the wave, and one
 * record per directory shard and round, which each chunk of the shard adds to. Records of a round add up to
 * the plan's next step, or, for the invite round, to the wave's figures.
 */
import { addKthCounts } from './kth.ts';
import type { SelectionPlan, ShardCounts } from './plan.ts';
import type { Exclusions, InvitedBy } from './types.ts';

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
  /** An event-triggered campaign's wave (domain/events.ts): the steps due on `day`, not a sample. */
  events?: EventWaveFigures;
}

/** What an event wave invites: the steps due on its local date, or missed at most `catchUpDays` before. */
export interface EventWaveFigures {
  /** The local date (campaign time zone) the wave counts due steps for, YYYY-MM-DD. */
  day: string;
  /** Once done: the wave's invitations by step id. */
  steps?: Record<string, number>;
  /** Once done: of those, steps that fell due before `day` (caught up after a failed or skipped run). */
  caughtUp?: number;
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
  /** Event waves: the invitations by step id, and how many of them were caught up (WaveDispatch.events). */
  steps?: Record<string, number>;
  caughtUp?: number;
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
  /**
   * Event waves, selection rounds: eligible customers with a step due. A round that finds none ends the
   * wave `empty` without an invite round.
   */
  due?: number;
}

/** A shard's counts of a round so far plus the next chunk's. */
export function addCounts(a: ShardCounts, b: ShardCounts): ShardCounts {
  return {
    round: a.round,
    customers: a.customers + b.customers,
    counts: a.counts.map((c, i) => addKthCounts(c, b.counts[i]!)),
  };
}

/**
 * Whether a wave's dispatch is through and invited someone: what reports, reminders and period figures
 * count. A wave still `selecting` or `inviting` has not got all its invitations yet; an `empty` one has none.
 */
export const isDispatched = (wave: { dispatch?: WaveDispatch }): boolean =>
  !wave.dispatch || wave.dispatch.state === 'done';
