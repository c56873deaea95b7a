import { type Invitation, type Wave, type WaveSelection, wasEmailed } from './model.ts';
import type { Campaign } from './programme.ts';
import type { Questionnaire } from './questionnaire.ts';
import { returnRate, returnRateMet } from './report/return-rate.ts';
import { fitsQuestionnaire } from './report/statistics.ts';
import { returnRateTarget } from './targets.ts';

/** How many were invited and answered, and the share that answered, against the return-rate target. */
export interface Tally {
  /** Invitations created at dispatch, as every report counts them (report/return-rate.ts). */
  invited: number;
  /** Of invited, those whose email went out (or who answered). */
  emailed: number;
  /** Responses that fit the questionnaire their wave sent, as the reports count them. */
  answered: number;
  /** answered / invited, 0–1, four decimals as in the reports; 0 when nobody was invited. */
  returnRate: number;
  /** The return rate aimed at (0–1); null when the campaign sets none for this row. */
  target: number | null;
  /** Whether the return rate reached the target (inclusive, as seed 000 counts); null without a target or anyone invited. */
  met: boolean | null;
}

export interface DepartmentTally extends Tally {
  department: string;
}

export interface WaveStatus extends Tally {
  waveId: string;
  createdAt: string;
  deadline: string;
  departments: DepartmentTally[];
  /** The wave's sampling seed and who was left out, by reason (none for waves before it, nor event waves). */
  selection?: WaveSelection;
}

/** A campaign's return so far: over all its waves, per department, and per wave. */
export interface CampaignStatus extends Tally {
  departments: DepartmentTally[];
  /** Newest first, as the waves were given. */
  waves: WaveStatus[];
}

/** How many a group (a wave's department, …) invited, emailed and had answer. */
export interface StatusCounts {
  invited: number;
  emailed: number;
  answered: number;
}

/** A wave's counts per department, as countInvitations adds them up a page at a time. */
export type DepartmentCounts = Map<string, StatusCounts>;

/** Adds counts to a department's (created at zero when it has none yet). */
export function addCounts(into: DepartmentCounts, department: string, counts: StatusCounts): void {
  const mine = into.get(department) ?? { invited: 0, emailed: 0, answered: 0 };
  into.set(department, mine);
  mine.invited += counts.invited;
  mine.emailed += counts.emailed;
  mine.answered += counts.answered;
}

/**
 * Counts some invitations of a wave that sent `questionnaire` into `into`: every one invited, those
 * emailed, and those whose response fits the questionnaire (an anonymous wave's responses come as
 * customerless invitations in place of some: anonymity.ts).
 */
export function countInvitations(
  into: DepartmentCounts,
  invitations: Iterable<Invitation>,
  questionnaire: Questionnaire,
): void {
  for (const invitation of invitations) {
    addCounts(into, invitation.customer.department, {
      invited: 1,
      emailed: wasEmailed(invitation) ? 1 : 0,
      answered: invitation.response && fitsQuestionnaire(questionnaire, invitation.response) ? 1 : 0,
    });
  }
}

function measured(c: StatusCounts, target: number | null): Tally {
  const { invited, emailed, answered } = c;
  const met = returnRateMet(answered, invited, target);
  return { invited, emailed, answered, returnRate: returnRate(answered, invited) ?? 0, target, met };
}

/** Rows are measured against `campaign`'s targets: the department's own, else the default. */
function tally(
  counts: Iterable<DepartmentCounts>,
  campaign: Campaign | undefined,
): Tally & { departments: DepartmentTally[] } {
  const targetOf = (department?: string) => (campaign ? returnRateTarget(campaign, department) : null);
  const byDepartment: DepartmentCounts = new Map();
  const total: StatusCounts = { invited: 0, emailed: 0, answered: 0 };
  for (const wave of counts) {
    for (const [department, c] of wave) {
      addCounts(byDepartment, department, c);
      total.invited += c.invited;
      total.emailed += c.emailed;
      total.answered += c.answered;
    }
  }
  const departments = [...byDepartment]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([department, c]) => ({ department, ...measured(c, targetOf(department)) }));
  return { ...measured(total, targetOf()), departments };
}

/**
 * Counts invited customers (every invitation a wave created), those emailed so far, and responses per
 * wave and per department, as the reports count them (report/return-rate.ts).
 * Invitations of waves not listed are ignored.
 *
 * Each wave is measured against the targets of the campaign it snapshotted; the totals over all waves
 * against the newest wave's, as the targets in force now.
 */
export function campaignStatus(
  waves: readonly Wave[],
  invitationsByWave: Readonly<Record<string, readonly Invitation[]>>,
): CampaignStatus {
  const counts = new Map<string, DepartmentCounts>();
  for (const w of waves) {
    const wave: DepartmentCounts = new Map();
    countInvitations(
      wave,
      Object.hasOwn(invitationsByWave, w.waveId) ? invitationsByWave[w.waveId]! : [],
      w.questionnaire,
    );
    counts.set(w.waveId, wave);
  }
  return campaignStatusOf(waves, counts);
}

/** campaignStatus from each wave's counts per department (countInvitations), by wave id. */
export function campaignStatusOf(
  waves: readonly Wave[],
  countsByWave: ReadonlyMap<string, DepartmentCounts>,
): CampaignStatus {
  const perWave = waves.map((w) => ({ wave: w, counts: countsByWave.get(w.waveId) ?? new Map() }));
  const newest = waves.reduce<Wave | undefined>(
    (n, w) => (n && n.createdAt >= w.createdAt ? n : w),
    undefined,
  );
  const overall = tally(
    perWave.map((p) => p.counts),
    newest?.campaign,
  );
  return {
    ...overall,
    waves: perWave.map(({ wave, counts }) => ({
      waveId: wave.waveId,
      createdAt: wave.createdAt,
      deadline: wave.deadline,
      ...tally([counts], wave.campaign),
      // An event wave's exclusions count due steps, not customers, over the whole directory and of no
      // sample: kept on the wave (the dispatch result says them), not shown as whom the wave left out.
      ...(wave.selection && wave.campaign.trigger === undefined ? { selection: wave.selection } : {}),
    })),
  };
}
