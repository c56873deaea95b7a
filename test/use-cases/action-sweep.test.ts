import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { eventBridgeClient } from '../../functions/adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge-publisher.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import { ActionEventDetail, DETAIL_TYPES } from '../../functions/domain/actions/events.ts';
import { resolve, verificationSent } from '../../functions/domain/actions/lifecycle.ts';
import type { ActionSendJob, CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { newAction } from '../../functions/domain/actions/open.ts';
import type { EventPublisher } from '../../functions/domain/actions/ports.ts';
import { findCalendar } from '../../functions/domain/calendar/index.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { type ActionSweepDeps, sweepActions } from '../../functions/use-cases/action-sweep.ts';
import { programme } from '../../programme/index.ts';
import { publishedEvents } from '../support/events.ts';
import { queuedSendJobs, testStore } from '../support/fixtures.ts';
import { demoCampaign } from '../support/programme.ts';

/*
 * The sweep's use case on the emulators with a campaign the bundled programme does not have: one whose
 * unanswered follow-ups reopen the action.
 */
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);
const calendar = findCalendar(programme.calendars, 'cn-mainland');
const at = (date: string, time = '09:00') => new Date(`${date}T${time}:00+08:00`);
const reopening: Campaign = {
  ...demoCampaign,
  id: 'reopening',
  actions: {
    ...demoCampaign.actions!,
    verification: { ...demoCampaign.actions!.verification, onNoAnswer: 'reopen' },
  },
};

const deps = (now: Date, events: EventPublisher = new EventBridgePublisher(eventBridgeClient())) =>
  ({
    actions,
    queue: new SqsSendQueue(sqsClient(), QUEUE_URL),
    events,
    store: testStore(),
    clock: { now: () => now },
    calendars: programme.calendars,
  }) satisfies ActionSweepDeps;

beforeEach(async () => {
  await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
});

/** A resolved action of `campaign` whose follow-up went out on 9 October 2026, to answer by the 15th. */
async function askedAction(id: string, campaign: Campaign): Promise<CorrectiveAction> {
  const action = newAction({
    id,
    campaign: { ...campaign, actions: campaign.actions! },
    calendar,
    source: { kind: 'response', waveId: 'w', invitationId: `inv-${id}` },
    department: 'north-region',
    reasons: [{ kind: 'rating', category: 'delivery', level: 'dissatisfied' }],
    at: at('2026-09-14'),
    customer: { id: 'c', name: '客户', email: 'c@example.test', language: 'en' },
  });
  const stored = { ...action, notices: { 'alert.0.0': 'x', 'alert.0.1': 'x' } };
  expect(await actions.openAction(stored)).toBe(true);
  const resolved = await actions.apply(
    id,
    resolve(stored, 'north.head@example.com', at('2026-09-24'), { rootCause: 'c', actionTaken: 't' }),
  );
  return (await actions.apply(id, verificationSent(resolved!, at('2026-10-09'), '2026-10-15')))!;
}

describe('Use case: sweepActions', () => {
  it('should reopen an unanswered follow-up when the campaign says so, with the reopened emails and the event', async () => {
    // Arrange
    const action = await askedAction('reopen-1', reopening);

    // Act
    const result = await sweepActions(deps(at('2026-10-16')), { campaign: reopening });
    const again = await sweepActions(deps(at('2026-10-16', '10:00')), { campaign: reopening });

    // Assert: managers (2) then the owner, in round 1; due 10 working days later (Friday 30 October).
    const jobs = (await queuedSendJobs(QUEUE_URL)) as unknown as ActionSendJob[];
    expect(result).toMatchObject({ reopened: 1, closed: 0, unpublished: 0 });
    expect(again.reopened).toBe(0);
    expect(jobs).toEqual(
      [0, 1, 2].map((recipient) => ({ actionId: action.id, notice: 'reopened', round: 1, recipient })),
    );
    const stored = await actions.getAction(action.id);
    expect(stored).toMatchObject({ status: 'reopened', round: 1, dueDate: '2026-10-30' });
    expect(stored?.verification).toBeUndefined();
    const events = publishedEvents().filter(
      (e) => (e.detail as { actionId?: string }).actionId === action.id,
    );
    expect(events.map((e) => e['detail-type'])).toEqual([DETAIL_TYPES.actionReopened]);
    expect(ActionEventDetail.parse(events[0]!.detail)).toMatchObject({
      status: 'reopened',
      round: 1,
      by: 'csat',
    });
  });

  it('should keep a change whose event could not be published, and count it', async () => {
    const action = await askedAction('unpublished-1', demoCampaign);
    const failing: EventPublisher = {
      publish: async () => {
        throw Object.assign(new Error('bus down'), { name: 'EventsNotPublishedError' });
      },
    };

    const result = await sweepActions(deps(at('2026-10-16'), failing), { campaign: demoCampaign });

    expect(result).toMatchObject({ closed: 1, unpublished: 1, publishErrors: ['EventsNotPublishedError'] });
    expect((await actions.getAction(action.id))?.status).toBe('closed-unverified');
  });

  it('should do nothing for a campaign without actions', async () => {
    const result = await sweepActions(deps(at('2026-10-16')), {
      campaign: { ...demoCampaign, actions: undefined },
    });
    expect(result).toMatchObject({ reminded: 0, escalated: 0, followUps: 0, closed: 0, recovered: 0 });
  });
});
