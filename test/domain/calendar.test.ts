import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  CalendarError,
  describeDate,
  findCalendar,
  type HolidayCalendar,
  isWorkingDay,
  loadCalendars,
  localDateOf,
  WEEKENDS_ONLY,
  workingDaysBetween,
} from '../../functions/domain/calendar/index.ts';
import { fromLocal, toLocal } from '../../functions/domain/calendar/zoned-time.ts';
import cnMainlandFile from '../../programme/calendars/cn-mainland.json' with { type: 'json' };

const FILE = 'programme/calendars/cn-mainland.json';
const SHANGHAI = 'Asia/Shanghai';
const [CN] = loadCalendars({ [FILE]: cnMainlandFile }) as [HolidayCalendar];

/** Every local date from `from` to `to` inclusive, with whether it is a working day. */
function days(from: string, to: string, calendar = CN): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (let t = Date.parse(`${from}T00:00Z`); t <= Date.parse(`${to}T00:00Z`); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    out[date] = describeDate(date, calendar).working;
  }
  return out;
}

function problemsOf(files: Record<string, unknown>): string[] {
  try {
    loadCalendars(files);
  } catch (e) {
    if (e instanceof CalendarError) return e.problems;
    throw e;
  }
  throw new Error('the calendars were accepted');
}

const clone = <T>(v: T): T => structuredClone(v);

describe('cn-mainland calendar, 2026 Spring Festival', () => {
  it('should take 15–23 February off and work the make-up Saturdays 14 and 28 February', () => {
    expect(days('2026-02-13', '2026-03-01')).toEqual({
      '2026-02-13': true, // Friday
      '2026-02-14': true, // Saturday, make-up working day
      '2026-02-15': false, // Sunday, 腊月二十八, first day off
      '2026-02-16': false, // 除夕
      '2026-02-17': false, // 正月初一
      '2026-02-18': false,
      '2026-02-19': false,
      '2026-02-20': false,
      '2026-02-21': false,
      '2026-02-22': false,
      '2026-02-23': false, // Monday, 正月初七, last day off
      '2026-02-24': true,
      '2026-02-25': true,
      '2026-02-26': true,
      '2026-02-27': true,
      '2026-02-28': true, // Saturday, make-up working day
      '2026-03-01': false, // an ordinary Sunday
    });
  });

  it('should say why each day is or is not worked', () => {
    expect(describeDate('2026-02-14', CN)).toEqual({
      date: '2026-02-14',
      working: true,
      reason: 'make-up-working-day',
      basis: 'official',
    });
    expect(describeDate('2026-02-17', CN)).toMatchObject({ working: false, reason: 'holiday' });
    expect(describeDate('2026-03-01', CN)).toMatchObject({ working: false, reason: 'weekend' });
    expect(describeDate('2026-02-24', CN)).toMatchObject({ working: true, reason: 'weekday' });
  });

  it('should count 16 working days in February 2026 (20 weekdays − 6 holidays + 2 make-up Saturdays)', () => {
    const a = new Date('2026-01-31T12:00:00+08:00');
    const b = new Date('2026-02-28T12:00:00+08:00');

    expect(workingDaysBetween(a, b, CN, SHANGHAI)).toBe(16);
    expect(workingDaysBetween(a, b, WEEKENDS_ONLY, SHANGHAI)).toBe(20);
  });

  it('should remind 3 working days after Friday 13 February on Wednesday 25 February at the same time', () => {
    const sent = new Date('2026-02-13T09:00:00+08:00');

    const due = addWorkingDays(sent, 3, CN, SHANGHAI);

    // Sat 14 (make-up) is the 1st, Tue 24 the 2nd, Wed 25 the 3rd.
    expect(due.toISOString()).toBe('2026-02-25T01:00:00.000Z');
    expect(addWorkingDays(sent, 3, WEEKENDS_ONLY, SHANGHAI).toISOString()).toBe('2026-02-18T01:00:00.000Z');
  });
});

describe('cn-mainland calendar, 2026 National Day', () => {
  it('should take 1–7 October off and work Sunday 20 September and Saturday 10 October', () => {
    expect(days('2026-09-19', '2026-09-21')).toEqual({
      '2026-09-19': false,
      '2026-09-20': true, // Sunday, make-up working day
      '2026-09-21': true,
    });
    expect(days('2026-09-24', '2026-10-11')).toEqual({
      '2026-09-24': true,
      '2026-09-25': false, // Friday, Mid-Autumn Festival
      '2026-09-26': false,
      '2026-09-27': false,
      '2026-09-28': true,
      '2026-09-29': true,
      '2026-09-30': true,
      '2026-10-01': false, // Thursday, National Day
      '2026-10-02': false,
      '2026-10-03': false,
      '2026-10-04': false,
      '2026-10-05': false,
      '2026-10-06': false,
      '2026-10-07': false, // Wednesday, last day off
      '2026-10-08': true,
      '2026-10-09': true,
      '2026-10-10': true, // Saturday, make-up working day
      '2026-10-11': false,
    });
  });

  it('should count 18 working days in October 2026 (22 weekdays − 5 holidays + 1 make-up Saturday)', () => {
    const a = new Date('2026-09-30T18:00:00+08:00');
    const b = new Date('2026-10-31T08:00:00+08:00');

    expect(workingDaysBetween(a, b, CN, SHANGHAI)).toBe(18);
  });

  it('should remind 3 working days after Friday 18 September on Tuesday 22 September, counting the make-up Sunday', () => {
    const sent = new Date('2026-09-18T15:30:00+08:00');

    expect(addWorkingDays(sent, 3, CN, SHANGHAI).toISOString()).toBe('2026-09-22T07:30:00.000Z');
  });

  it('should step over the holiday week: 3 working days after Wednesday 30 September is Saturday 10 October', () => {
    const sent = new Date('2026-09-30T10:00:00+08:00');

    expect(addWorkingDays(sent, 1, CN, SHANGHAI).toISOString()).toBe('2026-10-08T02:00:00.000Z');
    expect(addWorkingDays(sent, 3, CN, SHANGHAI).toISOString()).toBe('2026-10-10T02:00:00.000Z');
  });

  it('should start counting from the next working day when sent on a holiday', () => {
    const sent = new Date('2026-10-03T20:00:00+08:00');

    expect(addWorkingDays(sent, 1, CN, SHANGHAI).toISOString()).toBe('2026-10-08T12:00:00.000Z');
    expect(workingDaysBetween(sent, new Date('2026-10-07T23:59:59+08:00'), CN, SHANGHAI)).toBe(0);
  });
});

describe('cn-mainland calendar, 2025', () => {
  it('should know the 2025 Spring Festival, Labour Day and National Day arrangements', () => {
    expect(days('2025-01-25', '2025-01-28')).toEqual({
      '2025-01-25': false,
      '2025-01-26': true, // Sunday, make-up working day
      '2025-01-27': true,
      '2025-01-28': false, // 除夕
    });
    expect(days('2025-02-04', '2025-02-08')).toMatchObject({ '2025-02-04': false, '2025-02-08': true });
    expect(days('2025-04-27', '2025-05-06')).toMatchObject({
      '2025-04-27': true,
      '2025-05-01': false,
      '2025-05-05': false,
      '2025-05-06': true,
    });
    expect(days('2025-09-28', '2025-10-11')).toMatchObject({
      '2025-09-28': true,
      '2025-10-08': false,
      '2025-10-09': true,
      '2025-10-11': true,
    });
  });
});

describe('time zones', () => {
  it('should judge the day in the campaign time zone: Friday 17:00 UTC is Saturday 01:00 in Shanghai', () => {
    const instant = new Date('2026-03-06T17:00:00Z');

    expect(localDateOf(instant, 'UTC')).toBe('2026-03-06');
    expect(localDateOf(instant, SHANGHAI)).toBe('2026-03-07');
    expect(isWorkingDay(instant, CN, 'UTC')).toBe(true);
    expect(isWorkingDay(instant, CN, SHANGHAI)).toBe(false);
  });

  it('should count from the local date: one working day after it is Monday 01:00 Shanghai, Monday 17:00 UTC', () => {
    const instant = new Date('2026-03-06T17:00:00Z');

    expect(addWorkingDays(instant, 1, CN, SHANGHAI).toISOString()).toBe('2026-03-08T17:00:00.000Z');
    expect(addWorkingDays(instant, 1, CN, 'UTC').toISOString()).toBe('2026-03-09T17:00:00.000Z');
  });

  it('should treat Friday evening UTC before the Spring Festival as the make-up Saturday in Shanghai', () => {
    const instant = new Date('2026-02-13T20:00:00Z');

    expect(localDateOf(instant, SHANGHAI)).toBe('2026-02-14');
    expect(isWorkingDay(instant, CN, SHANGHAI)).toBe(true);
    expect(isWorkingDay(new Date('2026-09-30T16:30:00Z'), CN, SHANGHAI)).toBe(false); // 1 October, 00:30
    expect(isWorkingDay(new Date('2026-09-30T16:30:00Z'), CN, 'UTC')).toBe(true);
  });

  it('should keep the local time of day across a daylight-saving change', () => {
    const friday = new Date('2026-03-06T09:00:00-05:00'); // New York, EST

    // Clocks go forward on Sunday 8 March; Monday 09:00 is EDT (UTC−4).
    expect(addWorkingDays(friday, 1, WEEKENDS_ONLY, 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('should move a wall time skipped by a clock change forward by the gap, and take the earlier of a repeated one', () => {
    const skipped = { year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0, millisecond: 0 };
    const repeated = { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0, millisecond: 0 };

    expect(fromLocal(skipped, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(fromLocal(repeated, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
  });

  it('should refuse an unknown time zone and an invalid date', () => {
    expect(() => isWorkingDay(new Date(), CN, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(Number.NaN), 1, CN, SHANGHAI)).toThrow(/not a valid date/);
  });
});

describe('addWorkingDays arguments', () => {
  it('should return the same instant for n = 0, even on a day off', () => {
    const holiday = new Date('2026-10-02T10:00:00+08:00');

    expect(addWorkingDays(holiday, 0, CN, SHANGHAI).getTime()).toBe(holiday.getTime());
  });

  it.each([-1, 1.5, Number.NaN, 10_001])('should refuse n = %s', (n) => {
    expect(() => addWorkingDays(new Date('2026-01-05T00:00:00Z'), n, CN, SHANGHAI)).toThrow(RangeError);
  });
});

describe('loadCalendars', () => {
  it('should accept the shipped calendar with 2025 and 2026 and a source for each year', () => {
    expect(CN.id).toBe('cn-mainland');
    expect(Object.keys(CN.years)).toEqual(['2025', '2026']);
    expect(CN.source).not.toBe('');
    expect(Object.values(CN.years).every((y) => y.source.includes('国务院办公厅'))).toBe(true);
  });

  it('should name the file, the field and what is wrong', () => {
    const bad = clone(cnMainlandFile);
    bad.years['2026'].makeUpWorkingDays.push('2026-02-13'); // a Friday
    bad.years['2026'].holidays.push('2026-02-30', '2025-12-31', '2026-02-16');
    bad.years['2026'].makeUpWorkingDays.push('2026-02-21'); // a Saturday, but a holiday

    expect(problemsOf({ [FILE]: bad })).toEqual([
      `${FILE}: years.2026.holidays.33: must be a real date written YYYY-MM-DD`,
      `${FILE}: years.2026.holidays.34: 2025-12-31 is not in 2026`,
      `${FILE}: years.2026.holidays.35: 2026-02-16 is listed twice`,
      `${FILE}: years.2026.makeUpWorkingDays.6: 2026-02-13 is a weekday; make-up working days are weekend days`,
      `${FILE}: years.2026.makeUpWorkingDays.7: 2026-02-21 cannot be both a holiday and a working day`,
    ]);
  });

  it('should refuse a calendar without a source, a bad year key and a calendar defined twice', () => {
    const { source: _, ...unsourced } = clone(cnMainlandFile);
    const badYear = {
      ...clone(cnMainlandFile),
      id: 'other',
      years: { '26': { source: 'x', holidays: [], makeUpWorkingDays: [] } },
    };

    expect(problemsOf({ 'a.json': unsourced })).toEqual([expect.stringMatching(/^a\.json: source: /)]);
    expect(problemsOf({ 'b.json': badYear })).toEqual([
      expect.stringMatching(/^b\.json: years\.26: years are keyed/),
    ]);
    expect(problemsOf({ 'c.json': cnMainlandFile, 'd.json': cnMainlandFile })).toEqual([
      'calendar "cn-mainland" is defined twice',
    ]);
  });

  it('should find a calendar by id, weekends only when none is named, and refuse an unknown id', () => {
    expect(findCalendar([CN], 'cn-mainland')).toBe(CN);
    expect(findCalendar([CN], undefined)).toBe(WEEKENDS_ONLY);
    expect(() => findCalendar([CN], 'cn-hk')).toThrow('no holiday calendar "cn-hk"');
  });
});

describe('properties', () => {
  const TIME_ZONES = [
    SHANGHAI,
    'UTC',
    'America/New_York',
    'Europe/Berlin',
    'Pacific/Auckland',
    'Asia/Kolkata',
  ];
  // From mid-2024 to mid-2027, so spans cross into and out of the years the calendar knows.
  const instant = fc.date({
    min: new Date('2024-06-01T00:00:00Z'),
    max: new Date('2027-06-30T00:00:00Z'),
    noInvalidDate: true,
  });
  const timeZone = fc.constantFrom(...TIME_ZONES);
  const calendar = fc.constantFrom(CN, WEEKENDS_ONLY);
  const n = fc.integer({ min: 1, max: 60 });

  it('should land on a working day, never a holiday, for n ≥ 1', () => {
    fc.assert(
      fc.property(instant, n, calendar, timeZone, (a, k, cal, tz) => {
        const due = addWorkingDays(a, k, cal, tz);
        const day = describeDate(localDateOf(due, tz), cal);
        expect(day.working).toBe(true);
        expect(day.reason).not.toBe('holiday');
        expect(isWorkingDay(due, cal, tz)).toBe(true);
      }),
    );
  });

  it('should move strictly later as n grows', () => {
    fc.assert(
      fc.property(instant, n, n, calendar, timeZone, (a, x, y, cal, tz) => {
        fc.pre(x !== y);
        const [lo, hi] = x < y ? [x, y] : [y, x];
        expect(addWorkingDays(a, lo, cal, tz).getTime()).toBeLessThan(
          addWorkingDays(a, hi, cal, tz).getTime(),
        );
        expect(addWorkingDays(a, lo, cal, tz).getTime()).toBeGreaterThan(a.getTime());
      }),
    );
  });

  it('should count back exactly n: workingDaysBetween(a, addWorkingDays(a, n)) === n', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 60 }), calendar, timeZone, (a, k, cal, tz) => {
        const due = addWorkingDays(a, k, cal, tz);
        expect(workingDaysBetween(a, due, cal, tz)).toBe(k);
        expect(workingDaysBetween(due, a, cal, tz)).toBe(k === 0 ? 0 : -k);
      }),
    );
  });

  it('should keep the local time of day in a zone without daylight saving', () => {
    fc.assert(
      fc.property(instant, n, (a, k) => {
        const due = addWorkingDays(a, k, CN, SHANGHAI);
        expect((due.getTime() - a.getTime()) % 86_400_000).toBe(0);
      }),
    );
  });

  it('should agree with the weekends-only calendar outside the holiday periods', () => {
    fc.assert(
      fc.property(instant, (a) => {
        const date = localDateOf(a, SHANGHAI);
        const day = describeDate(date, CN);
        if (day.reason === 'weekday' || day.reason === 'weekend') {
          expect(day.working).toBe(describeDate(date, WEEKENDS_ONLY).working);
        }
      }),
    );
  });

  it('should read back the wall time it was given, whatever the zone', () => {
    fc.assert(
      fc.property(instant, timeZone, (a, tz) => {
        const local = toLocal(a, tz);
        expect(fromLocal(local, tz).getTime()).toBeLessThanOrEqual(a.getTime());
        expect(toLocal(fromLocal(local, tz), tz)).toEqual(local);
      }),
    );
  });

  it('should refuse a make-up working day on any weekday', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 364 }), (offset) => {
        const date = new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000);
        const weekday = date.getUTCDay();
        const iso = date.toISOString().slice(0, 10);
        const file = {
          ...clone(cnMainlandFile),
          years: { '2026': { source: 'test', holidays: [], makeUpWorkingDays: [iso] } },
        };
        const accepted = (() => {
          try {
            loadCalendars({ 'f.json': file });
            return true;
          } catch {
            return false;
          }
        })();
        expect(accepted).toBe(weekday === 0 || weekday === 6);
      }),
    );
  });
});
