import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  countWorkingDays,
  describeDate,
  type HolidayCalendar,
  loadCalendars,
  statutoryHolidays,
  stepWorkingDays,
  uncoveredYears,
  WEEKENDS_ONLY,
  yearBasis,
} from '../../functions/domain/calendar/index.ts';
import { lunarMonthStart, qingming } from '../../functions/domain/calendar/statutory.ts';
import { isoDateOf } from '../../functions/domain/calendar/zoned-time.ts';
import cnMainlandFile from '../../programme/calendars/cn-mainland.json' with { type: 'json' };

/*
 * Years the calendar file has no notice for. The expected dates are written out by hand: the law
 * (全国年节及纪念日放假办法 as amended 2024) and the published Chinese-calendar and solar-term dates
 * (Hong Kong Observatory's tables, 紫金山天文台's almanac).
 */
const SHANGHAI = 'Asia/Shanghai';
const [CN] = loadCalendars({ 'programme/calendars/cn-mainland.json': cnMainlandFile }) as [HolidayCalendar];
const { statutoryRule: _rule, ...withoutRule } = structuredClone(cnMainlandFile);
const [NO_RULE] = loadCalendars({ 'no-rule.json': { ...withoutRule, id: 'no-rule' } }) as [HolidayCalendar];

describe('statutory holidays computed from the law', () => {
  it('should give 2027 its 13 statutory days and a weekday off for each of the 6 that fall on a weekend', () => {
    expect(statutoryHolidays('cn-mainland', 2027)).toEqual([
      { date: '2027-01-01', holiday: 'new-year' }, // Fri
      { date: '2027-02-05', holiday: 'spring-festival' }, // 除夕 (12th month, 29th: a short month)
      { date: '2027-02-06', holiday: 'spring-festival' }, // 正月初一: the new moon is at 23:56 CST
      { date: '2027-02-07', holiday: 'spring-festival' }, // 初二
      { date: '2027-02-08', holiday: 'spring-festival' }, // 初三
      { date: '2027-02-09', holiday: 'in-lieu' }, // 补假 for Sat 6 Feb (Art. 6)
      { date: '2027-02-10', holiday: 'in-lieu' }, // … and for Sun 7 Feb
      { date: '2027-04-05', holiday: 'qingming' }, // the sun at 15°: 5 Apr, 20:17 CST
      { date: '2027-05-01', holiday: 'labour-day' }, // Sat
      { date: '2027-05-02', holiday: 'labour-day' }, // Sun
      { date: '2027-05-03', holiday: 'in-lieu' },
      { date: '2027-05-04', holiday: 'in-lieu' },
      { date: '2027-06-09', holiday: 'dragon-boat' }, // 五月初五
      { date: '2027-09-15', holiday: 'mid-autumn' }, // 八月十五
      { date: '2027-10-01', holiday: 'national-day' },
      { date: '2027-10-02', holiday: 'national-day' },
      { date: '2027-10-03', holiday: 'national-day' }, // Sun
      { date: '2027-10-04', holiday: 'in-lieu' }, // for Sat 2 Oct
      { date: '2027-10-05', holiday: 'in-lieu' }, // for Sun 3 Oct
    ]);
  });

  it('should give one day when two holidays meet, and make up a Saturday New Year on Monday (2028)', () => {
    const days = statutoryHolidays('cn-mainland', 2028);
    // 中秋 falls on 3 Oct, a day of 国庆: one day, not two.
    expect(days.filter((d) => d.date === '2028-10-03')).toHaveLength(1);
    // Sun 1 Oct is made up on Wed 4 Oct, after the holiday's days.
    expect(days.find((d) => d.date === '2028-10-04')).toEqual({ date: '2028-10-04', holiday: 'in-lieu' });
    expect(days.find((d) => d.date === '2028-01-03')).toEqual({ date: '2028-01-03', holiday: 'in-lieu' });
    expect(new Set(days.map((d) => d.date)).size).toBe(days.length);
  });

  it('should find 清明 on the published dates 2020–2030', () => {
    const published = [
      '2020-04-04',
      '2021-04-04',
      '2022-04-05',
      '2023-04-05',
      '2024-04-04',
      '2025-04-04',
      '2026-04-05',
      '2027-04-05',
      '2028-04-04',
      '2029-04-04',
      '2030-04-05',
    ];
    expect(published.map((d) => isoDateOf(qingming(Number(d.slice(0, 4)))))).toEqual(published);
  });

  it('should put the Spring Festival on the right day when the new moon is near midnight (ICU alone does not)', () => {
    // 2027: new moon 6 Feb 23:56 CST; 2030: 3 Feb 00:07 CST. The others are ordinary years to compare.
    const published: Record<string, string> = {
      '2024': '2024-02-10',
      '2025': '2025-01-29',
      '2026': '2026-02-17',
      '2027': '2027-02-06',
      '2028': '2028-01-26',
      '2029': '2029-02-13',
      '2030': '2030-02-03',
      '2031': '2031-01-23',
    };
    for (const [year, date] of Object.entries(published)) {
      expect(isoDateOf(lunarMonthStart(Number(year), 1))).toBe(date);
    }
  });

  it('should be a subset of the holidays of each notice in the calendar file (2025, 2026)', () => {
    for (const year of [2025, 2026]) {
      const notice = new Set(CN.years[String(year)]!.holidays);
      const statutory = statutoryHolidays('cn-mainland', year).map((d) => d.date);
      expect(statutory.filter((d) => !notice.has(d))).toEqual([]);
      // 2025: 端午 on Sat 31 May (2 Jun off); 2026: 清明 Sun 5 Apr, 2 May and 3 Oct on Saturdays.
      expect(statutory).toHaveLength(year === 2025 ? 14 : 16);
    }
  });

  it('should refuse an unknown rule and a year outside 1900–2100', () => {
    expect(() => statutoryHolidays('xx' as 'cn-mainland', 2027)).toThrow(/no statutory rule/);
    expect(() => statutoryHolidays('cn-mainland', 2101)).toThrow(RangeError);
    expect(() => statutoryHolidays('cn-mainland', 2027.5)).toThrow(RangeError);
  });
});

describe('a year without a notice', () => {
  it('should take the statutory days off provisionally, and nothing else', () => {
    expect(describeDate('2027-01-01', CN)).toEqual({
      date: '2027-01-01',
      working: false,
      reason: 'holiday',
      basis: 'provisional',
    });
    expect(describeDate('2027-02-05', CN)).toMatchObject({ working: false, basis: 'provisional' });
    // Tue 9 and Wed 10 Feb are off in lieu of the weekend in the Spring Festival (Art. 6).
    expect(describeDate('2027-02-09', CN)).toMatchObject({ working: false, reason: 'holiday' });
    // Thu 2027-02-11 (初六) may become a bridge day; no notice says so yet, so it is worked.
    expect(describeDate('2027-02-11', CN)).toMatchObject({ working: true, reason: 'weekday' });
    // A Saturday stays a weekend: no make-up working day can be guessed.
    expect(describeDate('2027-01-30', CN)).toMatchObject({ working: false, reason: 'weekend' });
    expect(describeDate('2026-12-31', CN)).toMatchObject({ working: true, basis: 'official' });
  });

  it('should not put the first reminder of an invitation sent Tue 2026-12-29 on New Year’s Day', () => {
    // Working days after Tue 29 Dec: Wed 30, Thu 31, (Fri 1 Jan 2027 off), Mon 4 Jan.
    const sent = new Date('2026-12-29T09:00:00+08:00');

    const due = stepWorkingDays(sent, 3, CN, SHANGHAI);

    expect(due.value.toISOString()).toBe(new Date('2027-01-04T09:00:00+08:00').toISOString());
    expect(due.unofficial.map((d) => `${d.date} ${d.basis} ${d.reason}`)).toEqual([
      '2027-01-01 provisional holiday',
      '2027-01-02 provisional weekend',
      '2027-01-03 provisional weekend',
      '2027-01-04 provisional weekday',
    ]);
    // Without the rule the calendar is silently wrong no more: the answer says it is uncovered.
    expect(addWorkingDays(sent, 3, NO_RULE, SHANGHAI).toISOString()).toBe('2027-01-01T01:00:00.000Z');
    expect(stepWorkingDays(sent, 3, NO_RULE, SHANGHAI).unofficial[0]).toMatchObject({
      date: '2027-01-01',
      basis: 'uncovered',
      working: true,
    });
  });

  it('should count working days across the turn of the year with the days it rested on', () => {
    const count = countWorkingDays(
      new Date('2026-12-30T10:00:00+08:00'),
      new Date('2027-01-05T10:00:00+08:00'),
      CN,
      SHANGHAI,
    );
    // Thu 31 Dec (official), Mon 4 and Tue 5 Jan (provisional): 3.
    expect(count.value).toBe(3);
    expect(count.unofficial.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
      '2027-01-05',
    ]);
  });

  it('should tell the basis of each year, and official everywhere for the weekends-only calendar', () => {
    expect([2025, 2026, 2027, 2030].map((y) => yearBasis(CN, y))).toEqual([
      'official',
      'official',
      'provisional',
      'provisional',
    ]);
    expect(yearBasis(NO_RULE, 2027)).toBe('uncovered');
    expect(yearBasis(CN, 2101)).toBe('uncovered');
    expect(yearBasis(WEEKENDS_ONLY, 2027)).toBe('official');
    expect(describeDate('2030-10-01', NO_RULE)).toEqual({
      date: '2030-10-01',
      working: true,
      reason: 'weekday',
      basis: 'uncovered',
    });
  });

  it('should list the years without a notice, judged in the campaign time zone', () => {
    expect(
      uncoveredYears(CN, new Date('2026-12-20T00:00:00Z'), new Date('2027-01-10T00:00:00Z'), SHANGHAI),
    ).toEqual([2027]);
    expect(
      uncoveredYears(CN, new Date('2025-03-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'), SHANGHAI),
    ).toEqual([]);
    const newYearsEveUtc = new Date('2026-12-31T17:00:00Z'); // 1 January 2027, 01:00 in Shanghai
    expect(uncoveredYears(CN, newYearsEveUtc, newYearsEveUtc, 'UTC')).toEqual([]);
    expect(uncoveredYears(CN, newYearsEveUtc, newYearsEveUtc, SHANGHAI)).toEqual([2027]);
  });

  it('should refuse an unknown statutory rule in a calendar file', () => {
    expect(() => loadCalendars({ 'bad.json': { ...cnMainlandFile, statutoryRule: 'us-federal' } })).toThrow(
      /bad\.json: statutoryRule: must be one of cn-mainland/,
    );
  });
});

describe('next year’s notice, once added', () => {
  // The shape README § "Next year's holiday notice" asks for: an invented 2027 notice with a bridge
  // day (Thu 4 Feb) and make-up working Saturdays (Sat 30 Jan, Sat 20 Feb) around the Spring Festival.
  const notice2027 = {
    source: 'test: an invented 2027 notice',
    holidays: [
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-02-04',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-05-03',
      '2027-05-04',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
      '2027-10-04',
      '2027-10-05',
    ],
    makeUpWorkingDays: ['2027-01-30', '2027-02-20'],
  };
  const file = structuredClone(cnMainlandFile) as unknown as { years: Record<string, unknown> };
  file.years['2027'] = notice2027;
  const [WITH_2027] = loadCalendars({ 'programme/calendars/cn-mainland.json': file }) as [HolidayCalendar];

  it('should override the computed answer: a make-up Saturday is worked, a bridge day is off, and both are official', () => {
    expect(describeDate('2027-01-30', CN)).toMatchObject({ working: false, basis: 'provisional' });
    expect(describeDate('2027-01-30', WITH_2027)).toEqual({
      date: '2027-01-30',
      working: true,
      reason: 'make-up-working-day',
      basis: 'official',
    });
    expect(describeDate('2027-02-04', CN)).toMatchObject({ working: true, basis: 'provisional' });
    expect(describeDate('2027-02-04', WITH_2027)).toEqual({
      date: '2027-02-04',
      working: false,
      reason: 'holiday',
      basis: 'official',
    });
    expect(yearBasis(WITH_2027, 2027)).toBe('official');
  });

  it('should count by the notice with nothing provisional left', () => {
    // After Wed 27 Jan: Thu 28, Fri 29, Sat 30 (make-up) → the 3rd working day is Sat 30 Jan.
    const due = stepWorkingDays(new Date('2027-01-27T10:00:00+08:00'), 3, WITH_2027, SHANGHAI);

    expect(due.value.toISOString()).toBe(new Date('2027-01-30T10:00:00+08:00').toISOString());
    expect(due.unofficial).toEqual([]);
    expect(uncoveredYears(WITH_2027, due.value, due.value, SHANGHAI)).toEqual([]);
  });

  it('should hold the statutory days the law gives', () => {
    const holidays = new Set(notice2027.holidays);
    expect(statutoryHolidays('cn-mainland', 2027).filter((d) => !holidays.has(d.date))).toEqual([]);
  });
});
