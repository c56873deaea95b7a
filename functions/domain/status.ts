import { hasAnswered, type Invitation, type Wave, type WaveSelection, wasInvited } from './model.ts';
import type { Campaign } from './programme.ts';
import { returnRateTarget } from './targets.ts';

/** How many were invited and answered, and the share that answered, against the return-rate target. */
export interface Tally {
  invited: number;
  answered: number;
  /** answered / invited, between 0 and 1; 0 when nobody was invited. */
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

const rate = (answered: number, invited: number): number => (invited === 0 ? 0 : answered / invited);

function measured(invited: number, answered: number, target: number | null): Tally {
  const returnRate = rate(answered, invited);
  // Both sides are correctly rounded doubles, so 3/10 against 0.3 compares equal and counts as met.
  const met = target === null || invited === 0 ? null : returnRate >= target;
  return { invited, answered, returnRate, target, met };
}

/** Rows are measured against `campaign`'s targets: the department's own, else the default. */
function tally(
  all: readonly Invitation[],
  campaign: Campaign | undefined,
): Tally & { departments: DepartmentTally[] } {
  const targetOf = (department?: string) => (campaign ? returnRateTarget(campaign, department) : null);
  const invitations = all.filter(wasInvited);
  const byDepartment = new Map<string, { invited: number; answered: number }>();
  let answered = 0;
  for (const inv of invitations) {
    const counts = byDepartment.get(inv.customer.department) ?? { invited: 0, answered: 0 };
    counts.invited += 1;
    if (hasAnswered(inv)) {
      counts.answered += 1;
      answered += 1;
    }
    byDepartment.set(inv.customer.department, counts);
  }
  const departments = [...byDepartment]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([department, c]) => ({ department, ...measured(c.invited, c.answered, targetOf(department)) }));
  return { ...measured(invitations.length, answered, targetOf()), departments };
}

/**
 * Counts invited customers (`wasInvited`: their email went out) and responses per wave and per
 * department, so a wave whose emails are still going out shows as it is.
 * Invitations of waves not listed are ignored.
 *
 * Each wave is measured against the targets of the campaign it snapshotted; the totals over all waves
 * against the newest wave's, as the targets in force now.
 */
export function campaignStatus(
  waves: readonly Wave[],
  invitationsByWave: Readonly<Record<string, readonly Invitation[]>>,
): CampaignStatus {
  const perWave = waves.map((w) => ({ wave: w, invitations: invitationsByWave[w.waveId] ?? [] }));
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
