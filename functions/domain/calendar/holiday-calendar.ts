import * as z from 'zod';
import { LocalizedText } from '../language-schemas.ts';
import { STATUTORY_RULES } from './statutory.ts';
import { parseIsoDate, weekdayOf } from './zoned-time.ts';

const IsoDate = z.string().refine((s) => parseIsoDate(s) !== undefined, {
  message: 'must be a real date written YYYY-MM-DD',
});

const CalendarYear = z.strictObject({
  /** The official notice these dates come from. */
  source: z.string().trim().min(1),
  /** Every day off of each holiday period, weekend days included. */
  holidays: z.array(IsoDate),
  /** Weekend days that are working days (调休上班). */
  makeUpWorkingDays: z.array(IsoDate),
});

/**
 * A public-holiday calendar: per year, the days off and the weekend days worked instead, from that year's
 * official notice. For a year absent from `years`, a calendar with a `statutoryRule` takes off the
 * statutory holidays the law gives (statutory.ts) and marks its answers provisional; one without falls
 * back to Monday–Friday, marked uncovered (see `DayInfo.basis`).
 */
export const HolidayCalendar = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (at most 63)'),
    name: LocalizedText,
    /** Where the dates come from, so the next person can check them. */
    source: z.string().trim().min(1),
    /** The law that gives the statutory holidays of a year no notice is listed for (provisionally). */
    statutoryRule: z
      .enum(STATUTORY_RULES, { error: `must be one of ${STATUTORY_RULES.join(', ')}` })
      .optional(),
    years: z.record(z.string(), CalendarYear),
  })
  .superRefine((calendar, ctx) => {
    for (const [year, entry] of Object.entries(calendar.years)) {
      if (!/^\d{4}$/.test(year)) {
        ctx.addIssue({
          code: 'custom',
          path: ['years', year],
          message: 'years are keyed by four digits, e.g. "2026"',
        });
      }
      for (const list of ['holidays', 'makeUpWorkingDays'] as const) {
        const seen = new Set<string>();
        entry[list].forEach((date, i) => {
          const path = ['years', year, list, i];
          if (seen.has(date)) ctx.addIssue({ code: 'custom', path, message: `${date} is listed twice` });
          seen.add(date);
          if (!date.startsWith(`${year}-`)) {
            ctx.addIssue({ code: 'custom', path, message: `${date} is not in ${year}` });
          }
        });
      }
      const holidays = new Set(entry.holidays);
      entry.makeUpWorkingDays.forEach((date, i) => {
        const path = ['years', year, 'makeUpWorkingDays', i];
        if (holidays.has(date)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${date} cannot be both a holiday and a working day`,
          });
        }
        const weekday = weekdayOf(parseIsoDate(date) ?? 0);
        // A weekday is a working day anyway, so a make-up day on one is a typo for another date.
        if (weekday !== 0 && weekday !== 6) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${date} is a weekday; make-up working days are weekend days`,
          });
        }
      });
    }
  });
export type HolidayCalendar = z.infer<typeof HolidayCalendar>;

/** Monday to Friday, no holidays: what a campaign without a holiday calendar works by. */
export const WEEKENDS_ONLY: HolidayCalendar = Object.freeze({
  id: 'weekends-only',
  name: { 'zh-CN': '仅周末休息', en: 'Weekends only' },
  source: 'Saturday and Sunday off, every other day a working day',
  years: {},
});

/** A calendar file failed validation: each problem names the file, the field and what is wrong. */
export class CalendarError extends Error {
  constructor(readonly problems: string[]) {
    super(`the holiday calendars are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CalendarError';
  }
}

/** Validates calendar files (keyed by file name); throws one CalendarError listing every problem. */
export function loadCalendars(files: Record<string, unknown>): HolidayCalendar[] {
  const problems: string[] = [];
  const calendars: HolidayCalendar[] = [];
  for (const [file, data] of Object.entries(files)) {
    const result = HolidayCalendar.safeParse(data);
    if (result.success) {
      calendars.push(result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      problems.push(`${file}: ${issue.path.map(String).join('.') || '(whole file)'}: ${issue.message}`);
    }
  }
  const ids = calendars.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) problems.push(`calendar "${dup}" is defined twice`);
  if (problems.length > 0) throw new CalendarError(problems);
  return calendars;
}

/** The calendar a campaign names; no name means weekends only. */
export function findCalendar(calendars: readonly HolidayCalendar[], id: string | undefined): HolidayCalendar {
  if (id === undefined || id === WEEKENDS_ONLY.id) return WEEKENDS_ONLY;
  const calendar = calendars.find((c) => c.id === id);
  if (!calendar) throw new RangeError(`no holiday calendar "${id}"`);
  return calendar;
}
