import { describe, expect, it, vi } from 'vitest';
import { eventBridgeClient } from '../../functions/adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge-publisher.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import { signVerifyLink } from '../../functions/domain/actions/links.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { WEEKENDS_ONLY } from '../../functions/domain/calendar/index.ts';
import {
  answerFollowUp,
  reopenRulesOf,
  type VerificationDeps,
  VerificationNotCountedError,
} from '../../functions/use-cases/verification.ts';
import { programme } from '../../programme/index.ts';
import { advance, cnMainland, seedAction, testActions } from '../support/actions.ts';
import { publishedEvents } from '../support/events.ts';
import { queuedSendJobs } from '../support/fixtures.ts';

/*
 * The customer's "no" with the clock injected: the reopened action is due in working days of the campaign's
 * calendar, holidays and make-up working days included (cn-mainland 2025: 1–8 October off, Saturday
 * 11 October worked).
 */
// Tuesday 30 September 2025, 10:00 in Shanghai: the day before the National Day holiday.
const ANSWERED_AT = new Date('2025-09-30T02:00:00Z');
const queueUrl = () => process.env.SEND_QUEUE_URL!;

async function askedAction(): Promise<CorrectiveAction> {
  const opened = await seedAction({ at: new Date('2025-09-15T02:00:00Z') });
  return advance(opened, 'asked', { at: new Date('2025-09-22T02:00:00Z'), answerBy: '2025-10-20' });
}

function deps(overrides: Partial<VerificationDeps> = {}): VerificationDeps & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  return {
    actions: testActions(),
    clock: { now: () => ANSWERED_AT },
    queue: new SqsSendQueue(sqsClient(), queueUrl()),
    events: new EventBridgePublisher(eventBridgeClient()),
    log: { warn: (message, attributes) => warnings.push({ message, attributes }) },
    secret: process.env.TOKEN_SECRET!,
    reopenRules: () => ({ dueWorkingDays: 5, calendar: cnMainland }),
    warnings,
    ...overrides,
  };
}

const tokenOf = (action: CorrectiveAction) =>
  signVerifyLink(process.env.TOKEN_SECRET!, action.id, action.round, new Date('2025-10-21T00:00:00Z'));

describe('answerFollowUp', () => {
  it('should reopen due 5 working days later, skipping the National Day holiday and counting the make-up Saturday', async () => {
    // Arrange
    const action = await askedAction();

    // Act
    const out = await answerFollowUp(deps(), { token: tokenOf(action), form: { answer: 'no' } });

    // Assert: 9, 10, 11 (Saturday, worked), 13, 14 October.
    expect(out).toEqual({ language: 'en', answer: 'no' });
    const stored = (await testActions().getAction(action.id))!;
    expect(stored).toMatchObject({ status: 'reopened', round: 1, dueDate: '2025-10-14' });
    expect(stored.reopenedAt).toBe(ANSWERED_AT.toISOString());
    expect(await queuedSendJobs(queueUrl())).toHaveLength(action.managers.length + action.owners.length);
  });

  it('should count weekends only with a calendar without holidays', async () => {
    const action = await askedAction();

    await answerFollowUp(deps({ reopenRules: () => ({ dueWorkingDays: 5, calendar: WEEKENDS_ONLY }) }), {
      token: tokenOf(action),
      form: { answer: 'no' },
    });

    expect((await testActions().getAction(action.id))?.dueDate).toBe('2025-10-07');
    await queuedSendJobs(queueUrl());
  });

  it('should change nothing when the reopened emails cannot be queued (they go first)', async () => {
    const action = await askedAction();
    const queue = { enqueue: vi.fn().mockRejectedValue(new Error('queue down')) };

    await expect(
      answerFollowUp(deps({ queue }), { token: tokenOf(action), form: { answer: 'no' } }),
    ).rejects.toThrow('queue down');

    expect(await testActions().getAction(action.id)).toEqual(action);
  });

  it('should count the answer when the event cannot be published, logging names only', async () => {
    const action = await askedAction();
    const d = deps({ events: { publish: vi.fn().mockRejectedValue(new TypeError('network')) } });

    const out = await answerFollowUp(d, { token: tokenOf(action), form: { answer: 'yes' } });

    expect(out.answer).toBe('yes');
    expect((await testActions().getAction(action.id))?.status).toBe('verified');
    expect(d.warnings).toEqual([
      {
        message: 'action event not published',
        attributes: { detailType: 'Action Verified', actionId: action.id, error: 'TypeError' },
      },
    ]);
  });

  it('should count one of concurrent answers', async () => {
    const action = await askedAction();
    const seen = publishedEvents().length;

    const results = await Promise.allSettled(
      ['yes', 'no', 'yes', 'no', 'no'].map((answer) =>
        answerFollowUp(deps(), { token: tokenOf(action), form: { answer } }),
      ),
    );
    await queuedSendJobs(queueUrl());

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(VerificationNotCountedError);
    const stored = (await testActions().getAction(action.id))!;
    expect(stored.history.filter((h) => h.event === 'verified' || h.event === 'reopened')).toHaveLength(1);
    expect(publishedEvents().slice(seen)).toHaveLength(1);
  });
});

describe('reopenRulesOf', () => {
  it('should take the campaign’s due days and calendar, and the defaults for a campaign without actions', () => {
    const rules = reopenRulesOf(programme);
    const demo = programme.campaigns.find((c) => c.id === 'demo')!;

    expect(rules('demo')).toEqual({
      dueWorkingDays: demo.actions?.dueWorkingDays ?? 10,
      calendar: cnMainland,
    });
    expect(rules('gone').calendar).toBe(cnMainland);
  });
});
