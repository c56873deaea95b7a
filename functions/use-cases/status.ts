import { AnonymousStandIns, asAnsweredInvitation, isAnonymous } from '../domain/anonymity.ts';
import type { HolidayCalendar } from '../domain/calendar/index.ts';
import { type CalendarExposure, calendarExposure } from '../domain/calendar-exposure.ts';
import type { Wave } from '../domain/model.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import type { Campaign } from '../domain/programme.ts';
import {
  addCounts,
  type CampaignStatus,
  campaignStatusOf,
  countInvitations,
  type DepartmentCounts,
} from '../domain/status.ts';

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
  store: Pick<SurveyStore, 'listWaves' | 'invitationPages' | 'anonymousResponsePages'>;
  /** With both, the report says where the campaign's calendar is provisional in the next 90 days. */
  clock?: Clock;
  programme?: { campaigns: readonly Campaign[]; calendars: readonly HolidayCalendar[] };
}

/**
 * Reads a campaign's waves and their invitations, a page at a time, and counts who answered: memory holds
 * a page and the counts per department, whatever the waves' size.
 */
export async function getCampaignStatus(
  deps: CampaignStatusDeps,
  input: { campaignId: string },
): Promise<CampaignStatusReport> {
  // An event-triggered campaign stores a wave every day; the days with no step due end empty and are no
  // one's business here (a periodic campaign's empty wave stays: it says why nobody was eligible).
  const waves = (await deps.store.listWaves(input.campaignId)).filter(
    (w) => !(w.campaign.trigger && w.dispatch?.state === 'empty'),
  );
  const counts = new Map<string, DepartmentCounts>();
  for (const wave of waves) counts.set(wave.waveId, await countWave(deps.store, wave));
  const campaign = deps.programme?.campaigns.find((c) => c.id === input.campaignId);
  const calendar =
    campaign && deps.clock && deps.programme
      ? calendarExposure(campaign, deps.programme.calendars, deps.clock.now())
      : undefined;
  return {
    campaignId: input.campaignId,
    ...campaignStatusOf(waves, counts),
    ...(calendar ? { calendar } : {}),
  };
}

/** One wave's counts per department, read a page at a time. */
async function countWave(store: CampaignStatusDeps['store'], wave: Wave): Promise<DepartmentCounts> {
  const counts: DepartmentCounts = new Map();
  const q = wave.questionnaire;
  if (!isAnonymous(wave.campaign)) {
    for await (const page of store.invitationPages(wave.waveId)) countInvitations(counts, page, q);
    return counts;
  }
  // An anonymous campaign's answers are not on its invitations: counted as the wave report does.
  const standIns = new AnonymousStandIns();
  for await (const page of store.invitationPages(wave.waveId))
    for (const invitation of page) standIns.addInvitation(invitation);
  for await (const page of store.anonymousResponsePages(wave.waveId)) {
    for (const response of page) standIns.take(response);
    countInvitations(counts, page.map(asAnsweredInvitation), q);
  }
  for (const { department, invited, emailed } of standIns.remaining())
    addCounts(counts, department, { invited, emailed, answered: 0 });
  return counts;
}
