import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionsConfig } from '../../functions/domain/actions/config.ts';
import type { ActionChange } from '../../functions/domain/actions/lifecycle.ts';
import { resolve, verificationSent } from '../../functions/domain/actions/lifecycle.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { newAction } from '../../functions/domain/actions/open.ts';
import {
  ACTIONS_SWEEP_CRON,
  actionsSweepSchedule,
  dueStep,
  missingAlertJobs,
} from '../../functions/domain/actions/sweep.ts';
import { findCalendar, isWorkingDay, localDateOf } from '../../functions/domain/calendar/index.ts';
import { programme } from '../../programme/index.ts';
import { demoCampaign } from '../support/programme.ts';

/*
 * The sweep's pure decisions on the cn-mainland calendar of 2026: National Day 1–7 October and the
 * Mid-Autumn days 25–27 September are off, Sunday 20 September and Saturday 10 October are make-up
 * working days.
 */
const calendar = findCalendar(programme.calendars, 'cn-mainland');
const config: ActionsConfig = demoCampaign.actions!;
const at = (date: string, time = '09:00') => new Date(`${date}T${time}:00+08:00`);

function action(overrides: Partial<CorrectiveAction> = {}, openedAt = at('2026-09-01')): CorrectiveAction {
  return {
    ...newAction({
      id: 'action-1',
      campaign: { ...demoCampaign, actions: config },
      calendar,
      source: { kind: 'response', waveId: 'demo-w', invitationId: 'inv-1' },
      department: 'north-region',
      reasons: [{ kind: 'total-below', total: 40, threshold: 70 }],
      at: openedAt,
      customer: { id: 'c1', name: '客户', email: 'c1@example.test', language: 'zh-CN' },
    }),
    ...overrides,
  };
}

/** What ActionStore.apply stores: the change's attributes set and removed, its history line appended. */
function applied(a: CorrectiveAction, change: ActionChange): CorrectiveAction {
  const next = structuredClone(a) as unknown as Record<string, Record<string, unknown>>;
  for (const [path, value] of Object.entries(change.set)) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail) next[head] = { ...next[head], [tail]: value };
    else (next as Record<string, unknown>)[head] = value;
  }
  for (const path of change.remove ?? []) delete next[path];
  const out = next as unknown as CorrectiveAction;
  out.history = [...a.history, change.history];
  return out;
}

const resolvedAt = (a: CorrectiveAction, when: Date) =>
  applied(
    a,
    resolve(a, 'north.head@example.com', when, { rootCause: 'late truck', actionTaken: 'new carrier' }),
  );

describe('dueStep: escalation', () => {
  it('should escalate an overdue action on the next working day, not on the National Day holidays', () => {
    // Arrange: due Wednesday 30 September; 1–7 October are off.
    const a = action({ dueDate: '2026-09-30' });

    // Act & Assert
    expect(dueStep(a, at('2026-09-30'), calendar, config)?.kind).not.toBe('escalate');
    for (const day of ['2026-10-01', '2026-10-04', '2026-10-07']) {
      expect(dueStep(a, at(day), calendar, config)).toBeUndefined();
    }
    const step = dueStep(a, at('2026-10-08'), calendar, config);
    expect(step?.kind).toBe('escalate');
    expect(step?.jobs).toEqual([
      { actionId: 'action-1', notice: 'escalation', round: 0, recipient: 0 },
      { actionId: 'action-1', notice: 'escalation', round: 0, recipient: 1 },
    ]);
    expect(step?.change).toMatchObject({ absent: ['escalatedAt'], set: { escalatedAt: expect.any(String) } });
  });

  it('should wait out a weekend and escalate on Monday', () => {
    const a = action({ dueDate: '2026-11-13' });
    expect(dueStep(a, at('2026-11-14'), calendar, config)).toBeUndefined();
    expect(dueStep(a, at('2026-11-15'), calendar, config)).toBeUndefined();
    expect(dueStep(a, at('2026-11-16'), calendar, config)?.kind).toBe('escalate');
  });

  it('should escalate once per round', () => {
    const a = action({ dueDate: '2026-11-13' });
    const step = dueStep(a, at('2026-11-16'), calendar, config)!;
    expect(dueStep(applied(a, step.change), at('2026-11-17'), calendar, config)).toBeUndefined();
  });
});

describe('dueStep: owner reminder', () => {
  it('should remind the owners from 2 working days before the due date, holidays not counted', () => {
    // Due Friday 9 October: the working days before it are 8 October, then 30 September.
    const a = action({ dueDate: '2026-10-09' });
    expect(dueStep(a, at('2026-09-29'), calendar, config)).toBeUndefined();
    const step = dueStep(a, at('2026-09-30'), calendar, config);
    expect(step?.kind).toBe('remind');
    expect(step?.jobs).toEqual([{ actionId: 'action-1', notice: 'owner-reminder', round: 0, recipient: 0 }]);
  });

  it('should remind on the due date itself when the sweep missed the days before, and only once', () => {
    const a = action({ dueDate: '2026-11-13' });
    const step = dueStep(a, at('2026-11-13'), calendar, config)!;
    expect(step.kind).toBe('remind');
    expect(dueStep(applied(a, step.change), at('2026-11-13'), calendar, config)).toBeUndefined();
  });

  it('should not remind when the campaign sends no reminder (remindBeforeWorkingDays 0)', () => {
    const a = action({ dueDate: '2026-11-13' });
    expect(dueStep(a, at('2026-11-12'), calendar, { ...config, remindBeforeWorkingDays: 0 })).toBeUndefined();
  });
});

describe('dueStep: follow-up and its deadline', () => {
  // Resolved Thursday 24 September at 15:00; 5 working days later (25–27 off) is Friday 9 October.
  const resolved = resolvedAt(action({ dueDate: '2026-10-09' }), at('2026-09-24', '15:00'));

  it('should ask the customer 5 working days after the resolution, not before', () => {
    expect(dueStep(resolved, at('2026-09-28'), calendar, config)).toBeUndefined();
    expect(dueStep(resolved, at('2026-10-08'), calendar, config)).toBeUndefined();
    const step = dueStep(resolved, at('2026-10-09'), calendar, config);
    expect(step?.kind).toBe('follow-up');
    expect(step?.jobs).toEqual([{ actionId: 'action-1', notice: 'verify', round: 0, recipient: 0 }]);
    // 5 working days from Friday 9 October: Saturday 10 (make-up), 12, 13, 14, 15.
    expect(step?.change.set).toEqual({
      verification: { sentAt: at('2026-10-09').toISOString(), answerBy: '2026-10-15' },
    });
  });

  it('should close an unanswered follow-up unverified the working day after answerBy (default)', () => {
    const asked = applied(resolved, verificationSent(resolved, at('2026-10-09'), '2026-10-15'));
    expect(dueStep(asked, at('2026-10-15'), calendar, config)).toBeUndefined();
    const step = dueStep(asked, at('2026-10-16'), calendar, config)!;
    expect(step.kind).toBe('no-answer');
    expect(step.jobs).toEqual([]);
    expect(step.change.set).toMatchObject({ status: 'closed-unverified' });
  });

  it('should reopen an unanswered follow-up with the reopened emails of the next round when configured', () => {
    const asked = applied(resolved, verificationSent(resolved, at('2026-10-09'), '2026-10-15'));
    const reopen = { ...config, verification: { ...config.verification, onNoAnswer: 'reopen' as const } };
    const step = dueStep(asked, at('2026-10-16'), calendar, reopen)!;
    expect(step.change.set).toMatchObject({ status: 'reopened', round: 1 });
    // Managers (2) then owners (1), round 1.
    expect(step.jobs.map((j) => [j.notice, j.round, j.recipient])).toEqual([
      ['reopened', 1, 0],
      ['reopened', 1, 1],
      ['reopened', 1, 2],
    ]);
  });

  it('should close an anonymous resolved action at once, saying why, and leave a target action alone', () => {
    const anonymous = resolvedAt(
      action({ customer: undefined, source: { kind: 'response', waveId: 'w', anonymous: true } }),
      at('2026-11-10'),
    );
    delete anonymous.customer;
    const step = dueStep(anonymous, at('2026-11-11'), calendar, config)!;
    expect(step.kind).toBe('nobody-to-ask');
    expect(step.change.set).toMatchObject({ status: 'closed-unverified' });
    expect(step.change.history.note).toMatch(/anonymous/);

    const target = resolvedAt(action({ source: { kind: 'target', period: '2026-Q3' } }), at('2026-11-10'));
    delete target.customer;
    expect(dueStep(target, at('2026-11-11'), calendar, config)).toBeUndefined();
  });
});

describe('dueStep: properties over dates', () => {
  const days = fc
    .integer({ min: 0, max: 3 * 366 })
    .map((n) => new Date(Date.parse('2025-01-01T01:00:00Z') + n * 86_400_000));
  const states = fc.constantFrom('open', 'resolved', 'asked');

  it('should decide nothing on a day off, and never make the same step twice in a round', () => {
    fc.assert(
      fc.property(days, days, states, (opened, now, state) => {
        let a = action({}, opened);
        if (state !== 'open') a = resolvedAt(a, opened);
        if (state === 'asked') a = applied(a, verificationSent(a, opened, localDateOf(opened, a.timeZone)));
        const step = dueStep(a, now, calendar, config);
        if (!isWorkingDay(now, calendar, a.timeZone)) expect(step).toBeUndefined();
        if (!step) return;
        if (step.kind === 'escalate') expect(localDateOf(now, a.timeZone) > a.dueDate).toBe(true);
        const again = dueStep(applied(a, step.change), now, calendar, config);
        expect(again?.kind === step.kind && again.change.round === step.change.round).toBe(false);
      }),
    );
  });
});

describe('missingAlertJobs', () => {
  it('should queue again the alerts nothing claimed, only after 10 minutes', () => {
    const opened = at('2026-11-10', '10:00');
    const a = action({ notices: { 'alert.0.0': opened.toISOString() } }, opened);
    // Owners (north head) then customer service: the owner's alert is claimed, customer service's is not.
    expect(missingAlertJobs(a, new Date(opened.getTime() + 9 * 60_000))).toEqual([]);
    expect(missingAlertJobs(a, new Date(opened.getTime() + 11 * 60_000))).toEqual([
      { actionId: 'action-1', notice: 'alert', round: 0, recipient: 1 },
    ]);
  });
});

describe('actionsSweepSchedule', () => {
  it('should run daily at 09:00 in the time zone of a campaign with actions, and not for one without', () => {
    expect(actionsSweepSchedule(demoCampaign)).toEqual({
      cron: ACTIONS_SWEEP_CRON,
      timeZone: 'Asia/Shanghai',
    });
    expect(ACTIONS_SWEEP_CRON).toBe('0 9 * * *');
    expect(actionsSweepSchedule({ ...demoCampaign, actions: undefined })).toBeUndefined();
  });
});
