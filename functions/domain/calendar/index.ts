/** Working-day calendars: public holidays and make-up working days, counted in a campaign's time zone. */
export {
  CalendarError,
  findCalendar,
  HolidayCalendar,
  loadCalendars,
  WEEKENDS_ONLY,
} from './holiday-calendar.ts';
export { STATUTORY_RULES, type StatutoryDay, type StatutoryRule, statutoryHolidays } from './statutory.ts';
export {
  addWorkingDays,
  countWorkingDays,
  type DayBasis,
  type DayInfo,
  type DayReason,
  describeDate,
  isWorkingDay,
  localDateOf,
  MAX_WORKING_DAYS,
  stepWorkingDays,
  type Unofficial,
  uncoveredYears,
  workingDaysBetween,
  yearBasis,
} from './working-days.ts';
