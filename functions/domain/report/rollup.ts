import type { Invitation, InvitedCustomer, Wave } from '../model.ts';
import type { Segment } from '../segments.ts';
import type { InvitedBy, RollupEntry } from './period-report.ts';
import { byCodeUnits } from './statistics.ts';
import { addResponse, emptyTally, mergeInto, slot, type Tally } from './tally.ts';

/*
 * A rollup is the tallies of the responses answered on one closed local day of a campaign, per wave,
 * department and segment. It never changes once written (a day is closed: nothing more can be answered
 * on it), so a period report merges O(days) rollups plus today's responses (use-cases/period-report.ts).
 */

export interface DayRollup {
  schemaVersion: 1;
  campaignId: string;
  /** The local day (report schedule's time zone), YYYY-MM-DD. */
  day: string;
  /** Responses tallied: to tell an empty day from a missing rollup at a glance. */
  responses: number;
  entries: RollupEntry[];
}

/**
 * The rollup entries of some answered invitations: for every wave and department, one tally of all its
 * responses and one per segment the customers were in. Invitations of a wave not in `waves` (deleted or
 * another campaign's) are left out. Sorted, so the same responses give the same entries.
 */
export function rollupEntries(
  waves: ReadonlyMap<string, Wave>,
  invitations: Iterable<Invitation>,
): RollupEntry[] {
  const byKey = new Map<string, RollupEntry>();
  const entry = (waveId: string, department: string, segment: Segment | null): Tally => {
    const key = `${waveId}\u0000${department}\u0000${segment ?? ''}`;
    let e = byKey.get(key);
    if (!e) {
      e = { waveId, department, segment, tally: emptyTally() };
      byKey.set(key, e);
    }
    return e.tally;
  };
  for (const invitation of invitations) {
    const wave = waves.get(invitation.waveId);
    if (!wave || !invitation.response) continue;
    const department = invitation.customer.department;
    addResponse(entry(wave.waveId, department, null), wave.questionnaire, invitation);
    for (const segment of invitation.customer.segments ?? []) {
      addResponse(entry(wave.waveId, department, segment), wave.questionnaire, invitation);
    }
  }
  const entries = [...byKey.values()].sort(entryOrder);
  // A report quotes comments of a scope (the campaign, a department), never of a segment: the segment
  // tallies keep only the counts, which keeps a busy day's rollup (and every read of it) smaller.
  for (const e of entries) if (e.segment !== null) e.tally.worst = [];
  return entries;
}

/** Entries by wave, department, then segment (all before the segments). */
export const entryOrder = (a: RollupEntry, b: RollupEntry): number =>
  byCodeUnits(a.waveId, b.waveId) ||
  byCodeUnits(a.department, b.department) ||
  byCodeUnits(a.segment ?? '', b.segment ?? '');

/**
 * Entries of the same wave, department and segment merged into one (each tally merged once, in any
 * order: the sums are exact), leaving out waves `keep` says no to. `into` holds them by key and may own
 * (and change) the entries given. Call `mergedEntries` for the result.
 */
export function mergeEntries(
  into: Map<string, RollupEntry>,
  entries: Iterable<RollupEntry>,
  keep: (waveId: string) => boolean,
): void {
  for (const e of entries) {
    if (!keep(e.waveId)) continue;
    const key = `${e.waveId}\u0000${e.department}\u0000${e.segment ?? ''}`;
    const mine = into.get(key);
    if (mine) mergeInto(mine.tally, e.tally);
    else into.set(key, e);
  }
}

/** The merged entries, in entryOrder. */
export const mergedEntries = (merged: Map<string, RollupEntry>): RollupEntry[] =>
  [...merged.values()].sort(entryOrder);

/** How many customers per department (and segment within it) a wave invites. */
export function invitedByOf(customers: Iterable<InvitedCustomer>): InvitedBy {
  const by: InvitedBy = {};
  for (const c of customers) {
    const counts = slot<InvitedBy[string]>(by, c.department, () => ({ all: 0, segments: {} }));
    counts.all += 1;
    for (const s of c.segments ?? []) counts.segments[s] = (counts.segments[s] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(by).sort(([a], [b]) => byCodeUnits(a, b)));
}
