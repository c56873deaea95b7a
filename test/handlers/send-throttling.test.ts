import { setTimeout as sleep } from 'node:timers/promises';
import { GetSendQuotaCommand, SendRawEmailCommand, type SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import type { Invitation } from '../../functions/domain/model.ts';
import { SEND_BATCH_SIZE, SEND_MAX_RECEIVE_COUNT } from '../../lib/stateless-stack.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { type RunningSqs, startSqs } from '../../local/sqs-server.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';

/*
 * The whole send path under SES throttling, as deployed: the real send handler fed by the local SQS
 * endpoint with the stack's batch size, concurrency and maxReceiveCount; only SES is replaced, by a fake
 * that accepts a fixed number of messages per second and answers Throttling beyond that.
 */

/** Containers of the send function taking batches at once. */
const SEND_CONCURRENCY = 2;
const JOBS = 30;
/** Messages per second the fake SES accepts. */
const RATE = 5;
/**
 * The time each invocation has: its sends must start 7 s before its end (SES's timeout and a write), so
 * a batch books slots up to 5 s ahead and returns the rest untried.
 */
const INVOCATION_MS = 12_000;
const store = testStore();

/** SES at a fixed rate: at most RATE messages accepted in any one second, `Throttling` beyond that. */
function sesAtFixedRate() {
  const acceptedAt: number[] = [];
  const delivered = new Map<string, string[]>();
  const stats = { inFlight: 0, maxInFlight: 0, throttled: 0 };
  let ids = 0;
  const sendRawEmail = async (input: SendRawEmailCommandInput) => {
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      await sleep(10); // the round trip to SES
      const now = Date.now();
      while (acceptedAt.length > 0 && acceptedAt[0]! <= now - 1000) acceptedAt.shift();
      if (acceptedAt.length >= RATE) {
        stats.throttled += 1;
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'Throttling',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      acceptedAt.push(now);
      const messageId = `fake-ses-${++ids}`;
      for (const to of input.Destinations ?? []) delivered.set(to, [...(delivered.get(to) ?? []), messageId]);
      return { MessageId: messageId };
    } finally {
      stats.inFlight -= 1;
    }
  };
  return { sendRawEmail, delivered, stats };
}

let sqs: RunningSqs | undefined;
const restore: Array<() => void> = [];
afterEach(async () => {
  await sqs?.close();
  sqs = undefined;
  for (const r of restore.splice(0)) r();
  vi.unstubAllEnvs();
});

type SendHandler = typeof import('../../functions/handlers/send/index.ts')['handler'];

/**
 * SEND_CONCURRENCY Lambda containers of the send function: each a fresh copy of the handler module with
 * its own SES client, pacer and quota cache, all talking to the one fake SES (GetSendQuota: `quotaRate`)
 * and booking their sends in the one shared budget on this file's table.
 */
async function sendFunction(ses: ReturnType<typeof sesAtFixedRate>, quotaRate: number) {
  const containers: Array<{ handler: SendHandler; quotaCalls: () => number }> = [];
  for (let i = 0; i < SEND_CONCURRENCY; i++) {
    vi.resetModules();
    const { sesClient } = await import('../../functions/adapters/ses-client.ts');
    const mock = mockClient(sesClient());
    restore.push(() => mock.restore());
    mock.on(SendRawEmailCommand).callsFake(ses.sendRawEmail);
    mock
      .on(GetSendQuotaCommand)
      .resolves({ MaxSendRate: quotaRate, Max24HourSend: 50_000, SentLast24Hours: 0 });
    const { handler } = await import('../../functions/handlers/send/index.ts');
    containers.push({ handler, quotaCalls: () => mock.commandCalls(GetSendQuotaCommand).length });
  }
  return containers;
}

/** Queues one send job per new invitation on a local queue set up as the stack sets up the real one. */
async function queueJobs(containers: Array<{ handler: SendHandler }>) {
  const wave = await seedWave();
  const invitations: Invitation[] = [];
  for (let i = 0; i < JOBS; i++) invitations.push((await seedInvitation(wave)).invitation);
  const consumerErrors: unknown[] = [];
  sqs = await startSqs({
    queues: [
      {
        name: 'csat-send',
        batchSize: SEND_BATCH_SIZE,
        concurrency: SEND_CONCURRENCY,
        maxReceiveCount: SEND_MAX_RECEIVE_COUNT,
        // Longer than an invocation may take here (INVOCATION_MS), as the deployed queue's three minutes
        // are longer than the send function's 30 s timeout: a record is never redelivered while it is
        // being sent.
        visibilityTimeoutMs: INVOCATION_MS + 1_000,
      },
    ],
    onConsumerError: (e) => consumerErrors.push(e),
  });
  const queue = sqs.queue('csat-send');
  // As Lambda does, each concurrent invocation runs in a container that is not busy.
  const idle = [...containers];
  queue.consume(async (event) => {
    const container = idle.pop()!;
    try {
      return await container.handler(event, lambdaContext('send', INVOCATION_MS));
    } finally {
      idle.push(container);
    }
  });
  await new SqsSendQueue(new SQSClient({ endpoint: sqs.endpoint }), queue.url).enqueue(
    invitations.map((inv) => ({ invitationId: inv.id, step: 'invite' })),
  );
  return { queue, invitations, consumerErrors };
}

describe('Handler: send, throttled by SES', () => {
  it.each([
    { quota: RATE, when: 'GetSendQuota reports the rate SES enforces' },
    {
      quota: RATE * 4,
      when: 'SES allows a quarter of what GetSendQuota reports (another sender shares the account)',
    },
  ])(
    'should send every job exactly once and dead-letter none when $when',
    async ({ quota }) => {
      // Arrange
      const ses = sesAtFixedRate();
      const containers = await sendFunction(ses, quota);

      // Act
      const { queue, invitations, consumerErrors } = await queueJobs(containers);
      await queue.idle({ timeoutMs: 80_000 });

      // Assert
      console.log('STATS', JSON.stringify(ses.stats));
      expect(queue.deadLetters()).toEqual([]);
      expect(consumerErrors).toEqual([]);
      for (const inv of invitations) {
        const ids = ses.delivered.get(inv.customer.email) ?? [];
        expect(ids, inv.customer.email).toHaveLength(1);
        const stored = await store.getInvitation(inv.id);
        expect(stored?.messageIds?.invite).toBe(ids[0]);
        expect(stored?.sendUncertain?.invite).toBeUndefined();
      }
      // The quota read once per container; the shared budget, not a share per container, paces them.
      expect(containers.map((c) => c.quotaCalls())).toEqual(containers.map(() => 1));
    },
    120_000,
  );
});
