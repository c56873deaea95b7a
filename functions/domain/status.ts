import { type Invitation, type Wave, wasInvited } from './model.ts';

/** How many were invited and answered, and the share that answered. */
export interface Tally {
  invited: number;
  answered: number;
  /** answered / invited, between 0 and 1; 0 when nobody was invited. */
  returnRate: number;
}

export interface DepartmentTally extends Tally {
  department: string;
}

export interface WaveStatus extends Tally {
  waveId: string;
  createdAt: string;
  deadline: string;
  departments: DepartmentTally[];
}

/** A campaign's return so far: over all its waves, per department, and per wave. */
export interface CampaignStatus extends Tally {
  departments: DepartmentTally[];
  /** Newest first, as the waves were given. */
  waves: WaveStatus[];
}

const rate = (answered: number, invited: number): number => (invited === 0 ? 0 : answered / invited);

function tally(all: readonly Invitation[]): Tally & { departments: DepartmentTally[] } {
  const invitations = all.filter(wasInvited);
  const byDepartment = new Map<string, { invited: number; answered: number }>();
  let answered = 0;
  for (const inv of invitations) {
    const counts = byDepartment.get(inv.customer.department) ?? { invited: 0, answered: 0 };
    counts.invited += 1;
    if (inv.response) {
      counts.answered += 1;
      answered += 1;
    }
    byDepartment.set(inv.customer.department, counts);
  }
  const departments = [...byDepartment]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([department, c]) => ({ department, ...c, returnRate: rate(c.answered, c.invited) }));
  return {
    invited: invitations.length,
    answered,
    returnRate: rate(answered, invitations.length),
    departments,
  };
}

/**
 * Counts invited customers (`wasInvited`: their email went out) and responses per wave and per
 * department, so a wave whose emails are still going out shows as it is.
 * Invitations of waves not listed are ignored.
 */
export function campaignStatus(
  waves: readonly Wave[],
  invitationsByWave: Readonly<Record<string, readonly Invitation[]>>,
): CampaignStatus {
  const perWave = waves.map((w) => ({ wave: w, invitations: invitationsByWave[w.waveId] ?? [] }));
  const overall = tally(perWave.flatMap((p) => p.invitations));
  return {
    ...overall,
    waves: perWave.map(({ wave, invitations }) => ({
      waveId: wave.waveId,
      createdAt: wave.createdAt,
      deadline: wave.deadline,
      ...tally(invitations),
    })),
  };
}
