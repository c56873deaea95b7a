import { isAnonymous } from '../anonymity.ts';
import type { Invitation, InvitedCustomer, InvitedDepartment, Wave } from '../model.ts';
import { SEGMENTS, type Segment } from '../segments.ts';
import { cohortOf, type InvitedBy, type RollupEntry } from './period-report.ts';
import { byCodeUnits } from './statistics.ts';
import { addResponse, emptyTally, mergeInto, type Tally } from './tally.ts';

/*
 * A rollup is the tallies of the responses answered on one closed local day of a campaign, per cohort,
 * department and segment. It never changes once written (a day is closed: nothing more can be answered
 * on it), so a period report merges O(days) rollups plus today's responses (use-cases/period-report.ts).
 */

/** 2: entries per cohort (1 had them per wave; a report rolls such a day up again). */
export const ROLLUP_SCHEMA = 2;

export interface DayRollup {
  schemaVersion: typeof ROLLUP_SCHEMA;
  campaignId: string;
  /** The local day (report schedule's time zone), YYYY-MM-DD. */
  day: string;
  /** Responses tallied: to tell an empty day from a missing rollup at a glance. */
  responses: number;
  entries: RollupEntry[];
}

const entryKey = (e: Pick<RollupEntry, 'cohort' | 'department' | 'segment'>): string =>
  `${e.cohort}\u0000${e.department}\u0000${e.segment ?? ''}`;

/**
 * The rollup entries of some answered invitations: for every cohort (month of dispatch in `timeZone`,
 * cohortOf) and department, one tally of all its responses and one per segment the customers were in,
 * each response scored on its own wave's questionnaire. Invitations of a wave not in `waves` (deleted or
 * another campaign's) are left out. Sorted, so the same responses give the same entries. A tally with a
 * response to an anonymous campaign's wave keeps no comment (`worst: []`): rollups are raw per-department
 * tallies, not withheld (anonymity.ts), so the text, score and department of a tiny group's comment would
 * be there for whoever reads the rollups; its period reports show no comment.
 */
export function rollupEntries(
  waves: ReadonlyMap<string, Wave>,
  invitations: Iterable<Invitation>,
  timeZone: string,
): RollupEntry[] {
  const byKey = new Map<string, RollupEntry>();
  const entry = (cohort: string, department: string, segment: Segment | null): Tally => {
    const key = entryKey({ cohort, department, segment });
    let e = byKey.get(key);
    if (!e) {
      e = { cohort, department, segment, tally: emptyTally() };
      byKey.set(key, e);
    }
    return e.tally;
  };
  const cohorts = new Map<string, string>();
  const anonymous = new Set<Tally>();
  for (const invitation of invitations) {
    const wave = waves.get(invitation.waveId);
    if (!wave || !invitation.response) continue;
    let cohort = cohorts.get(wave.waveId);
    if (cohort === undefined) {
      cohort = cohortOf(wave, timeZone);
      cohorts.set(wave.waveId, cohort);
    }
    const department = invitation.customer.department;
    const tallies = [
      entry(cohort, department, null),
      ...(invitation.customer.segments ?? []).map((segment) => entry(cohort, department, segment)),
    ];
    for (const tally of tallies) {
      addResponse(tally, wave.questionnaire, invitation);
      if (isAnonymous(wave.campaign)) anonymous.add(tally);
    }
  }
  const entries = [...byKey.values()].sort(entryOrder);
  // A report quotes comments of a scope (the campaign, a department), never of a segment: the segment
  // tallies keep only the counts, which keeps a busy day's rollup (and every read of it) smaller.
  for (const e of entries) if (e.segment !== null || anonymous.has(e.tally)) e.tally.worst = [];
  return entries;
}

/** Entries by cohort, department, then segment (all before the segments). */
export const entryOrder = (a: RollupEntry, b: RollupEntry): number =>
  byCodeUnits(a.cohort, b.cohort) ||
  byCodeUnits(a.department, b.department) ||
  byCodeUnits(a.segment ?? '', b.segment ?? '');

/**
 * Entries of the same cohort, department and segment merged into one (each tally merged once, in any
 * order: the sums are exact), leaving out cohorts `keep` says no to. `into` holds them by key and may
 * own (and change) the entries given. Call `mergedEntries` for the result.
 */
export function mergeEntries(
  into: Map<string, RollupEntry>,
  entries: Iterable<RollupEntry>,
  keep: (cohort: string) => boolean,
): void {
  for (const e of entries) {
    if (!keep(e.cohort)) continue;
    const key = entryKey(e);
    const mine = into.get(key);
    if (mine) mergeInto(mine.tally, e.tally);
    else into.set(key, e);
  }
}

/** The merged entries, in entryOrder. */
export const mergedEntries = (merged: Map<string, RollupEntry>): RollupEntry[] =>
  [...merged.values()].sort(entryOrder);

/** How many customers per department (and segment within it) a wave invites, by department name. */
export function invitedByOf(customers: Iterable<InvitedCustomer>): InvitedBy {
  const by = new Map<string, InvitedDepartment>();
  for (const c of customers) {
    let counts = by.get(c.department);
    if (!counts) {
      counts = { department: c.department, all: 0, segments: {} };
      by.set(c.department, counts);
    }
    counts.all += 1;
    for (const s of c.segments ?? []) counts.segments[s] = (counts.segments[s] ?? 0) + 1;
  }
  return [...by.values()].sort((a, b) => byCodeUnits(a.department, b.department));
}

/** The counts of two sets of invitations (of one wave, say, dispatched in parts) added up. */
export function mergeInvitedBy(a: InvitedBy, b: InvitedBy): InvitedBy {
  const by = new Map<string, InvitedDepartment>();
  for (const d of [...a, ...b]) {
    const mine = by.get(d.department) ?? { department: d.department, all: 0, segments: {} };
    mine.all += d.all;
    for (const s of SEGMENTS) {
      const n = (mine.segments[s] ?? 0) + (d.segments[s] ?? 0);
      if (n > 0) mine.segments[s] = n;
    }
    by.set(d.department, mine);
  }
  return [...by.values()].sort((x, y) => byCodeUnits(x.department, y.department));
}
