import { describe, expect, it } from 'vitest';
import { type HolidayCalendar, loadCalendars, WEEKENDS_ONLY } from '../../functions/domain/calendar/index.ts';
import {
  CALENDAR_HORIZON_DAYS,
  calendarExposure,
  exposureWarning,
  unofficialExposures,
} from '../../functions/domain/calendar-exposure.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import cnMainlandFile from '../../programme/calendars/cn-mainland.json' with { type: 'json' };
import { demoCampaign } from '../support/programme.ts';

const [CN] = loadCalendars({ 'cn.json': cnMainlandFile }) as [HolidayCalendar];
const { statutoryRule: _rule, ...withoutRule } = structuredClone(cnMainlandFile);
const [BARE] = loadCalendars({ 'bare.json': { ...withoutRule, id: 'bare' } }) as [HolidayCalendar];
const calendars = [CN, BARE];
const withCalendar = (calendar: string, id = `c-${calendar}`): Campaign => ({
  ...demoCampaign,
  id,
  reminders: { afterWorkingDays: 3, max: 2, calendar },
});

describe('calendar exposure: reminders on days no official notice decides', () => {
  it('should find 2027 provisional from 1 January to 90 days after 2 December 2026, in the campaign time zone', () => {
    // 2 Dec 2026 17:00 UTC is 3 Dec 01:00 in Shanghai: the window is 3 Dec 2026 – 3 Mar 2027.
    const exposure = calendarExposure(
      withCalendar('cn-mainland'),
      calendars,
      new Date('2026-12-02T17:00:00Z'),
    );

    expect(CALENDAR_HORIZON_DAYS).toBe(90);
    expect(exposure).toEqual({
      campaignId: 'c-cn-mainland',
      calendar: 'cn-mainland',
      timeZone: 'Asia/Shanghai',
      from: '2026-12-03',
      to: '2027-03-03',
      unofficial: [{ year: 2027, basis: 'provisional', from: '2027-01-01', to: '2027-03-03' }],
    });
  });

  it('should say uncovered for a calendar without a statutory rule, and nothing while the notices last', () => {
    const december = new Date('2026-12-02T00:00:00Z');
    expect(calendarExposure(withCalendar('bare'), calendars, december)?.unofficial).toEqual([
      { year: 2027, basis: 'uncovered', from: '2027-01-01', to: '2027-03-02' },
    ]);
    // 90 days from 2 October 2026 end on 31 December 2026.
    expect(
      calendarExposure(withCalendar('bare'), calendars, new Date('2026-10-02T00:00:00Z'))?.unofficial,
    ).toEqual([]);
    expect(
      calendarExposure(withCalendar('bare'), calendars, new Date('2026-10-03T00:00:00Z'))?.unofficial,
    ).toEqual([{ year: 2027, basis: 'uncovered', from: '2027-01-01', to: '2027-01-01' }]);
  });

  it('should leave out campaigns without reminders or on the weekends-only calendar', () => {
    const { reminders: _, ...noReminders } = withCalendar('cn-mainland', 'quiet');
    const none = withCalendar('cn-mainland', 'none');
    none.reminders = { afterWorkingDays: 3, max: 0, calendar: 'cn-mainland' };
    const programme = {
      campaigns: [noReminders, none, withCalendar(WEEKENDS_ONLY.id), withCalendar('cn-mainland')],
      calendars,
    };

    const found = unofficialExposures(programme, new Date('2026-12-02T00:00:00Z'));

    expect(found.map((e) => e.campaignId)).toEqual(['c-cn-mainland']);
    expect(exposureWarning(found[0]!)).toBe(
      'csat: campaign c-cn-mainland counts reminders by calendar "cn-mainland", which has no official notice ' +
        'for 2027: it counts 2027-01-01–2027-03-02 by the statutory holidays computed from the law ' +
        "(provisional: no bridge days, no make-up working days). Add the year's notice to the calendar " +
        '"cn-mainland" in programme/calendars/ and deploy (README: next year’s holiday notice).',
    );
  });
});
