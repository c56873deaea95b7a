/** Working-day calendars: public holidays and make-up working days, counted in a campaign's time zone. */
export {
  CalendarError,
  findCalendar,
  HolidayCalendar,
  loadCalendars,
  WEEKENDS_ONLY,
} from './holiday-calendar.ts';
export {
  addWorkingDays,
  type DayInfo,
  type DayReason,
  describeDate,
  isWorkingDay,
  localDateOf,
  MAX_WORKING_DAYS,
  uncoveredYears,
  workingDaysBetween,
} from './working-days.ts';
