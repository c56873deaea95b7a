import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkingDay, workingDaysBetween } from '../../functions/domain/calendar/index.ts';
import { type Invitation, reminderStep, type Wave } from '../../functions/domain/model.ts';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { nextReminder, remindersSent } from '../../functions/domain/reminders.ts';
import demoFile from '../../programme/campaigns/demo.json' with { type: 'json' };
import { programme } from '../../programme/index.ts';
import itssFile from '../../programme/questionnaires/itss-satisfaction.v1.json' with { type: 'json' };
import { demoCampaign } from '../support/programme.ts';

const CN = programme.calendars.find((c) => c.id === 'cn-mainland')!;
const TZ = 'Asia/Shanghai';
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);
const wave: Pick<Wave, 'campaign' | 'deadline'> = {
  campaign: demoCampaign,
  deadline: at('2026-12-31').toISOString(),
};
const invitation = (sent: Invitation['sent'], extra: Partial<Invitation> = {}): Invitation => ({
  id: 'inv',
  campaignId: 'demo',
  waveId: 'demo-w',
  customer: { id: 'c', name: 'n', email: 'c@example.test', language: 'zh-CN', department: 'd' },
  createdAt: at('2026-01-01').toISOString(),
  expiresAt: wave.deadline,
  sent,
  ...extra,
});

describe('nextReminder', () => {
  it('should make the first reminder due on the third working day after the invitation, the make-up Saturday 14 Feb 2026', () => {
    const inv = invitation({ invite: at('2026-02-11', '09:00').toISOString() });
    expect(nextReminder(inv, wave, CN, at('2026-02-13')).due).toBe(false);
    expect(nextReminder(inv, wave, CN, at('2026-02-14'))).toEqual({
      due: true,
      step: 'remind-1',
      previousAt: inv.sent.invite,
    });
    // Overdue through the Spring Festival, but never on a day off.
    for (const date of ['2026-02-15', '2026-02-18', '2026-02-23']) {
      expect(nextReminder(inv, wave, CN, at(date))).toEqual({ due: false, reason: 'day-off' });
    }
  });

  it('should say which days of a year without a notice a decision rested on, provisional or uncovered', () => {
    // Invited Tue 29 Dec 2026; the law takes Fri 1 Jan 2027 off, so the 3rd working day is Mon 4 Jan.
    const open = { ...wave, deadline: at('2027-01-31').toISOString() };
    const inv = invitation({ invite: at('2026-12-29', '09:00').toISOString() }, { expiresAt: open.deadline });
    const { statutoryRule: _, ...bare } = CN;
    const noRule = { ...bare, id: 'no-rule' };

    expect(nextReminder(inv, open, CN, at('2026-12-31'))).toEqual({ due: false, reason: 'not-yet' });
    expect(nextReminder(inv, open, CN, at('2027-01-01'))).toEqual({
      due: false,
      reason: 'day-off',
      unofficial: [{ date: '2027-01-01', working: false, reason: 'holiday', basis: 'provisional' }],
    });
    expect(nextReminder(inv, open, CN, at('2027-01-04'))).toMatchObject({ due: true, step: 'remind-1' });
    expect(nextReminder(inv, open, CN, at('2027-01-04')).unofficial?.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
    ]);
    // Without the statutory rule, New Year's Day counts as a weekday, and the decision says so.
    expect(nextReminder(inv, open, noRule, at('2027-01-01'))).toMatchObject({
      due: true,
      unofficial: [{ date: '2027-01-01', working: true, basis: 'uncovered' }],
    });
  });

  it('should count only reminders sent in order, and stop at max', () => {
    const sent = {
      invite: at('2026-02-11').toISOString(),
      'remind-1': at('2026-02-14').toISOString(),
      'remind-2': at('2026-02-26').toISOString(),
    };
    expect(remindersSent(invitation(sent))).toBe(2);
    expect(nextReminder(invitation(sent), wave, CN, at('2026-03-10'))).toEqual({
      due: false,
      reason: 'all-sent',
    });
  });

  it('should hold every rule for any invitation and any time', () => {
    const day = 86_400_000;
    const base = Date.parse('2026-01-01T00:00:00+08:00');
    const instant = fc.integer({ min: 0, max: 364 * day }).map((ms) => new Date(base + ms));
    fc.assert(
      fc.property(
        instant,
        fc.array(fc.integer({ min: 0, max: 20 * day }), { maxLength: 3 }),
        instant,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 5 }),
        (invitedAt, gaps, now, after, max) => {
          const w = {
            ...wave,
            campaign: {
              ...demoCampaign,
              reminders: { afterWorkingDays: after, max, calendar: 'cn-mainland' },
            },
          };
          const sent: Invitation['sent'] = { invite: invitedAt.toISOString() };
          let t = invitedAt.getTime();
          gaps.forEach((gap, i) => {
            t += gap;
            sent[reminderStep(i + 1)] = new Date(t).toISOString();
          });
          const decision = nextReminder(invitation(sent), w, CN, now);
          if (!decision.due) return;
          // Due: a working day, before the deadline, within max, the next step, N working days on.
          expect(isWorkingDay(now, CN, TZ)).toBe(true);
          expect(now.getTime()).toBeLessThan(Date.parse(w.deadline));
          expect(gaps.length).toBeLessThan(max);
          expect(decision.step).toBe(reminderStep(gaps.length + 1));
          expect(workingDaysBetween(new Date(decision.previousAt), now, CN, TZ)).toBeGreaterThanOrEqual(
            after,
          );
        },
      ),
    );
  });

  it('should never remind a responder, an unsubscribed customer, an uninvited one or after the deadline', () => {
    const sent = { invite: at('2026-02-11').toISOString() };
    const now = at('2026-02-14');
    const response = {
      answeredAt: at('2026-02-12').toISOString(),
      ratings: {},
      comments: {},
      total: 80,
      grade: 'C' as const,
      language: 'zh-CN' as const,
      questionnaireVersion: 1,
    };
    expect(nextReminder(invitation(sent, { response }), wave, CN, now)).toMatchObject({ reason: 'answered' });
    expect(nextReminder(invitation(sent, { unsubscribedAt: 'x' }), wave, CN, now)).toMatchObject({
      reason: 'unsubscribed',
    });
    expect(nextReminder(invitation({}), wave, CN, now)).toMatchObject({ reason: 'not-invited' });
    expect(
      nextReminder(invitation(sent, { expiresAt: at('2026-02-14', '09:00').toISOString() }), wave, CN, now),
    ).toMatchObject({ reason: 'closed' });
  });
});

describe('campaign reminders in the programme', () => {
  const load = (reminders: unknown) =>
    loadProgramme({
      questionnaires: { 'q.json': itssFile },
      campaigns: { 'programme/campaigns/demo.json': { ...demoFile, reminders } },
      calendars: {},
    });

  it('should fill in the defaults: 3 working days, 2 reminders, the cn-mainland calendar', () => {
    expect(programme.campaigns[0]!.reminders).toEqual({
      afterWorkingDays: 3,
      max: 2,
      calendar: 'cn-mainland',
    });
    const withCalendar = loadProgramme({
      questionnaires: { 'q.json': itssFile },
      campaigns: { 'c.json': { ...demoFile, reminders: {} } },
      calendars: { 'cal.json': { ...CN } },
    });
    expect(withCalendar.campaigns[0]!.reminders).toEqual({
      afterWorkingDays: 3,
      max: 2,
      calendar: 'cn-mainland',
    });
  });

  it('should name the file, the field and the problem for bad reminder settings', () => {
    const problems = (reminders: unknown): string[] => {
      try {
        load(reminders);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ProgrammeError);
        return (e as ProgrammeError).problems;
      }
    };
    expect(problems({ afterWorkingDays: 0, calendar: 'weekends-only' })).toEqual([
      'programme/campaigns/demo.json: reminders.afterWorkingDays: must be at least 1 working day',
    ]);
    expect(problems({ max: 6, calendar: 'weekends-only' })).toEqual([
      'programme/campaigns/demo.json: reminders.max: must be at most 5',
    ]);
    expect(problems({ max: 1.5, calendar: 'weekends-only' })).toEqual([
      'programme/campaigns/demo.json: reminders.max: must be a whole number from 0 to 5',
    ]);
    expect(problems({ calendar: 'cn-mainland' })).toEqual([
      'programme/campaigns/demo.json: reminders.calendar: no calendar has the id "cn-mainland" (known: weekends-only)',
    ]);
    expect(problems({ calendar: 'weekends-only', every: 3 })[0]).toMatch(
      /^programme\/campaigns\/demo.json: reminders: Unrecognized key/,
    );
    expect(problems({ calendar: 'weekends-only' })).toEqual([]);
  });
});
