import { GetSendQuotaCommand, SendRawEmailCommand, type SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import type { Invitation } from '../../functions/domain/model.ts';
import { SEND_BATCH_SIZE, SEND_MAX_RECEIVE_COUNT } from '../../lib/stateless-stack.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { type LocalQueue, type RunningSqs, startSqs } from '../../local/sqs-server.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';

/*
 * SES's daily quota (Max24HourSend) used up: the real send handler, fed by the local SQS endpoint set up
 * as the stack sets up the send queue, pauses its jobs instead of trying them, and they never reach the
 * dead-letter list. Only what the emulators cannot produce is mocked: GetSendQuota's numbers and SES's
 * "Daily message quota exceeded" answer (and, while that answer is given, the accepted sends).
 */
const store = testStore();
const JOBS = 3;

let sqs: RunningSqs | undefined;
const restore: Array<() => void> = [];
afterEach(async () => {
  await sqs?.close();
  sqs = undefined;
  for (const r of restore.splice(0)) r();
  vi.unstubAllEnvs();
});

const dailyQuotaError = () =>
  Object.assign(new Error('Daily message quota exceeded.'), {
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

type Quota = { Max24HourSend: number; SentLast24Hours: number };

/**
 * One Lambda container of the send function (a fresh copy of the handler module, with its own SES client
 * and pacer) whose SES answers GetSendQuota with `quota` and SendRawEmail with `sendRawEmail`.
 */
async function container(quota: Quota, sendRawEmail: (input: SendRawEmailCommandInput) => Promise<unknown>) {
  vi.resetModules();
  const { sesClient } = await import('../../functions/adapters/ses-client.ts');
  const mock = mockClient(sesClient());
  restore.push(() => mock.restore());
  mock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 100, ...quota });
  mock.on(SendRawEmailCommand).callsFake(sendRawEmail);
  const { handler } = await import('../../functions/handlers/send/index.ts');
  // The container's own logger (the same module copy the handler got): what ops would see.
  const { logger } = await import('../../functions/adapters/logger.ts');
  const warn = vi.spyOn(logger, 'warn');
  restore.push(() => warn.mockRestore());
  const warnings = () => warn.mock.calls.map((args) => JSON.stringify(args));
  const delivered: SQSEvent['Records'] = [];
  const consume = async (event: SQSEvent) => {
    delivered.push(...event.Records);
    return handler(event, lambdaContext('send', 30_000));
  };
  return { consume, delivered, warnings, sendCalls: () => mock.commandCalls(SendRawEmailCommand).length };
}

/** A local send queue as the stack configures it, the handler's SQS client pointed at it. */
async function sendQueue(): Promise<LocalQueue> {
  sqs = await startSqs({
    queues: [
      {
        name: 'csat-send',
        batchSize: SEND_BATCH_SIZE,
        concurrency: 1,
        maxReceiveCount: SEND_MAX_RECEIVE_COUNT,
        visibilityTimeoutMs: 6_000,
      },
    ],
  });
  const queue = sqs.queue('csat-send');
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs.endpoint);
  vi.stubEnv('SEND_QUEUE_URL', queue.url);
  // Paused jobs come back after a second here instead of 15 minutes.
  vi.stubEnv('SEND_QUOTA_PAUSE_SECONDS', '1');
  return queue;
}

async function queueJobs(queue: LocalQueue): Promise<Invitation[]> {
  const wave = await seedWave();
  const invitations: Invitation[] = [];
  for (let i = 0; i < JOBS; i++) invitations.push((await seedInvitation(wave)).invitation);
  await new SqsSendQueue(new SQSClient({ endpoint: sqs!.endpoint }), queue.url).enqueue(
    invitations.map((inv) => ({ invitationId: inv.id, step: 'invite' })),
  );
  return invitations;
}

/** SES accepting every message, recording who got which message id. */
function acceptingSes() {
  const delivered = new Map<string, string[]>();
  let ids = 0;
  const sendRawEmail = async (input: SendRawEmailCommandInput) => {
    const messageId = `fake-ses-${++ids}`;
    for (const to of input.Destinations ?? []) delivered.set(to, [...(delivered.get(to) ?? []), messageId]);
    return { MessageId: messageId };
  };
  return { sendRawEmail, delivered };
}

/** Waits until every job has come back to the paused container at least twice (the queue's doing). */
async function untilRedelivered(delivered: SQSEvent['Records'], invitations: Invitation[]) {
  await vi.waitFor(
    () => {
      for (const inv of invitations) {
        expect(delivered.filter((r) => r.body.includes(inv.id)).length).toBeGreaterThanOrEqual(2);
      }
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe('Handler: send, with SES daily quota used up', () => {
  it('should pause jobs while GetSendQuota says the quota is used up, and send each once when it frees', async () => {
    // Arrange: SentLast24Hours has reached Max24HourSend.
    const queue = await sendQueue();
    const ses = acceptingSes();
    const paused = await container({ Max24HourSend: 200, SentLast24Hours: 200 }, ses.sendRawEmail);

    // Act: the jobs meet the used-up quota, and come back to it.
    queue.consume(paused.consume);
    const invitations = await queueJobs(queue);
    await untilRedelivered(paused.delivered, invitations);

    // Assert: nothing sent, nothing claimed, nothing dead-lettered; each return is a new message.
    expect(paused.sendCalls()).toBe(0);
    expect(queue.deadLetters()).toEqual([]);
    for (const inv of invitations) {
      expect((await store.getInvitation(inv.id))?.sent?.invite, inv.id).toBeUndefined();
    }
    const ids = paused.delivered.map((r) => r.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(paused.delivered.map((r) => r.attributes.ApproximateReceiveCount))).toEqual(
      new Set(['1']),
    );
    // Ops see the pause in the log; the log names no customer.
    const pauses = paused.warnings().filter((w) => w.includes('daily sending quota used up'));
    expect(pauses.length).toBeGreaterThan(0);
    for (const inv of invitations) expect(pauses.join('\n')).not.toContain(inv.customer.email);

    // Act: the quota frees; the next container (a later cold start) reads it.
    const freed = await container({ Max24HourSend: 200, SentLast24Hours: 150 }, ses.sendRawEmail);
    queue.consume(freed.consume);
    await queue.idle({ timeoutMs: 20_000 });

    // Assert: each job sent exactly once, and recorded as sent.
    expect(queue.deadLetters()).toEqual([]);
    for (const inv of invitations) {
      const sent = ses.delivered.get(inv.customer.email) ?? [];
      expect(sent, inv.customer.email).toHaveLength(1);
      expect((await store.getInvitation(inv.id))?.messageIds?.invite).toBe(sent[0]);
    }
  }, 60_000);

  it('should pause jobs when SES answers "Daily message quota exceeded", and send each once when it takes them again', async () => {
    // Arrange: GetSendQuota shows room, but SES refuses for the daily quota (another sender used it up).
    const queue = await sendQueue();
    const ses = acceptingSes();
    const refusing = await container({ Max24HourSend: 200, SentLast24Hours: 10 }, async () => {
      throw dailyQuotaError();
    });

    // Act
    queue.consume(refusing.consume);
    const invitations = await queueJobs(queue);
    await untilRedelivered(refusing.delivered, invitations);

    // Assert: SES was asked at most once a job (the batch's sends go side by side, and those still
    // waiting for their slot when SES refused are not tried), every claim undone; no dead letters.
    expect(refusing.sendCalls()).toBeGreaterThanOrEqual(1);
    expect(refusing.sendCalls()).toBeLessThanOrEqual(JOBS);
    expect(queue.deadLetters()).toEqual([]);
    for (const inv of invitations) {
      expect((await store.getInvitation(inv.id))?.sent?.invite, inv.id).toBeUndefined();
    }

    // Act: SES takes mail again.
    const accepting = await container({ Max24HourSend: 200, SentLast24Hours: 10 }, ses.sendRawEmail);
    queue.consume(accepting.consume);
    await queue.idle({ timeoutMs: 20_000 });

    // Assert
    expect(queue.deadLetters()).toEqual([]);
    for (const inv of invitations) {
      const sent = ses.delivered.get(inv.customer.email) ?? [];
      expect(sent, inv.customer.email).toHaveLength(1);
      expect((await store.getInvitation(inv.id))?.messageIds?.invite).toBe(sent[0]);
    }
  }, 60_000);
});
