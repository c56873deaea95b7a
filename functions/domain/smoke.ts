/*
 * Smoke runs (`csat smoke`): three customers at SES's mailbox-simulator addresses and a one-off wave to
 * them only, which prove a stack's loop and are then removed. What keeps a smoke run away from real
 * customers, and real customers away from a smoke run:
 * - a smoke customer carries SMOKE_TAG, and no campaign's audience ever holds a customer with it
 *   (selectAudience, leftOut in use-cases/dispatch-event-chunk.ts), so a scheduled wave never emails one;
 * - a smoke wave names its customers, each of which must carry the tag and the run's id prefix
 *   (use-cases/dispatch-smoke.ts), so it can never email anyone else;
 * - the smoke wave and its invitations are filed under smokeCampaignId, which no campaign can have (a
 *   campaign id has no '.'), so status, reminders, wave and period reports of the campaign never see
 *   them, nor its answers (filed by that id for rollups);
 * - the wave's campaign snapshot sends its reports to the simulator, never to the managers.
 */
export const SMOKE_TAG = 'csat-smoke';
export const SMOKE_PREFIX = 'csat-smoke';
export const SMOKE_RUN_ID = /^[a-z0-9]{8,32}$/;

/** SES's mailbox simulator: no quota used, no reputation harmed (what each address does, SES decides). */
export const SIMULATOR = {
  success: 'success@simulator.amazonses.com',
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
} as const;
export type SmokeRole = keyof typeof SIMULATOR;
export const SMOKE_ROLES = Object.keys(SIMULATOR) as SmokeRole[];

/** The dispatch event's `smoke` field: the run and the customers its wave invites. */
export interface SmokeRequest {
  runId: string;
  customerIds: string[];
}

export const smokeCustomerId = (runId: string, role: SmokeRole): string => `${SMOKE_PREFIX}-${runId}-${role}`;
export const isSmokeCustomerOf = (runId: string, customerId: string): boolean =>
  customerId.startsWith(`${SMOKE_PREFIX}-${runId}-`);
export const isSmokeCustomer = (c: { tags?: readonly string[] | undefined }): boolean =>
  c.tags?.includes(SMOKE_TAG) ?? false;

/** Where smoke waves of a campaign are filed: `csat-smoke.demo`. */
export const smokeCampaignId = (campaignId: string): string => `${SMOKE_PREFIX}.${campaignId}`;
/** The campaign a smoke campaign id stands for, or undefined when it is none. */
export const campaignOfSmokeId = (id: string): string | undefined =>
  id.startsWith(`${SMOKE_PREFIX}.`) ? id.slice(SMOKE_PREFIX.length + 1) : undefined;
export const smokeWaveId = (campaignId: string, runId: string): string =>
  `${smokeCampaignId(campaignId)}-${runId}`;

/** What smokeCampaign changes of a campaign (programme.ts Campaign), named here so smoke.ts needs no programme. */
interface SmokeableCampaign {
  report: { departmentHeads?: unknown; managers: string[] };
  anonymous?: boolean;
  minGroupSize?: number;
}

/** The campaign as a smoke wave keeps it: its reports go to the simulator, not to managers or heads. */
export function smokeCampaign<C extends SmokeableCampaign>(
  campaign: C,
): Omit<C, 'anonymous' | 'minGroupSize'> {
  const { departmentHeads: _heads, ...report } = campaign.report;
  // The run's customers are SES's simulator addresses, nobody to keep anonymous: the smoke checks the
  // response stored on its invitation, so an anonymous campaign's smoke wave stores it there.
  const { anonymous: _anonymous, minGroupSize: _min, ...rest } = campaign;
  return { ...rest, report: { ...report, managers: [SIMULATOR.success] } };
}
