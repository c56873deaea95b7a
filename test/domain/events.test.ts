import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/calendar/index.ts';
import {
  addMonths,
  dispatchGapProblem,
  dueSteps,
  type EventTrigger,
  eventInvitationId,
  longestDailyGap,
} from '../../functions/domain/events.ts';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { invitationId } from '../../functions/domain/token.ts';
import afterDelivery from '../../programme/campaigns/after-delivery.json' with { type: 'json' };
import { calendarFiles } from '../../programme/files.ts';
import itssV1 from '../../programme/questionnaires/itss-satisfaction.v1.json' with { type: 'json' };

/** Seed 001: 1 month, 3 months and 12 months (the end of the warranty) after a delivery. */
const SEED_001: EventTrigger = {
  after: 'deliveryDates',
  steps: [
    { id: '1-month', months: 1 },
    { id: '3-months', months: 3 },
    { id: '12-months', months: 12 },
  ],
  catchUpDays: 7,
};

const DAY_MS = 86_400_000;
const plusDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

describe('addMonths', () => {
  it('should keep the day of the month when the target month has it', () => {
    expect(addMonths('2026-03-01', 1)).toBe('2026-04-01');
    expect(addMonths('2026-03-15', 3)).toBe('2026-06-15');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2025-12-10', 1)).toBe('2026-01-10');
    expect(addMonths('2025-12-10', 12)).toBe('2026-12-10');
    expect(addMonths('2025-12-10', 25)).toBe('2028-01-10');
  });

  it('should clamp to the last day of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-05-31', 3)).toBe('2026-08-31');
    expect(addMonths('2026-08-31', 1)).toBe('2026-09-30');
  });

  it('should give 29 February in a leap year and 28 February otherwise', () => {
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2028-02-29', 48)).toBe('2032-02-29');
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29');
    expect(addMonths('2100-01-31', 1)).toBe('2100-02-28');
  });

  it('should refuse a date that does not exist', () => {
    expect(() => addMonths('2026-02-30', 1)).toThrow(/not a date/);
    expect(() => addMonths('1 March 2026', 1)).toThrow(/not a date/);
  });

  it('should land in the month n months on, never past its end, and on the same day when it can', () => {
    const date = fc
      .date({
        min: new Date('1990-01-01T00:00:00Z'),
        max: new Date('2090-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 120 }), (from, n) => {
        const to = addMonths(from, n);
        const [y, m, d] = from.split('-').map(Number) as [number, number, number];
        const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
        expect(ty * 12 + tm - (y * 12 + m)).toBe(n);
        const lastDay = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
        expect(td).toBe(Math.min(d, lastDay));
      }),
    );
  });
});

describe('dueSteps', () => {
  it('should give each step on its due day, by hand from seed 001', () => {
    const deliveries = ['2026-03-01'];
    expect(dueSteps(SEED_001, deliveries, '2026-04-01')).toEqual([
      { date: '2026-03-01', step: '1-month', months: 1, due: '2026-04-01' },
    ]);
    expect(dueSteps(SEED_001, deliveries, '2026-06-01')).toEqual([
      { date: '2026-03-01', step: '3-months', months: 3, due: '2026-06-01' },
    ]);
    expect(dueSteps(SEED_001, deliveries, '2027-03-01')).toEqual([
      { date: '2026-03-01', step: '12-months', months: 12, due: '2027-03-01' },
    ]);
    expect(dueSteps(SEED_001, deliveries, '2026-03-31')).toEqual([]);
    expect(dueSteps(SEED_001, deliveries, '2026-03-01')).toEqual([]);
  });

  it('should catch a step up for catchUpDays after its day, and never after', () => {
    const deliveries = ['2026-03-01'];
    for (let late = 0; late <= 7; late++) {
      expect(dueSteps(SEED_001, deliveries, plusDays('2026-04-01', late)).map((s) => s.step)).toEqual([
        '1-month',
      ]);
    }
    expect(dueSteps(SEED_001, deliveries, '2026-04-09')).toEqual([]);
    expect(dueSteps({ ...SEED_001, catchUpDays: 0 }, deliveries, '2026-04-02')).toEqual([]);
  });

  it('should count the clamped month end, so 31 January is due on 28 February (29 in 2028)', () => {
    expect(dueSteps(SEED_001, ['2026-01-31'], '2026-02-28').map((s) => s.due)).toEqual(['2026-02-28']);
    expect(dueSteps(SEED_001, ['2026-01-31'], '2026-02-27')).toEqual([]);
    expect(dueSteps(SEED_001, ['2028-01-31'], '2028-02-28')).toEqual([]);
    expect(dueSteps(SEED_001, ['2028-01-31'], '2028-02-29').map((s) => s.due)).toEqual(['2028-02-29']);
    // 29 Feb 2028's 12-month step falls on 28 Feb 2029, and 30 Nov 2027's 3-month step on 29 Feb 2028.
    expect(dueSteps(SEED_001, ['2028-02-29'], '2029-02-28').map((s) => s.step)).toEqual(['12-months']);
    expect(dueSteps(SEED_001, ['2027-11-30'], '2028-02-29').map((s) => s.step)).toEqual(['3-months']);
  });

  it('should list every step of every delivery due in the window, oldest due first, once per date', () => {
    // 2026-01-10 + 3 months = 2026-04-10 (2 days late on 04-12); 2026-03-12 + 1 month = 2026-04-12;
    // 2025-04-08 + 12 months = 2026-04-08 (4 days late); 2025-04-01 + 12 months = 2026-04-01 (11 days: gone).
    const deliveries = ['2026-03-12', '2026-01-10', '2025-04-08', '2025-04-01', '2026-03-12'];
    expect(dueSteps(SEED_001, deliveries, '2026-04-12')).toEqual([
      { date: '2025-04-08', step: '12-months', months: 12, due: '2026-04-08' },
      { date: '2026-01-10', step: '3-months', months: 3, due: '2026-04-10' },
      { date: '2026-03-12', step: '1-month', months: 1, due: '2026-04-12' },
    ]);
  });

  it('should count the day in the campaign time zone: 00:30 in Shanghai is already the next day', () => {
    // 2026-03-31T16:30Z is 2026-04-01 00:30 in Shanghai (UTC+8), still 31 March in UTC and New York.
    const tick = new Date('2026-03-31T16:30:00Z');
    expect(dueSteps(SEED_001, ['2026-03-01'], localDateOf(tick, 'Asia/Shanghai'))).toHaveLength(1);
    expect(dueSteps(SEED_001, ['2026-03-01'], localDateOf(tick, 'UTC'))).toEqual([]);
    expect(dueSteps(SEED_001, ['2026-03-01'], localDateOf(tick, 'America/New_York'))).toEqual([]);
    // One minute before midnight in Shanghai it is still 31 March there.
    expect(localDateOf(new Date('2026-03-31T15:59:00Z'), 'Asia/Shanghai')).toBe('2026-03-31');
  });

  /** Run days span four years from 2024-01-01: deliveries over three years, steps up to 24 months on. */
  const HORIZON = 4 * 365;

  it('should give any step at most once over any set of run days, and each due step once over every day', () => {
    const date = fc.integer({ min: 0, max: 3 * 365 }).map((n) => plusDays('2024-01-01', n));
    const trigger = fc.record({
      after: fc.constant('deliveryDates' as const),
      steps: fc
        .uniqueArray(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 4 })
        .map((ms) => ms.map((months) => ({ id: `m${months}`, months }))),
      catchUpDays: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(
        trigger,
        fc.array(date, { maxLength: 6 }),
        fc.uniqueArray(fc.integer({ min: 0, max: HORIZON }), { maxLength: 120 }),
        (t, deliveries, runs) => {
          // The runs are the days on which dispatch ran; the store remembers what a run already sent.
          const sent = new Map<string, string>();
          for (const offset of [...runs].sort((a, b) => a - b)) {
            const today = plusDays('2024-01-01', offset);
            for (const s of dueSteps(t, deliveries, today)) {
              const key = `${s.date}/${s.step}`;
              if (sent.has(key)) continue;
              expect(s.due <= today && plusDays(s.due, t.catchUpDays) >= today).toBe(true);
              sent.set(key, today);
            }
          }
          // Every day run: each (delivery, step) inside the horizon goes out on its own due day.
          const everyDay = new Map<string, string>();
          for (let offset = 0; offset <= HORIZON; offset += 1) {
            const today = plusDays('2024-01-01', offset);
            for (const s of dueSteps(t, deliveries, today)) {
              if (!everyDay.has(`${s.date}/${s.step}`)) everyDay.set(`${s.date}/${s.step}`, today);
            }
          }
          for (const d of new Set(deliveries)) {
            for (const step of t.steps) {
              const due = addMonths(d, step.months);
              if (due <= plusDays('2024-01-01', HORIZON)) expect(everyDay.get(`${d}/${step.id}`)).toBe(due);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('eventInvitationId', () => {
  it('should name one invitation per campaign, customer, delivery and step, apart from periodic ones', () => {
    const step = { date: '2026-03-01', step: '1-month', months: 1, due: '2026-04-01' };
    const id = eventInvitationId('after-delivery', 'c001', step);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(eventInvitationId('after-delivery', 'c001', { ...step, due: '2026-04-03' })).toBe(id);
    expect(
      new Set([
        id,
        eventInvitationId('after-delivery', 'c002', step),
        eventInvitationId('other', 'c001', step),
        eventInvitationId('after-delivery', 'c001', { ...step, step: '3-months' }),
        eventInvitationId('after-delivery', 'c001', { ...step, date: '2026-03-02' }),
        invitationId('after-delivery-20260401T0200', 'c001'),
      ]).size,
    ).toBe(6);
  });
});

describe('dispatch schedule of an event-triggered campaign', () => {
  it('should measure the days a schedule leaves out', () => {
    expect(longestDailyGap('0 10 * * *')).toBe(0);
    expect(longestDailyGap('0 10 * * ?')).toBe(0);
    expect(longestDailyGap('0 10 * * MON-FRI')).toBe(2);
    expect(longestDailyGap('0 10 * * MON,WED,FRI')).toBe(2);
    expect(longestDailyGap('0 10 * * SAT-MON')).toBe(4);
    expect(longestDailyGap('0 10 * * SUN')).toBe(6);
    expect(longestDailyGap('0 10 1 * *')).toBeUndefined();
    expect(longestDailyGap('0 10 * 1,4 *')).toBeUndefined();
  });

  it('should accept runs no further apart than the catch-up covers and explain the others', () => {
    expect(dispatchGapProblem('0 10 * * MON-FRI', SEED_001)).toBeUndefined();
    expect(dispatchGapProblem('0 10 * * MON-FRI', { ...SEED_001, catchUpDays: 1 })).toBe(
      'runs are up to 3 days apart, so steps due in between would be missed: dispatch more often or set trigger.catchUpDays to at least 2',
    );
    expect(dispatchGapProblem('0 9 1 1,4,7,10 *', SEED_001)).toMatch(/must dispatch every day/);
  });
});

describe('trigger in a campaign file', () => {
  const load = (campaign: unknown) =>
    loadProgramme({
      questionnaires: { 'programme/questionnaires/q.json': itssV1 },
      campaigns: { 'programme/campaigns/c.json': campaign },
      calendars: calendarFiles,
    });
  const problemsOf = (campaign: unknown): string[] => {
    try {
      load(campaign);
    } catch (e) {
      if (e instanceof ProgrammeError) return e.problems;
      throw e;
    }
    throw new Error('the campaign was accepted');
  };
  const withTrigger = (trigger: unknown) => ({ ...structuredClone(afterDelivery), trigger });

  it('should read the example after-delivery campaign (seed 001) and default catchUpDays to 7', () => {
    expect(load(afterDelivery).campaigns[0]!.trigger).toEqual(SEED_001);
    const { catchUpDays: _, ...noCatchUp } = afterDelivery.trigger;
    expect(load(withTrigger(noCatchUp)).campaigns[0]!.trigger?.catchUpDays).toBe(7);
  });

  it('should name the file, the field and what is wrong', () => {
    const F = 'programme/campaigns/c.json';
    expect(problemsOf(withTrigger({ ...afterDelivery.trigger, after: 'registeredAt' }))).toEqual([
      `${F}: trigger.after: must be "deliveryDates": the customer field the steps count from`,
    ]);
    expect(problemsOf(withTrigger({ ...afterDelivery.trigger, steps: [] }))).toEqual([
      `${F}: trigger.steps: name at least one step`,
    ]);
    expect(
      problemsOf(
        withTrigger({
          ...afterDelivery.trigger,
          steps: [
            { id: '1-month', months: 1 },
            { id: '1-month', months: 2 },
            { id: 'again', months: 1 },
            { id: 'Half Year', months: 6.5 },
            { id: 'never', months: 0 },
          ],
        }),
      ),
    ).toEqual([
      `${F}: trigger.steps[3].id: use lowercase letters, digits and dashes (at most 31)`,
      `${F}: trigger.steps[3].months: must be a whole number of months`,
      `${F}: trigger.steps[4].months: must be at least 1 month after the date`,
    ]);
    expect(
      problemsOf(
        withTrigger({
          ...afterDelivery.trigger,
          steps: [
            { id: '1-month', months: 1 },
            { id: '1-month', months: 2 },
            { id: 'again', months: 1 },
          ],
        }),
      ),
    ).toEqual([
      `${F}: trigger.steps[1].id: step "1-month" is named twice`,
      `${F}: trigger.steps[2].months: 1 months is already step "1-month": one survey per delivery and date`,
    ]);
    expect(problemsOf(withTrigger({ ...afterDelivery.trigger, catchUpDays: 40 }))).toEqual([
      `${F}: trigger.catchUpDays: must be at most 31 days`,
    ]);
    expect(problemsOf(withTrigger({ ...afterDelivery.trigger, every: 'day' }))).toEqual([
      expect.stringMatching(/^programme\/campaigns\/c\.json: trigger: .*"every"/),
    ]);
    expect(
      problemsOf({ ...afterDelivery, dispatch: { cron: '0 10 1 * *', timeZone: 'Asia/Shanghai' } }),
    ).toEqual([
      expect.stringMatching(
        /^programme\/campaigns\/c\.json: dispatch\.cron: an event-triggered campaign must dispatch every day/,
      ),
    ]);
  });

  it('should reject any malformed trigger without throwing anything but a ProgrammeError', () => {
    fc.assert(
      fc.property(fc.anything(), (trigger) => {
        try {
          load(withTrigger(trigger));
        } catch (e) {
          expect(e).toBeInstanceOf(ProgrammeError);
        }
      }),
    );
  });
});
