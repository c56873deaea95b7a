import { isAnonymous, reportInvitations } from '../domain/anonymity.ts';
import type { HolidayCalendar } from '../domain/calendar/index.ts';
import { type CalendarExposure, calendarExposure } from '../domain/calendar-exposure.ts';
import type { Invitation } from '../domain/model.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import type { Campaign } from '../domain/programme.ts';
import { type CampaignStatus, campaignStatus } from '../domain/status.ts';

export interface CampaignStatusReport extends CampaignStatus {
  campaignId: string;
  /**
   * The campaign's reminder calendar over the next 90 days: `unofficial` lists the years no official
   * holiday notice covers (provisional or uncovered). Absent for a campaign without reminders, or when
   * the caller gave no programme.
   */
  calendar?: CalendarExposure;
}

export interface CampaignStatusDeps {
  store: Pick<SurveyStore, 'listWaves' | 'listInvitations' | 'listAnonymousResponses'>;
  /** With both, the report says where the campaign's calendar is provisional in the next 90 days. */
  clock?: Clock;
  programme?: { campaigns: readonly Campaign[]; calendars: readonly HolidayCalendar[] };
}

/** Reads a campaign's waves and their invitations and counts who answered. */
export async function getCampaignStatus(
  deps: CampaignStatusDeps,
  input: { campaignId: string },
): Promise<CampaignStatusReport> {
  const waves = await deps.store.listWaves(input.campaignId);
  const invitationsByWave: Record<string, Invitation[]> = {};
  for (const wave of waves) {
    const listed = await deps.store.listInvitations(wave.waveId);
    // An anonymous campaign's answers are not on its invitations: counted as the wave report does.
    invitationsByWave[wave.waveId] = isAnonymous(wave.campaign)
      ? reportInvitations(listed, await deps.store.listAnonymousResponses(wave.waveId))
      : listed;
  }
  const campaign = deps.programme?.campaigns.find((c) => c.id === input.campaignId);
  const calendar =
    campaign && deps.clock && deps.programme
      ? calendarExposure(campaign, deps.programme.calendars, deps.clock.now())
      : undefined;
  return {
    campaignId: input.campaignId,
    ...campaignStatus(waves, invitationsByWave),
    ...(calendar ? { calendar } : {}),
  };
}
