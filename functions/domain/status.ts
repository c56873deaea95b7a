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
  /** The wave's sampling seed and who was left out, by reason (waves from before it have none). */
  selection?: WaveSelection;
}

/** A campaign's return so far: over all its waves, per department, and per wave. */
export interface CampaignStatus extends Tally {
  departments: DepartmentTally[];
  /** Newest first, as the waves were given. */
  waves: WaveStatus[];
}

interface Counts {
  invited: number;
  emailed: number;
  answered: number;
}

function measured(c: Counts, target: number | null): Tally {
  const met = returnRateMet(c.answered, c.invited, target);
  return { ...c, returnRate: returnRate(c.answered, c.invited) ?? 0, target, met };
}

/** Rows are measured against `campaign`'s targets: the department's own, else the default. */
function tally(
  invitations: ReadonlyArray<{ invitation: Invitation; questionnaire: Questionnaire }>,
  campaign: Campaign | undefined,
): Tally & { departments: DepartmentTally[] } {
  const targetOf = (department?: string) => (campaign ? returnRateTarget(campaign, department) : null);
  const byDepartment = new Map<string, Counts>();
  const total: Counts = { invited: 0, emailed: 0, answered: 0 };
  for (const { invitation, questionnaire } of invitations) {
    const department = invitation.customer.department;
    const counts = byDepartment.get(department) ?? { invited: 0, emailed: 0, answered: 0 };
    byDepartment.set(department, counts);
    const emailed = wasEmailed(invitation) ? 1 : 0;
    // An anonymous wave's responses come as customerless invitations in place of some (anonymity.ts).
    const answered = invitation.response && fitsQuestionnaire(questionnaire, invitation.response) ? 1 : 0;
    for (const c of [counts, total]) {
      c.invited += 1;
      c.emailed += emailed;
      c.answered += answered;
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
  const perWave = waves.map((w) => ({
    wave: w,
    invitations: (invitationsByWave[w.waveId] ?? []).map((invitation) => ({
      invitation,
      questionnaire: w.questionnaire,
    })),
  }));
  const newest = waves.reduce<Wave | undefined>(
    (n, w) => (n && n.createdAt >= w.createdAt ? n : w),
    undefined,
  );
  const overall = tally(
    perWave.flatMap((p) => p.invitations),
    newest?.campaign,
  );
  return {
    ...overall,
    waves: perWave.map(({ wave, invitations }) => ({
      waveId: wave.waveId,
      createdAt: wave.createdAt,
      deadline: wave.deadline,
      ...tally(invitations, wave.campaign),
      ...(wave.selection ? { selection: wave.selection } : {}),
    })),
  };
}
