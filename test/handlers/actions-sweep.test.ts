import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { ActionEventDetail, DETAIL_TYPES } from '../../functions/domain/actions/events.ts';
import {
  type ActionChange,
  resolve,
  responseActionId,
  verificationSent,
} from '../../functions/domain/actions/lifecycle.ts';
import {
  ACTION_STATUSES,
  type ActionSendJob,
  type CorrectiveAction,
  noticeKey,
} from '../../functions/domain/actions/model.ts';
import { newAction } from '../../functions/domain/actions/open.ts';
import { anonymised, anonymousResponseId } from '../../functions/domain/anonymity.ts';
import { findCalendar } from '../../functions/domain/calendar/index.ts';
import type { StoredResponse } from '../../functions/domain/model.ts';
import { handler } from '../../functions/handlers/actions/index.ts';
import { programme } from '../../programme/index.ts';
import { publishedEvents } from '../support/events.ts';
import { lambdaContext, queuedSendJobs, seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';

/*
 * The actions handler on the emulators, with the IAM guard on and the clock set: the demo campaign counts
 * working days by cn-mainland (2026: 25–27 September and 1–7 October off, Saturday 10 October worked).
 */
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const store = new DynamoActions(documentClient(), process.env.TABLE_NAME!);
const calendar = findCalendar(programme.calendars, 'cn-mainland');
const at = (date: string, time = '09:00') => new Date(`${date}T${time}:00+08:00`);
let opened: string[] = [];
let n = 0;

beforeEach(async () => {
  await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
});
afterEach(async () => {
  vi.useRealTimers();
  // Each test's actions leave the live index, so the next test's sweep sees only its own.
  for (const id of opened) {
    const a = await store.getAction(id);
    if (!a) continue;
    await store.apply(id, {
      from: ACTION_STATUSES,
      round: a.round,
      set: { status: 'closed-unverified' },
      history: { at: new Date().toISOString(), by: 'test', event: 'closed-unverified' },
    });
  }
  opened = [];
});

/** An action of the demo campaign opened at `when`, its alerts claimed (sent), stored. */
async function openAction(when: Date, overrides: Partial<CorrectiveAction> = {}): Promise<CorrectiveAction> {
  const id = `sweep-test-${++n}`;
  const fresh = newAction({
    id,
    campaign: { ...demoCampaign, actions: demoCampaign.actions! },
    calendar,
    source: { kind: 'response', waveId: 'demo-w', invitationId: `inv-${n}` },
    department: 'north-region',
    reasons: [{ kind: 'total-below', total: 40, threshold: 70 }],
    at: when,
    customer: { id: `c${n}`, name: '客户', email: `c${n}@example.test`, language: 'zh-CN' },
  });
  const alerts = [...fresh.owners, ...fresh.notify].map((_, i) => noticeKey('alert', 0, i));
  const action: CorrectiveAction = {
    ...fresh,
    notices: Object.fromEntries(alerts.map((k) => [k, when.toISOString()])),
    ...overrides,
  };
  if (!overrides.customer && 'customer' in overrides) delete action.customer;
  expect(await store.openAction(action)).toBe(true);
  opened.push(id);
  return action;
}

async function change(action: CorrectiveAction, make: (a: CorrectiveAction) => ActionChange) {
  const updated = await store.apply(action.id, make(action));
  expect(updated).toBeDefined();
  return updated!;
}

/** The handler run at `now`, with the jobs it queued. */
async function sweepAt(now: Date) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
  try {
    const result = await handler({ campaignId: demoCampaign.id }, lambdaContext());
    return { result, jobs: (await queuedSendJobs(QUEUE_URL)) as unknown as ActionSendJob[] };
  } finally {
    vi.useRealTimers();
  }
}

const eventsOf = (actionId: string) =>
  publishedEvents()
    .filter((e) => (e.detail as { actionId?: string }).actionId === actionId)
    .map((e) => ({ type: e['detail-type'], detail: ActionEventDetail.parse(e.detail) }));

describe('Handler: actions (the daily sweep)', () => {
  it('should escalate an overdue action on the next working day, not on a holiday, and only once', async () => {
    // Arrange: due Wednesday 30 September, escalation would be due on 1 October (National Day).
    const action = await openAction(at('2026-09-14'), { dueDate: '2026-09-30' });

    // Act
    const holiday = await sweepAt(at('2026-10-01'));
    const working = await sweepAt(at('2026-10-08'));
    const again = await sweepAt(at('2026-10-08', '15:00'));

    // Assert
    expect(holiday.result).toMatchObject({ workingDay: false, escalated: 0 });
    expect(holiday.jobs).toEqual([]);
    expect(working.result).toMatchObject({ workingDay: true, escalated: 1, reminded: 0 });
    expect(working.jobs).toEqual([
      { actionId: action.id, notice: 'escalation', round: 0, recipient: 0 },
      { actionId: action.id, notice: 'escalation', round: 0, recipient: 1 },
    ]);
    expect(again.result.escalated).toBe(0);
    expect(again.jobs).toEqual([]);
    expect((await store.getAction(action.id))?.escalatedAt).toBe(at('2026-10-08').toISOString());
    expect(eventsOf(action.id)).toEqual([
      {
        type: DETAIL_TYPES.actionEscalated,
        detail: expect.objectContaining({ status: 'open', by: 'csat', at: at('2026-10-08').toISOString() }),
      },
    ]);
  });

  it('should queue the owner reminder once however often it runs', async () => {
    const action = await openAction(at('2026-10-30'), { dueDate: '2026-11-13' });
    const first = await sweepAt(at('2026-11-11'));
    const second = await sweepAt(at('2026-11-11', '09:05'));
    const third = await sweepAt(at('2026-11-12'));
    expect(first.result.reminded).toBe(1);
    expect(first.jobs).toEqual([{ actionId: action.id, notice: 'owner-reminder', round: 0, recipient: 0 }]);
    expect([second.result.reminded, third.result.reminded]).toEqual([0, 0]);
    expect([...second.jobs, ...third.jobs]).toEqual([]);
    // A reminder is not an event.
    expect(eventsOf(action.id)).toEqual([]);
  });

  it('should send exactly one follow-up 5 working days after the resolution, holidays respected', async () => {
    // Resolved Thursday 24 September 15:00; 25–27 September and 1–7 October off: due on Friday 9 October.
    const action = await openAction(at('2026-09-14'));
    await change(action, (a) =>
      resolve(a, 'north.head@example.com', at('2026-09-24', '15:00'), { rootCause: 'c', actionTaken: 't' }),
    );
    const early = await sweepAt(at('2026-10-08'));
    const due = await sweepAt(at('2026-10-09'));
    const later = await sweepAt(at('2026-10-12'));
    expect(early.jobs).toEqual([]);
    expect(due.result.followUps).toBe(1);
    expect(due.jobs).toEqual([{ actionId: action.id, notice: 'verify', round: 0, recipient: 0 }]);
    expect(later.jobs).toEqual([]);
    expect((await store.getAction(action.id))?.verification).toEqual({
      sentAt: at('2026-10-09').toISOString(),
      answerBy: '2026-10-15',
    });
  });

  it('should close an unanswered follow-up unverified after answerBy, with its event', async () => {
    const action = await openAction(at('2026-09-14'));
    const resolved = await change(action, (a) =>
      resolve(a, 'north.head@example.com', at('2026-09-24'), { rootCause: 'c', actionTaken: 't' }),
    );
    await change(resolved, (a) => verificationSent(a, at('2026-10-09'), '2026-10-15'));
    const onTime = await sweepAt(at('2026-10-15'));
    const late = await sweepAt(at('2026-10-16'));
    expect(onTime.result.closed).toBe(0);
    expect(late.result).toMatchObject({ closed: 1, reopened: 0 });
    expect(late.jobs).toEqual([]);
    expect((await store.getAction(action.id))?.status).toBe('closed-unverified');
    expect(eventsOf(action.id).map((e) => [e.type, e.detail.status])).toEqual([
      [DETAIL_TYPES.actionClosedUnverified, 'closed-unverified'],
    ]);
  });

  it('should close a resolved anonymous action at once: there is nobody to ask', async () => {
    const action = await openAction(at('2026-11-02'), {
      customer: undefined,
      source: { kind: 'response', waveId: 'demo-w', anonymous: true },
    });
    await change(action, (a) =>
      resolve(a, 'north.head@example.com', at('2026-11-03'), { rootCause: 'c', actionTaken: 't' }),
    );
    const { result, jobs } = await sweepAt(at('2026-11-04'));
    const stored = await store.getAction(action.id);
    expect(result.closed).toBe(1);
    expect(jobs).toEqual([]);
    expect(stored?.status).toBe('closed-unverified');
    expect(stored?.history.at(-1)?.note).toMatch(/anonymous/);
    expect(eventsOf(action.id)[0]?.detail).toMatchObject({ anonymous: true, status: 'closed-unverified' });
  });

  it('should queue again the alerts nothing claimed once the action is 10 minutes old', async () => {
    const action = await openAction(at('2026-11-04', '08:55'), { notices: {} });
    const soon = await sweepAt(at('2026-11-04', '09:00'));
    const later = await sweepAt(at('2026-11-04', '09:06'));
    expect(soon.jobs).toEqual([]);
    // north-region's head, then customer service.
    expect(later.result.alertsRequeued).toBe(2);
    expect(later.jobs).toEqual([
      { actionId: action.id, notice: 'alert', round: 0, recipient: 0 },
      { actionId: action.id, notice: 'alert', round: 0, recipient: 1 },
    ]);
  });

  it('should open the action of a stored dissatisfied response whose submit died, once', async () => {
    // Arrange: an answer at 08:00 on Wednesday 4 November that triggers (total 20 < 70), and no action.
    const wave = await seedWave({ createdAt: at('2026-11-02').toISOString() });
    const { invitation } = await seedInvitation(wave);
    const answeredAt = at('2026-11-04', '08:00').toISOString();
    const response: StoredResponse = {
      answeredAt,
      ratings: allAt('very-dissatisfied'),
      comments: {},
      total: 20,
      grade: 'E',
      language: 'zh-CN',
      questionnaireVersion: itss.version,
    };
    expect(await testStore().saveResponse(invitation.id, response, answeredAt, wave)).toBe('stored');
    const id = responseActionId(invitation.id);
    opened.push(id);

    // Act
    const first = await sweepAt(at('2026-11-04', '09:00'));
    const second = await sweepAt(at('2026-11-05', '09:00'));

    // Assert: customer service owns it (east-region has no head) and gets the alert.
    expect(first.result.recovered).toBe(1);
    expect(first.jobs).toEqual([{ actionId: id, notice: 'alert', round: 0, recipient: 0 }]);
    expect(second.result.recovered).toBe(0);
    const stored = await store.getAction(id);
    expect(stored).toMatchObject({
      status: 'open',
      department: 'east-region',
      customer: { id: invitation.customer.id, email: invitation.customer.email },
      source: { kind: 'response', waveId: wave.waveId, invitationId: invitation.id },
    });
    expect(eventsOf(id).map((e) => e.type)).toEqual([DETAIL_TYPES.actionOpened]);
  });

  it('should open an anonymous response’s action without a customer', async () => {
    const anonymousCampaign = { ...demoCampaign, anonymous: true };
    const wave = await seedWave({ createdAt: at('2026-11-02').toISOString(), campaign: anonymousCampaign });
    const { invitation } = await seedInvitation(wave);
    const when = at('2026-11-04', '08:00');
    const response: StoredResponse = {
      answeredAt: when.toISOString(),
      ratings: allAt('dissatisfied'),
      comments: {},
      total: 40,
      grade: 'E',
      language: 'zh-CN',
      questionnaireVersion: itss.version,
    };
    const responseId = anonymousResponseId(process.env.TOKEN_SECRET!, invitation.id);
    const answer = {
      id: responseId,
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      department: 'north-region',
      response: anonymised(response, when),
    };
    expect(await testStore().saveAnonymousResponse(invitation.id, answer, when.toISOString())).toBe('stored');
    const id = responseActionId(responseId);
    opened.push(id);

    const { result, jobs } = await sweepAt(at('2026-11-04', '09:00'));

    const stored = await store.getAction(id);
    expect(result.recovered).toBe(1);
    expect(stored?.customer).toBeUndefined();
    expect(stored?.source).toEqual({ kind: 'response', waveId: wave.waveId, anonymous: true });
    // north-region's head, then customer service.
    expect(jobs.map((j) => j.recipient)).toEqual([0, 1]);
  });

  it('should refuse an event that names no campaign with actions, and a misspelt key', async () => {
    await expect(handler({ campaignId: 'after-delivery' }, lambdaContext())).rejects.toThrow(
      /no campaign with corrective actions/,
    );
    await expect(handler({ campaignId: 'demo', extra: 1 }, lambdaContext())).rejects.toThrow(
      /invalid actions event/,
    );
    await expect(handler({}, lambdaContext())).rejects.toThrow(/campaignId/);
  });
});
