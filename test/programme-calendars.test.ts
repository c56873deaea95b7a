import { describe, expect, it } from 'vitest';
import { WEEKENDS_ONLY } from '../functions/domain/calendar/holiday-calendar.ts';
import { calendarsAsWritten } from '../programme/calendars.ts';
import { programme } from '../programme/index.ts';

describe('programme/calendars.ts (the report function’s calendars, read without zod)', () => {
  it('should hold exactly the validated calendars, and weekends-only as the domain defines it', () => {
    expect(calendarsAsWritten.filter((c) => c.id !== WEEKENDS_ONLY.id)).toEqual(programme.calendars);
    expect(calendarsAsWritten.find((c) => c.id === WEEKENDS_ONLY.id)).toEqual(WEEKENDS_ONLY);
  });
});
