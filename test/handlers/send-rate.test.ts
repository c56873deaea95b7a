import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import type { Invitation } from '../../functions/domain/model.ts';
import { SEND_BATCH_SIZE, SEND_MAX_RECEIVE_COUNT } from '../../lib/stateless-stack.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { type RunningSes, type StoredMessage, startSes } from '../../local/ses-server.ts';
import { type LocalQueue, type RunningSqs, startSqs } from '../../local/sqs-server.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';

/*
 * The account's SES rate and daily quota shared by several instances of the send function: each
 * container a fresh copy of the real send handler (its own SES client, pacer and quota read), all fed at
 * once by a local send queue set up as the stack sets up the real one, all booking in this file's table,
 * all sending to a local SES endpoint of its own whose GetSendQuota says what the test sets and which
 * refuses, as SES does, what goes over the rate in any second or over the 24-hour quota. Nothing mocked.
 */
const RATE = 10;
const CONTAINERS = 4;
/** As the deployed function: a batch's sends must start 7 s before its end (SES's timeout and a write). */
const INVOCATION_MS = 30_000;
const store = testStore();

let ses: RunningSes;
let sqs: RunningSqs;
let queue: LocalQueue;
let mailDir: string;
beforeAll(async () => {
  mailDir = await mkdtemp(join(tmpdir(), 'csat-send-rate-'));
  ses = await startSes({ directory: mailDir, quota: { maxSendRate: RATE, max24HourSend: 1_000_000 } });
  sqs = await startSqs({
    queues: [
      {
        name: 'csat-send',
        batchSize: SEND_BATCH_SIZE,
        concurrency: CONTAINERS,
        maxReceiveCount: SEND_MAX_RECEIVE_COUNT,
        // Longer than an invocation, as the deployed queue's: a record is never redelivered mid-send.
        visibilityTimeoutMs: INVOCATION_MS + 1_000,
      },
    ],
  });
  queue = sqs.queue('csat-send');
  vi.stubEnv('AWS_ENDPOINT_URL_SES', ses.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs.endpoint);
  vi.stubEnv('SEND_QUEUE_URL', queue.url);
  // Paused jobs come back after a second here instead of 15 minutes.
  vi.stubEnv('SEND_QUOTA_PAUSE_SECONDS', '1');
});
afterAll(async () => {
  await sqs.close();
  await ses.close();
  vi.unstubAllEnvs();
  await rm(mailDir, { recursive: true, force: true });
});

type SendHandler = typeof import('../../functions/handlers/send/index.ts')['handler'];

/** When each SendRawEmail left an instance (after its pacing), over all instances. */
const issued: number[] = [];
/** The slots the shared budget booked (epoch ms), one per recipient, over all instances. */
const booked: number[] = [];

/**
 * Cold starts: CONTAINERS fresh copies of the send handler, each reading the quota on first use. Each
 * container's SES client notes when a SendRawEmail leaves the pacer (the SDK call starts).
 */
async function containers(): Promise<Array<{ handler: SendHandler; batches: SQSEvent[] }>> {
  const started = [];
  for (let i = 0; i < CONTAINERS; i++) {
    vi.resetModules();
    const { sesClient } = await import('../../functions/adapters/ses-client.ts');
    sesClient().middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'SendRawEmailCommand') issued.push(Date.now());
        return next(args);
      },
      { step: 'initialize', name: 'noteIssued' },
    );
    const { handler } = await import('../../functions/handlers/send/index.ts');
    // This container's copy of the budget (the registry was reset), noting each booking's slots.
    const { DynamoSendBudget } = await import('../../functions/adapters/dynamo-send-budget.ts');
    const book = DynamoSendBudget.prototype.book;
    DynamoSendBudget.prototype.book = async function (this: InstanceType<typeof DynamoSendBudget>, request) {
      const booking = await book.call(this, request);
      if ('at' in booking) {
        const spacing = request.spanMs / Math.max(1, request.count);
        for (let k = 0; k < Math.max(1, request.count); k++) booked.push(booking.at + k * spacing);
      }
      return booking;
    };
    started.push({ handler, batches: [] as SQSEvent[] });
  }
  return started;
}

/** Lets the queue invoke the containers, as Lambda does, each invocation on a container not busy. */
function consume(fleet: Array<{ handler: SendHandler; batches: SQSEvent[] }>): void {
  const idle = [...fleet];
  queue.consume(async (event) => {
    const container = idle.pop()!;
    container.batches.push(event);
    try {
      return await container.handler(event, lambdaContext('send', INVOCATION_MS));
    } finally {
      idle.push(container);
    }
  });
}

async function queueJobs(count: number): Promise<Invitation[]> {
  const wave = await seedWave();
  const invitations: Invitation[] = [];
  for (let i = 0; i < count; i++) invitations.push((await seedInvitation(wave)).invitation);
  await new SqsSendQueue(new SQSClient({ endpoint: sqs.endpoint }), queue.url).enqueue(
    invitations.map((inv) => ({ invitationId: inv.id, step: 'invite' })),
  );
  return invitations;
}

const to = (invitation: Invitation) => (m: StoredMessage) => m.to.includes(invitation.customer.email);

/** The most of `at` (epoch ms) in any one-second window: a window starting at each. */
function busiestSecond(at: number[]): number {
  const times = [...at].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && (times[j] ?? 0) < (times[i] ?? 0) + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('Handler: send, several instances at the account rate', () => {
  it('should keep every one-second window at or under MaxSendRate together, and send every job once', async () => {
    // Arrange
    const fleet = await containers();
    consume(fleet);

    // Act
    const invitations = await queueJobs(60);
    await queue.idle({ timeoutMs: 100_000 });

    // Assert: every job sent once, confirmed, nothing dead-lettered.
    const messages = ses.messages();
    expect(queue.deadLetters()).toEqual([]);
    for (const inv of invitations) {
      const sent = messages.filter(to(inv));
      expect(sent, inv.customer.email).toHaveLength(1);
      expect((await store.getInvitation(inv.id))?.messageIds?.invite).toBe(sent[0]?.id);
    }
    // The instances worked side by side, and together the budget never booked more than the rate in
    // any second: its slots are what the instances wait for. When each send then left its instance is
    // logged, not asserted: four instances, a queue, a table and the endpoint share this process's event
    // loop, and on a loaded machine a timer fires late in bursts (a send whose slot passed three times
    // goes anyway, ses-pacer.ts). Without the shared budget, four instances would book up to 4 × RATE.
    expect(fleet.filter((c) => c.batches.length > 0).length).toBeGreaterThan(1);
    expect(booked.length).toBeGreaterThanOrEqual(invitations.length);
    expect(busiestSecond(booked)).toBeLessThanOrEqual(RATE);
    console.log(
      `busiest second: ${busiestSecond(booked)} booked, ${busiestSecond(issued)} sent, ${busiestSecond(messages.map((m) => Date.parse(m.receivedAt)))} received, of ${RATE}; refused`,
      ses.refused(),
    );
  }, 120_000);

  it('should send no more than Max24HourSend leaves, together, and pause the rest, never dead-letter it', async () => {
    // Arrange: what the first test sent, and room for 7 more today.
    const sentBefore = ses.messages().length;
    ses.setQuota({ maxSendRate: 1000, max24HourSend: sentBefore + 7 });
    const fleet = await containers();
    consume(fleet);

    // Act
    const invitations = await queueJobs(20);
    await vi.waitFor(
      () => {
        // The seven have gone out, and every job not sent has come back to the instances at least twice
        // (paused, then again).
        expect(invitations.filter((i) => ses.messages().some(to(i))).length).toBeGreaterThanOrEqual(7);
        for (const inv of invitations.filter((i) => ses.messages().filter(to(i)).length === 0)) {
          const deliveries = fleet.flatMap((c) => c.batches.flatMap((b) => b.Records));
          expect(deliveries.filter((r) => r.body.includes(inv.id)).length).toBeGreaterThanOrEqual(2);
        }
      },
      { timeout: 30_000, interval: 200 },
    );

    // Assert: exactly seven sent, each once; SES never had to refuse one for the quota.
    const sent = invitations.filter((i) => ses.messages().some(to(i)));
    expect(sent).toHaveLength(7);
    for (const inv of sent) expect(ses.messages().filter(to(inv))).toHaveLength(1);
    expect(ses.refused().daily).toBe(0);
    // The rest: not sent, not claimed, not dead-lettered; each return a new message (receive count 1).
    expect(queue.deadLetters()).toEqual([]);
    for (const inv of invitations.filter((i) => !sent.includes(i))) {
      expect((await store.getInvitation(inv.id))?.sent?.invite, inv.id).toBeUndefined();
    }
    const receives = fleet.flatMap((c) => c.batches.flatMap((b) => b.Records));
    expect(new Set(receives.map((r) => r.attributes.ApproximateReceiveCount))).toEqual(new Set(['1']));
  }, 60_000);
});
