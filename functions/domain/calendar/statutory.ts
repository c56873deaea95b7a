/*
 * Mainland China's statutory holidays as the law sets them (全国年节及纪念日放假办法, as amended in 2024,
 * in force from 2025), for a year the State Council's yearly notice has not been added for. The notice
 * adds bridge days and make-up working days (调休) nobody can guess, so these are only the days the law
 * itself gives: 元旦 Jan 1; 春节 除夕 (the last day of the 12th lunar month) to 正月初三; 清明 (the day the
 * sun reaches 15°); 劳动节 May 1–2; 端午 (5th month, 5th day); 中秋 (8th month, 15th day); 国庆 Oct 1–3;
 * and, by its Art. 6, a weekday off (补假) for each of those days that falls on a Saturday or Sunday.
 * Chinese-calendar dates are counted in China Standard Time (UTC+8), as the law's calendar is.
 */
import { nearestNewMoon, solarLongitudeInstant } from './astronomy.ts';
import { epochDay, isoDateOf, weekdayOf } from './zoned-time.ts';

/** The statutory rules csat knows; a calendar opts in with `statutoryRule`. */
export const STATUTORY_RULES = ['cn-mainland'] as const;
export type StatutoryRule = (typeof STATUTORY_RULES)[number];

const DAY_MS = 86_400_000;
const CST_MS = 8 * 3_600_000;

/** The days since 1970-01-01 of an instant's date in China Standard Time. */
const cstDay = (t: number): number => Math.floor((t + CST_MS) / DAY_MS);

const chinese = new Intl.DateTimeFormat('en-u-ca-chinese', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** ICU's Chinese date of a civil day: `month` is "1"–"12", a leap month "6bis". */
function icuChineseDate(days: number): { year: number; month: string; day: number } {
  const parts = new Map<string, string>(chinese.formatToParts(days * DAY_MS).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.get('relatedYear') ?? parts.get('year')),
    month: parts.get('month') ?? '',
    day: Number(parts.get('day')),
  };
}

/**
 * The civil day (days since 1970-01-01) on which the (non-leap) lunar `month` of the Chinese year that
 * starts in Gregorian `year` begins. ICU numbers the months (leap months included); its own new moons
 * are a low-precision estimate that lands on the wrong day when a new moon falls near midnight (it puts
 * 2027's Spring Festival on 7 Feb and 2030's on 2 Feb), so the day is the CST date of the true new moon
 * nearest to ICU's.
 */
export function lunarMonthStart(year: number, month: number): number {
  // Month m starts between about 21 Jan + (m − 1) lunations and a leap month later; scan from before.
  const from = epochDay(year, 1, 1) + Math.floor((month - 1) * 29.5);
  for (let d = from; d < from + 100; d += 1) {
    const c = icuChineseDate(d);
    if (c.year === year && c.month === String(month) && c.day === 1) {
      return cstDay(nearestNewMoon(d * DAY_MS + DAY_MS / 2 - CST_MS));
    }
  }
  throw new RangeError(`no lunar month ${month} found in ${year}`);
}

/** The CST date of 清明: the day the sun's apparent longitude reaches 15°. */
export function qingming(year: number): number {
  return cstDay(solarLongitudeInstant(15, Date.UTC(year, 2, 1)));
}

/** A statutory holiday: its date (YYYY-MM-DD) and the holiday it belongs to. */
export interface StatutoryDay {
  date: string;
  holiday:
    | 'new-year'
    | 'spring-festival'
    | 'qingming'
    | 'labour-day'
    | 'dragon-boat'
    | 'mid-autumn'
    | 'national-day'
    /** 补假: a weekday off in lieu of a holiday day that fell on a Saturday or Sunday (Art. 6). */
    | 'in-lieu';
}

const cache = new Map<number, StatutoryDay[]>();

/** The statutory holidays of a year under a rule, in date order. */
export function statutoryHolidays(rule: StatutoryRule, year: number): StatutoryDay[] {
  if (rule !== 'cn-mainland') throw new RangeError(`no statutory rule "${String(rule)}"`);
  if (!Number.isInteger(year) || year < 1900 || year > 2100) {
    throw new RangeError(`statutory holidays are computed for 1900–2100, not ${year}`);
  }
  let days = cache.get(year);
  if (!days) {
    const springFestival = lunarMonthStart(year, 1);
    const list: Array<[number, StatutoryDay['holiday']]> = [
      [epochDay(year, 1, 1), 'new-year'],
      ...[-1, 0, 1, 2].map((i): [number, StatutoryDay['holiday']] => [springFestival + i, 'spring-festival']),
      [qingming(year), 'qingming'],
      [epochDay(year, 5, 1), 'labour-day'],
      [epochDay(year, 5, 2), 'labour-day'],
      [lunarMonthStart(year, 5) + 4, 'dragon-boat'],
      [lunarMonthStart(year, 8) + 14, 'mid-autumn'],
      ...[1, 2, 3].map((d): [number, StatutoryDay['holiday']] => [epochDay(year, 10, d), 'national-day']),
    ];
    // One entry per day: when two holidays meet (中秋 on a day of 国庆), the law gives no second day.
    const byDay = new Map<number, StatutoryDay['holiday']>();
    for (const [d, holiday] of list.sort((a, b) => a[0] - b[0])) if (!byDay.has(d)) byDay.set(d, holiday);
    // Art. 6: a holiday day on a Saturday or Sunday is made up on the next weekday that is not already
    // off (2027: 2–3 Oct fall on a weekend, so 4–5 Oct are off). Make-up working days cannot be guessed.
    for (const d of [...byDay.keys()]) {
      const weekday = weekdayOf(d);
      if (weekday !== 0 && weekday !== 6) continue;
      let next = d + 1;
      while (weekdayOf(next) === 0 || weekdayOf(next) === 6 || byDay.has(next)) next += 1;
      byDay.set(next, 'in-lieu');
    }
    days = [...byDay].sort((a, b) => a[0] - b[0]).map(([d, holiday]) => ({ date: isoDateOf(d), holiday }));
    cache.set(year, days);
  }
  return days;
}
