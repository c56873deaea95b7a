import { randomUUID } from 'node:crypto';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { resolve, targetActionId, verificationSent } from '../../functions/domain/actions/lifecycle.ts';
import { type CorrectiveAction, noticeKey } from '../../functions/domain/actions/model.ts';
import { newAction, responseAction } from '../../functions/domain/actions/open.ts';
import { findCalendar } from '../../functions/domain/calendar/index.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { handler } from '../../functions/handlers/send/index.ts';
import { suppressAddress } from '../../functions/use-cases/suppression.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { programme } from '../../programme/index.ts';
import { lambdaContext, seedWave, sqsEvent, sqsRecord, testSuppressions } from '../support/fixtures.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';
import { mockSes } from '../support/ses-mock.ts';

/*
 * The send function's action jobs (issue 12): the real handler, the local SES mailbox and DynamoDB. Each
 * test opens its own action with its own addresses (the mailbox is shared by every test file).
 */
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);
const send = (...jobs: unknown[]) => handler(sqsEvent(...jobs.map((j) => sqsRecord(j))), lambdaContext());

async function mailTo(to: string): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.includes(to));
}

/** Takes the stored action to resolved, as its owner would on the action page. */
const resolveIt = (action: CorrectiveAction) =>
  actions.apply(action.id, resolve(action, 'owner', new Date(), { rootCause: 'cause', actionTaken: 'fix' }));

async function openAction(
  tag = randomUUID().slice(0, 8),
): Promise<{ action: CorrectiveAction; owner: string; customer: string }> {
  const owner = `owner-${tag}@staff.example`;
  const customer = `customer-${tag}@example.test`;
  const campaign: Campaign = {
    ...demoCampaign,
    report: {
      ...demoCampaign.report,
      managers: [`manager-${tag}@staff.example`],
      departmentHeads: [{ department: 'east-region', email: owner, language: 'en' }],
    },
    actions: { ...demoCampaign.actions!, customerService: [{ email: `service-${tag}@staff.example` }] },
  };
  const action = responseAction({
    campaign,
    questionnaire: itss,
    calendar: findCalendar(programme.calendars, 'cn-mainland'),
    waveId: `demo-${tag}`,
    responseId: `inv-${tag}`,
    anonymous: false,
    department: 'east-region',
    customer: { id: 'c1', name: 'Alice', email: customer, language: 'en' },
    response: {
      answeredAt: new Date().toISOString(),
      total: 20,
      grade: 'E',
      ratings: allAt('very-dissatisfied'),
      comments: {},
      questionnaireVersion: 1,
    },
    at: new Date(),
  })!;
  expect(await actions.openAction(action)).toBe(true);
  return { action, owner, customer };
}

const sesMock = { current: undefined as ReturnType<typeof mockClient> | undefined };
afterEach(() => {
  sesMock.current?.restore();
  sesMock.current = undefined;
});

describe('Handler: send, action jobs', () => {
  it('should send an alert once however often its job is delivered, and claim it on the action', async () => {
    const { action, owner } = await openAction();
    const job = { actionId: action.id, notice: 'alert', round: 0, recipient: 0 };

    const results = await Promise.all([send(job), send(job), send(job)]);

    expect(results).toEqual([0, 1, 2].map(() => ({ batchItemFailures: [] })));
    expect(await mailTo(owner)).toHaveLength(1);
    expect((await actions.getAction(action.id))?.notices).toHaveProperty(noticeKey('alert', 0, 0));
  });

  it('should give back a job of a round still to come, and send it once the action has reached it', async () => {
    const { action, owner } = await openAction();
    const job = { actionId: action.id, notice: 'reopened', round: 1, recipient: 1 } as const;
    const manager = action.managers.length; // recipients are [...managers, ...owners]: index 1 is the owner

    const early = await send(job);
    const claimed = (await actions.getAction(action.id))?.notices ?? {};
    await actions.apply(action.id, {
      from: ['open'],
      round: 0,
      set: { status: 'reopened', round: 1 },
      history: { at: new Date().toISOString(), by: 'customer', event: 'reopened' },
    });
    const later = await send(job);

    expect(manager).toBe(1);
    expect(early.batchItemFailures).toHaveLength(1);
    expect(claimed).not.toHaveProperty(noticeKey('reopened', 1, 1));
    expect(later).toEqual({ batchItemFailures: [] });
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('should name the department by its display name in a later notice too, from the action wave', async () => {
    // Arrange: the wave the action answers, with the demo's display names (East region / 东方大区).
    const tag = randomUUID().slice(0, 8);
    await seedWave({ waveId: `demo-${tag}`, campaign: demoCampaign });
    const { action, owner } = await openAction(tag);
    await actions.apply(action.id, {
      from: ['open'],
      round: 0,
      set: { status: 'reopened', round: 1 },
      history: { at: new Date().toISOString(), by: 'customer', event: 'reopened' },
    });

    // Act
    await send({ actionId: action.id, notice: 'reopened', round: 1, recipient: 1 });

    // Assert
    const [mail] = await mailTo(owner);
    expect(mail?.subject).toContain('East region');
    expect(mail?.subject).not.toContain('east-region');
  });

  it('should name the department of a target action, which has no wave, as the programme does, in each recipient language', async () => {
    // Arrange: north-region missed the demo campaign's satisfaction rate in a closed month; its head reads
    // English, customer service Chinese.
    const tag = randomUUID().slice(0, 8);
    const owner = `head-${tag}@staff.example`;
    const service = `service-${tag}@staff.example`;
    const campaign = {
      ...demoCampaign,
      report: {
        ...demoCampaign.report,
        departmentHeads: [{ department: 'north-region', email: owner, language: 'en' as const }],
      },
      actions: {
        ...demoCampaign.actions!,
        customerService: [{ email: service, language: 'zh-CN' as const }],
      },
    };
    const action = newAction({
      // Unique per run: the table outlives the test.
      id: targetActionId(campaign.id, `2026-10.${tag}`, 'north-region'),
      campaign,
      calendar: findCalendar(programme.calendars, 'cn-mainland'),
      source: { kind: 'target', period: '2026-10' },
      department: 'north-region',
      reasons: [{ kind: 'target', measure: 'satisfaction-rate', actual: 0.5, target: 0.95 }],
      at: new Date(),
    });
    expect(await actions.openAction(action)).toBe(true);

    // Act
    await send(
      { actionId: action.id, notice: 'alert', round: 0, recipient: 0 },
      { actionId: action.id, notice: 'alert', round: 0, recipient: 1 },
    );

    // Assert
    const [english] = await mailTo(owner);
    const [chinese] = await mailTo(service);
    expect(english?.subject).toContain('North region');
    expect(chinese?.subject).toContain('北方大区');
    expect(`${english?.subject} ${chinese?.subject}`).not.toContain('north-region');
  });

  it('should skip a job of an earlier round, one the status no longer needs, of a final action, or for a recipient the notice lacks', async () => {
    const { action, owner } = await openAction();
    await actions.apply(action.id, {
      from: ['open'],
      round: 0,
      set: { round: 1 },
      history: { at: new Date().toISOString(), by: 'csat', event: 'reopened' },
    });

    const stale = await send({ actionId: action.id, notice: 'owner-reminder', round: 0, recipient: 0 });
    const nobody = await send({ actionId: action.id, notice: 'owner-reminder', round: 1, recipient: 5 });
    const notResolved = await send({ actionId: action.id, notice: 'verify', round: 1, recipient: 0 });

    expect(stale).toEqual({ batchItemFailures: [] });
    expect(nobody).toEqual({ batchItemFailures: [] });
    expect(notResolved).toEqual({ batchItemFailures: [] });
    expect(await mailTo(owner)).toHaveLength(0);
    const verified = await actions.apply(action.id, {
      from: ['open'],
      round: 1,
      set: { status: 'verified' },
      history: { at: new Date().toISOString(), by: 'csat', event: 'verified' },
    });
    expect(verified?.status).toBe('verified');
    await send({ actionId: action.id, notice: 'owner-reminder', round: 1, recipient: 0 });
    expect(await mailTo(owner)).toHaveLength(0);
  });

  it('should not send the follow-up to a suppressed customer, and send it to one that is not', async () => {
    const suppressed = await openAction();
    const fine = await openAction();
    const early = await resolveIt(fine.action);
    // Queued before the sweep stores `verification`: given back until it has, then sent.
    const waiting = await send({ actionId: fine.action.id, notice: 'verify', round: 0, recipient: 0 });
    expect(waiting.batchItemFailures).toHaveLength(1);
    expect(await mailTo(fine.customer)).toHaveLength(0);
    await actions.apply(fine.action.id, verificationSent(early!, new Date(), '2099-01-01'));
    const askedSuppressed = await resolveIt(suppressed.action);
    await actions.apply(suppressed.action.id, verificationSent(askedSuppressed!, new Date(), '2099-01-01'));
    await suppressAddress(testSuppressions(), suppressed.customer, 'unsubscribed', new Date().toISOString());

    await send(
      { actionId: suppressed.action.id, notice: 'verify', round: 0, recipient: 0 },
      { actionId: fine.action.id, notice: 'verify', round: 0, recipient: 0 },
    );

    expect(await mailTo(suppressed.customer)).toHaveLength(0);
    const [mail] = await mailTo(fine.customer);
    expect(mail).toBeDefined();
  });

  it('should release the claim of an email SES certainly did not take, so the retry sends it once', async () => {
    const { action, owner } = await openAction();
    const mock = mockSes();
    sesMock.current = mock;
    mock.on(SendRawEmailCommand).rejects(
      Object.assign(new Error('Maximum sending rate exceeded.'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const job = { actionId: action.id, notice: 'alert', round: 0, recipient: 0 };
    const record = sqsRecord(job);

    const failed = await handler(sqsEvent(record), lambdaContext());

    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect((await actions.getAction(action.id))?.notices).toEqual({});
    mock.restore();
    sesMock.current = undefined;
    await send(job);
    await send(job);
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('should keep the claim when SES may have taken the email: never two', async () => {
    const { action, owner } = await openAction();
    const mock = mockSes();
    sesMock.current = mock;
    mock
      .on(SendRawEmailCommand)
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} }));
    const job = { actionId: action.id, notice: 'alert', round: 0, recipient: 0 };

    expect(await send(job)).toEqual({ batchItemFailures: [] });
    mock.restore();
    sesMock.current = undefined;
    await send(job);

    expect(await mailTo(owner)).toHaveLength(0);
    expect((await actions.getAction(action.id))?.notices).toHaveProperty(noticeKey('alert', 0, 0));
  });

  it('should refuse action jobs of the wrong shape', async () => {
    const { action } = await openAction();
    const bad = [
      { actionId: action.id, notice: 'alert', round: 0 },
      { actionId: action.id, notice: 'party', round: 0, recipient: 0 },
      { actionId: action.id, notice: 'alert', round: -1, recipient: 0 },
      { actionId: action.id, notice: 'alert', round: 0, recipient: 0.5 },
      { actionId: 'short', notice: 'alert', round: 0, recipient: 0 },
      { actionId: action.id, notice: 'alert', round: 0, recipient: 0, extra: true },
      { actionId: action.id, notice: 'alert', round: 0, recipient: 0, invitationId: 'x', step: 'invite' },
    ];
    const records = bad.map((b) => sqsRecord(b));

    const result = await handler(sqsEvent(...records), lambdaContext());

    expect(result.batchItemFailures).toEqual(records.map((r) => ({ itemIdentifier: r.messageId })));
    expect((await actions.getAction(action.id))?.notices).toEqual({});
  });
});
