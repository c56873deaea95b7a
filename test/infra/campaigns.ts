import type { Campaign, Programme } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';

export const demo = programme.campaigns[0]!;
/**
 * A second campaign in another time zone, with a day-of-week dispatch, so schedules are per campaign; its
 * reminder sweep runs on its own schedule. A third sends no reminders and has no corrective actions, so it
 * gets neither sweep.
 */
const west: Campaign = {
  ...demo,
  id: 'west',
  dispatch: { cron: '30 8 * * MON-FRI', timeZone: 'Europe/Berlin' },
  report: { ...demo.report, schedule: { cron: '0 7 15 * *', timeZone: 'America/New_York' } },
  reminders: {
    afterWorkingDays: 2,
    max: 1,
    calendar: 'weekends-only',
    schedule: { cron: '15 11 * * MON-FRI', timeZone: 'Europe/Berlin' },
  },
};
const { reminders: _none, actions: _noActions, ...withoutReminders } = demo;
const quiet: Campaign = { ...withoutReminders, id: 'quiet' };
export const twoCampaigns: Programme = { ...programme, campaigns: [demo, west, quiet] };
