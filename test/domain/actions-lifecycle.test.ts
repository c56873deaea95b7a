import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import { ActionEventDetail, actionEvent } from '../../functions/domain/actions/events.ts';
import {
  ActionChangeError,
  acknowledge,
  actionText,
  answerVerification,
  closeWithoutAnswer,
  dueDateOf,
  escalate,
  resolve,
  responseActionId,
  targetActionId,
  verificationSent,
} from '../../functions/domain/actions/lifecycle.ts';
import { recipientsOf } from '../../functions/domain/actions/open.ts';
import { actionReasons } from '../../functions/domain/actions/triggers.ts';
import { cnCalendar, loopCampaign, sampleAction } from '../support/actions.ts';
import { allAt, itss } from '../support/programme.ts';

const at = (iso: string) => new Date(iso);
const reopen = { dueWorkingDays: 10, calendar: cnCalendar };

describe('corrective action lifecycle', () => {
  it('should count the due date in working days of the calendar, skipping the National Day week', () => {
    // Arrange: Monday 2026-09-28 10:00 Shanghai; 1–7 October 2026 are days off, Sat 10 Oct is worked.
    const opened = at('2026-09-28T02:00:00Z');

    // Act
    const due = dueDateOf(opened, 5, cnCalendar, 'Asia/Shanghai');

    // Assert: 29, 30 Sep, 8, 9, 10 Oct (the make-up Saturday).
    expect(due).toBe('2026-10-10');
  });

  it('should resolve only with a root cause and the action taken, and say whether it was on time', () => {
    // Arrange
    const action = sampleAction('a1', at('2026-12-01T02:00:00Z'));

    // Act
    const missing = () =>
      resolve(action, 'north.head@example.com', at('2026-12-02T02:00:00Z'), {
        rootCause: ' ',
        actionTaken: 'x',
      });
    const change = resolve(action, 'north.head@example.com', at('2026-12-02T02:00:00Z'), {
      rootCause: 'Courier lost the parcel\r\n',
      actionTaken: 'Sent a new one\u0007',
    });

    // Assert
    expect(missing).toThrow(/rootCause/);
    expect(change.set).toMatchObject({
      status: 'resolved',
      resolvedOnTime: true,
      rootCause: 'Courier lost the parcel',
      actionTaken: 'Sent a new one',
    });
    expect(change.from).toEqual(['open', 'acknowledged', 'reopened']);
    expect(change.history).toMatchObject({ by: 'north.head@example.com', event: 'resolved' });
  });

  it('should refuse transitions the status does not allow', () => {
    // Arrange
    const verified = sampleAction('a2', at('2026-12-01T02:00:00Z'), { status: 'verified' });

    // Act / Assert
    expect(() => acknowledge(verified, 'x@example.com', new Date())).toThrow(ActionChangeError);
    expect(() => escalate(verified, new Date())).toThrow(/verified/);
  });

  it('should reopen on "no" with the next round and a new due date, and verify on "yes"', () => {
    // Arrange
    const base = sampleAction('a3', at('2026-12-01T02:00:00Z'), {
      status: 'resolved',
      verification: { sentAt: '2026-12-08T02:00:00.000Z', answerBy: '2026-12-15' },
    });

    // Act
    const no = answerVerification(base, 'no', at('2026-12-09T02:00:00Z'), reopen);
    const yes = answerVerification(base, 'yes', at('2026-12-09T02:00:00Z'), reopen);
    const late = () => answerVerification(base, 'yes', at('2026-12-16T02:00:00Z'), reopen);

    // Assert
    expect(no.set).toMatchObject({ status: 'reopened', round: 1, dueDate: '2026-12-23' });
    expect(no.remove).toContain('verification');
    expect(no.absent).toEqual(['verification.answer']);
    expect(yes.set).toMatchObject({ status: 'verified', 'verification.answer': 'yes' });
    expect(late).toThrow(/over/);
  });

  it('should close an unanswered follow-up unverified, or reopen it when the campaign says so', () => {
    // Arrange
    const asked = sampleAction('a4', at('2026-12-01T02:00:00Z'), {
      status: 'resolved',
      verification: { sentAt: '2026-12-08T02:00:00.000Z', answerBy: '2026-12-15' },
    });

    // Act
    const closed = closeWithoutAnswer(asked, at('2026-12-16T02:00:00Z'), 'close-unverified', reopen);
    const reopened = closeWithoutAnswer(asked, at('2026-12-16T02:00:00Z'), 'reopen', reopen);

    // Assert
    expect(closed.set.status).toBe('closed-unverified');
    expect(reopened.set.status).toBe('reopened');
  });

  it('should not ask an action without a customer', () => {
    // Arrange
    const { customer: _c, ...anonymous } = sampleAction('a5', at('2026-12-01T02:00:00Z'), {
      status: 'resolved',
    });

    // Act / Assert
    expect(() => verificationSent(anonymous, new Date(), '2026-12-20')).toThrow(/no customer/);
  });

  it('should give the same cause the same id and different causes different ids', () => {
    expect(responseActionId('inv1')).toBe(responseActionId('inv1'));
    expect(responseActionId('inv1')).not.toBe(responseActionId('inv2'));
    expect(targetActionId('demo', '2026-Q3', 'north', 'a')).not.toBe(
      targetActionId('demo', '2026-Q3', 'north'),
    );
    expect(responseActionId('x')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('should keep line breaks and drop other control characters from free text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const text = actionText(s);
        if (text === undefined) return;
        expect(text).toBe(text.trim());
        expect([...text].filter((c) => /\p{Cc}/u.test(c) && c !== '\n' && c !== '\t')).toEqual([]);
      }),
    );
  });
});

describe('recipients and events', () => {
  it('should make the department heads owners and customer service the notified, else customer service owners', () => {
    // Act
    const north = recipientsOf(loopCampaign, loopCampaign.actions, 'north-region');
    const east = recipientsOf(loopCampaign, loopCampaign.actions, 'east-region');

    // Assert
    expect(north.owners).toEqual([{ email: 'north.head@example.com', language: 'en' }]);
    expect(north.notify).toEqual([{ email: 'service@example.com', language: 'zh-CN' }]);
    expect(east.owners).toEqual([{ email: 'service@example.com', language: 'zh-CN' }]);
    expect(east.notify).toEqual([]);
  });

  it("should publish the last change's event in the documented shape, without the customer", () => {
    // Arrange
    const action = sampleAction('a6', at('2026-12-01T02:00:00Z'));

    // Act
    const event = actionEvent(action);

    // Assert
    expect(event?.detailType).toBe('Action Opened');
    expect(ActionEventDetail.parse(event?.detail)).toMatchObject({
      actionId: 'a6',
      status: 'open',
      by: 'csat',
    });
    expect(JSON.stringify(event)).not.toContain('wang.wei@example.com');
  });
});

describe('events of changes made by people', () => {
  it('should say who made a change by their role, never by their address', () => {
    // Arrange
    const action = sampleAction('a7', at('2026-12-01T02:00:00Z'));
    const byOwner = acknowledge(action, 'north.head@example.com', at('2026-12-02T02:00:00Z'));
    const byService = acknowledge(action, 'service@example.com', at('2026-12-02T02:00:00Z'));

    // Act
    const owner = actionEvent({ ...action, history: [...action.history, byOwner.history] });
    const service = actionEvent({ ...action, history: [...action.history, byService.history] });

    // Assert
    expect(owner?.detail.by).toBe('owner');
    expect(service?.detail.by).toBe('customer-service');
    expect(JSON.stringify([owner, service])).not.toContain('@');
  });
});

describe('triggers', () => {
  it('should trigger on a low total, on a rating at or below the level, on keywords and on a contact request', () => {
    // Arrange
    const triggers = loopCampaign.actions.triggers;

    // Act
    const reasons = actionReasons(itss, triggers, {
      total: 40,
      ratings: { ...allAt('satisfied'), delivery: 'very-dissatisfied' },
      comments: { comments: 'Ｃｏｍｐｌａｉｎｔ about delivery' },
      contactRequested: true,
    });

    // Assert
    expect(reasons.map((r) => r.kind)).toEqual(['total-below', 'rating', 'keyword', 'contact-request']);
  });

  it('should never trigger on a flagged response, and not on a content one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom('very-dissatisfied', 'satisfied'),
        (total, level) => {
          const input = { total, ratings: allAt(level), comments: {}, flagged: true };
          expect(actionReasons(itss, loopCampaign.actions.triggers, input)).toEqual([]);
        },
      ),
    );
    expect(
      actionReasons(itss, loopCampaign.actions.triggers, {
        total: 90,
        ratings: allAt('satisfied'),
        comments: { c: 'fine' },
      }),
    ).toEqual([]);
  });

  it('should refuse a config with no trigger', () => {
    expect(
      ActionsConfig.safeParse({ triggers: {}, customerService: [{ email: 'a@example.com' }] }).success,
    ).toBe(false);
  });
});
