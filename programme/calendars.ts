/*
 * The programme's holiday calendars as the report function reads them: the files as they are, not through
 * loadProgramme, so that its bundle holds no zod schema (as campaigns.ts). `cdk synth` and `npm start`
 * load programme/index.ts, which validates these very files, before they bundle or run them; the
 * calendar schema neither trims nor defaults anything.
 */
import type { HolidayCalendar } from '../functions/domain/calendar/holiday-calendar.ts';
import { calendarFiles } from './files.ts';

/** Monday to Friday, no holidays (holiday-calendar.ts WEEKENDS_ONLY, which a campaign may name). */
const weekendsOnly: HolidayCalendar = {
  id: 'weekends-only',
  name: { 'zh-CN': '仅周末休息', en: 'Weekends only' },
  source: 'Saturday and Sunday off, every other day a working day',
  years: {},
};

export const calendarsAsWritten: readonly HolidayCalendar[] = [
  ...(Object.values(calendarFiles) as HolidayCalendar[]),
  weekendsOnly,
];
