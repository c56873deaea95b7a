import type { Invitation } from '../domain/model.ts';
import type { SurveyStore } from '../domain/ports.ts';
import { type CampaignStatus, campaignStatus } from '../domain/status.ts';

export interface CampaignStatusReport extends CampaignStatus {
  campaignId: string;
}

/** Reads a campaign's waves and their invitations and counts who answered. */
export async function getCampaignStatus(
  deps: { store: Pick<SurveyStore, 'listWaves' | 'listInvitations'> },
  input: { campaignId: string },
): Promise<CampaignStatusReport> {
  const waves = await deps.store.listWaves(input.campaignId);
  const invitationsByWave: Record<string, Invitation[]> = {};
  for (const wave of waves) {
    invitationsByWave[wave.waveId] = await deps.store.listInvitations(wave.waveId);
  }
  return { campaignId: input.campaignId, ...campaignStatus(waves, invitationsByWave) };
}
