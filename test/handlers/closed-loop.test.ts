import { randomUUID } from 'node:crypto';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { responseActionId } from '../../functions/domain/actions/lifecycle.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { handler as sweep } from '../../functions/handlers/actions/index.ts';
import { handler as send } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import {
  type HttpResult,
  httpEvent,
  lambdaContext,
  queuedSendJobs,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
} from '../support/fixtures.ts';
import { allAt, demoCampaign, ratingFields } from '../support/programme.ts';

/*
 * The whole closed loop through the real handlers on the emulators (issue 12), the clock set to days of
 * the cn-mainland calendar: 1–7 October 2026 are days off, Saturday 10 October is worked.
 * submit → alert → the owner resolves on the action page → the sweep asks the customer after 5 working
 * days → "no" reopens and tells the managers → overdue escalates, once.
 */
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const QUEUE = process.env.SEND_QUEUE_URL!;
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);
const shanghai = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);
const setNow = (at: Date) => vi.setSystemTime(at);

afterEach(() => vi.useRealTimers());

async function mailTo(to: string): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.includes(to));
}
async function textOf(message: StoredMessage): Promise<string> {
  const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(message.id)}/raw`);
  return (await simpleParser(Buffer.from(await raw.arrayBuffer()))).text ?? '';
}
/** Sends every queued job through the real send handler, then empties the queue. */
async function sendQueued(): Promise<Array<{ notice?: string }>> {
  const jobs = (await queuedSendJobs(QUEUE)) as Array<{ notice?: string }>;
  if (jobs.length > 0) {
    expect(await send(sqsEvent(...jobs.map((j) => sqsRecord(j))), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
  }
  await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE }));
  return jobs;
}
const page = async (route: Parameters<typeof httpEvent>[0], token: string, extra = {}) =>
  (await surveyPage(httpEvent(route, { token, ...extra }), lambdaContext())) as HttpResult;
const tokenIn = (text: string, path: 'a' | 'v') =>
  new RegExp(`/${path}/([A-Za-z0-9_.-]+)`).exec(text)?.[1] ?? '';

describe('the closed loop, end to end', () => {
  it('should alert, let the owner resolve, ask the customer after 5 working days, reopen on "no" and escalate when overdue', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tag = randomUUID().slice(0, 8);
    const head = `north-${tag}@staff.example`;
    const manager = `manager-${tag}@staff.example`;
    const customer = `customer-${tag}@example.test`;
    const campaign: Campaign = {
      ...demoCampaign,
      report: {
        ...demoCampaign.report,
        managers: [manager],
        departmentHeads: [{ department: 'north-region', email: head, language: 'en' }],
      },
    };

    // Tuesday 29 September: a very dissatisfied answer.
    setNow(shanghai('2026-09-29', '10:00'));
    const wave = await seedWave({ campaign, waveId: `demo-loop-${tag}` });
    const { invitation, surveyToken } = await seedInvitation(wave, {
      customer: { department: 'north-region', language: 'en', email: customer, name: 'Loop Customer' },
    });
    const submitted = await page('POST /s/{token}', surveyToken, {
      form: {
        lang: 'en',
        wave: `${wave.campaignId}/${wave.waveId}`,
        ...ratingFields(allAt('very-dissatisfied')),
      },
    });
    expect(submitted.statusCode).toBe(200);
    await sendQueued();
    const [alert] = await mailTo(head);
    expect(alert).toBeDefined();
    const actionId = responseActionId(invitation.id);

    // Wednesday 30 September: the head resolves it through the link in the alert.
    setNow(shanghai('2026-09-30', '10:00'));
    const actionToken = tokenIn(await textOf(alert!), 'a');
    expect((await page('GET /a/{token}', actionToken)).statusCode).toBe(200);
    const resolved = await page('POST /a/{token}', actionToken, {
      form: { op: 'resolve', rootCause: 'Carrier lost the parcel', actionTaken: 'Sent a new one' },
    });
    expect(resolved.statusCode).toBe(200);
    expect((await actions.getAction(actionId))?.status).toBe('resolved');

    // 5 working days later is Tuesday 13 October (8, 9, 10 (a Saturday worked), 12, 13): not on the 12th.
    setNow(shanghai('2026-10-12', '12:00'));
    await sweep({ campaignId: 'demo' }, lambdaContext());
    expect((await sendQueued()).filter((j) => j.notice === 'verify')).toEqual([]);
    setNow(shanghai('2026-10-13', '12:00'));
    await sweep({ campaignId: 'demo' }, lambdaContext());
    await sweep({ campaignId: 'demo' }, lambdaContext());
    expect((await sendQueued()).filter((j) => j.notice === 'verify')).toHaveLength(1);
    const [followUp, ...more] = await mailTo(customer);
    expect(more).toEqual([]);
    expect(followUp?.subject).toContain('is it resolved to your satisfaction?');
    expect(followUp).toBeDefined();
    const verifyToken = tokenIn(await textOf(followUp!), 'v');

    // The customer says no: reopened, with a new due date, and the managers are told.
    setNow(shanghai('2026-10-14', '09:30'));
    expect((await page('GET /v/{token}', verifyToken, { query: { answer: 'no' } })).statusCode).toBe(200);
    expect((await actions.getAction(actionId))?.status).toBe('resolved');
    expect((await page('POST /v/{token}', verifyToken, { form: { answer: 'no' } })).statusCode).toBe(200);
    const reopened = await actions.getAction(actionId);
    expect(reopened).toMatchObject({ status: 'reopened', round: 1 });
    await sendQueued();
    expect((await mailTo(manager)).length).toBe(1);

    // Not resolved by its due date: escalated to the manager on the next working day, once.
    const due = reopened!.dueDate;
    setNow(shanghai(due, '12:00'));
    await sweep({ campaignId: 'demo' }, lambdaContext());
    expect((await sendQueued()).filter((j) => j.notice === 'escalation')).toEqual([]);
    const next = new Date(shanghai(due, '12:00').getTime() + 86_400_000);
    while ([0, 6].includes(new Date(next.getTime() + 8 * 3_600_000).getUTCDay()))
      next.setTime(next.getTime() + 86_400_000);
    setNow(next);
    await sweep({ campaignId: 'demo' }, lambdaContext());
    await sweep({ campaignId: 'demo' }, lambdaContext());
    expect((await sendQueued()).filter((j) => j.notice === 'escalation')).toHaveLength(1);
    expect((await mailTo(manager)).length).toBe(2);
    expect((await actions.getAction(actionId))?.escalatedAt).toBe(next.toISOString());
  });
});
