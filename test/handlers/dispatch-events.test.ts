import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { dispatchText } from '../../bin/cli/format.ts';
import { localDateOf } from '../../functions/domain/calendar/index.ts';
import { addMonths } from '../../functions/domain/events.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import { handler as dispatch } from '../../functions/handlers/dispatch/index.ts';
import { handler as send } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import { waveIdFor } from '../../functions/use-cases/dispatch.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { dispatchHandlerNow, drainDispatchQueue } from '../support/dispatch-tasks.ts';
import {
  type HttpResult,
  httpEvent,
  lambdaContext,
  queuedSendJobs,
  seedCustomers,
  sqsEvent,
  sqsRecord,
  testStore,
} from '../support/fixtures.ts';

const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const TAG = randomUUID().slice(0, 8);
const store = testStore();

const queuedJobs = () => queuedSendJobs(QUEUE_URL);

async function mailTo(to: string) {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return Promise.all(
    all
      .filter((m) => m.to.includes(to))
      .map(async (m) => {
        const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(m.id)}/raw`);
        return simpleParser(Buffer.from(await raw.arrayBuffer()));
      }),
  );
}

/*
 * The example programme's after-delivery campaign (seed 001): 1, 3 and 12 months, in Shanghai time. The
 * send function checks expiry against the real clock, so the run is today's and the deliveries are counted
 * back from today (the hand-computed dates are in test/domain/events.test.ts and test/use-cases).
 */
const TICK = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const TODAY = localDateOf(TICK, 'Asia/Shanghai');
const ago = (months: number) => addMonths(TODAY, -months);
const customers: Customer[] = [
  {
    id: `${TAG}-zh`,
    name: '王伟',
    email: `events-${TAG}-zh@example.test`,
    language: 'zh-CN',
    department: 'east-region',
    deliveryDates: [ago(1), ago(3)],
  },
  {
    id: `${TAG}-en`,
    name: 'Alice Morgan',
    email: `events-${TAG}-en@example.test`,
    language: 'en',
    department: 'north-region',
    // The end of the warranty.
    deliveryDates: [ago(12)],
  },
  {
    id: `${TAG}-none`,
    name: 'Nobody Due',
    email: `events-${TAG}-none@example.test`,
    language: 'en',
    department: 'north-region',
    // Ten days ago: its first step is three weeks away.
    deliveryDates: [new Date(Date.parse(`${TODAY}T00:00:00Z`) - 10 * 86_400_000).toISOString().slice(0, 10)],
  },
];

describe('Handler: dispatch of an event-triggered campaign', () => {
  it('should invite the steps due that day, and email each customer naming the delivery', async () => {
    await seedCustomers(customers);
    const event = { campaignId: 'after-delivery', scheduledTime: TICK.toISOString() };

    // The tick stores the wave and queues its shard tasks; the dispatch worker runs them off the queue.
    const result = await dispatchHandlerNow(event);

    expect(result).toStrictEqual({
      campaignId: 'after-delivery',
      waveId: waveIdFor('after-delivery', TICK),
      state: 'done',
      invited: 3,
      created: 3,
      queued: 3,
      day: TODAY,
    });
    const invitations = await store.listInvitations(result.waveId);
    expect(
      invitations
        .map((i) => `${i.customer.id.slice(TAG.length + 1)} ${i.delivery?.date} ${i.delivery?.step}`)
        .sort(),
    ).toEqual([`en ${ago(12)} 12-months`, `zh ${ago(3)} 3-months`, `zh ${ago(1)} 1-month`]);
    const jobs = await queuedJobs();
    expect(jobs.map((j) => j.invitationId).sort()).toEqual(invitations.map((i) => i.id).sort());

    // A retry of the same tick answers with the wave's figures, and adds, queues and runs nothing more.
    expect(await send(sqsEvent(...jobs.map((j) => sqsRecord(j))), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(await dispatch(event, lambdaContext())).toMatchObject({ state: 'done', invited: 3, created: 3 });
    expect(await drainDispatchQueue()).toEqual([]);
    expect(await queuedJobs()).toEqual([]);

    const [english] = await mailTo(customers[1]!.email);
    expect(english?.text).toContain(`This survey is about your delivery of ${ago(12)}.`);
    const chinese = await mailTo(customers[0]!.email);
    expect(
      chinese.map((m) => m.text?.match(/本次调查针对 (\S+) 交付给您的产品和服务。/)?.[1]).sort(),
    ).toEqual([ago(3), ago(1)].sort());
    expect(chinese[0]?.html).toMatch(/<p[^>]*>本次调查针对 \d{4}-\d{2}-\d{2} 交付给您的产品和服务。<\/p>/);
    expect(await mailTo(customers[2]!.email)).toEqual([]);

    // The survey page the English email links to names the delivery too.
    const token = english?.text?.match(/\/s\/([\w.-]+)/)?.[1];
    const page = (await surveyPage(
      httpEvent('GET /s/{token}', { token: token! }),
      lambdaContext(),
    )) as HttpResult;
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`This survey is about your delivery of ${ago(12)}.`);
  });

  it('should end the wave empty on a day with nothing due, without an invite round', async () => {
    // 2026-01-20 in Shanghai: no step of these deliveries falls due from 01-13 to 01-20.
    await seedCustomers([{ ...customers[0]!, deliveryDates: ['2025-11-30', '2026-01-31'] }]);
    const result = await dispatchHandlerNow({
      campaignId: 'after-delivery',
      scheduledTime: '2026-01-20T02:00:00Z',
    });

    // Reports, reminders and status skip an empty wave (isDispatched, status.ts).
    expect(result).toMatchObject({ state: 'empty', invited: 0, created: 0, day: '2026-01-20' });
    expect(dispatchText(result)).toBe(
      `Wave ${result.waveId} of after-delivery: 0 eligible: no step due on 2026-01-20 that an earlier wave ` +
        'did not invite. No invitations; reports and reminders skip it.',
    );
    const wave = await store.getWave('after-delivery', result.waveId);
    expect(wave).toMatchObject({ invited: 0, dispatch: { state: 'empty', plan: { stage: 'key' } } });
    expect(await store.shardRecords(result.waveId, 1)).toEqual([]);
  });
});
