import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { addressHash, invitationId, signToken } from '../../functions/domain/token.ts';
import { handler as remind } from '../../functions/handlers/remind/index.ts';
import { handler as sesEvents } from '../../functions/handlers/ses-events/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import { importCustomers } from '../../functions/use-cases/import-customers.ts';
import { INVITATION_TAG } from '../../functions/use-cases/send.ts';
import { suppressAddress } from '../../functions/use-cases/suppression.ts';
import { dispatchHandlerNow } from '../support/dispatch-tasks.ts';
import {
  httpEvent,
  lambdaContext,
  queuedSendJobs,
  seedInvitation,
  seedWave,
  testStore,
  testSuppressions,
} from '../support/fixtures.ts';

/** A wave dispatched to its end: the handler, then the dispatch worker on its tasks. */
const dispatch = (event: Record<string, unknown>, _context?: unknown) => dispatchHandlerNow(event);

/*
 * Suppression outlives retention (issue 11, deliverable 4), with the real handlers on the emulators. The
 * customer item expires 365 days after the last import (`purgeAt`, the table's TTL). dynalite has no TTL,
 * so expiry is simulated as DynamoDB's TTL would do it a year and more later: every item whose `purgeAt`
 * is before a day 400 days on is deleted — the customer, their invitations and the wave.
 */
const TABLE = process.env.TABLE_NAME!;
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const ddb = documentClient();
const store = testStore();
const ctx = lambdaContext();

async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** What TTL would have deleted by `day`: every item with a `purgeAt` before it. Returns the deleted keys. */
async function expireAllBefore(day: Date): Promise<string[]> {
  const cutoff = Math.floor(day.getTime() / 1000);
  const expired = (await scanAll()).filter((i) => typeof i.purgeAt === 'number' && i.purgeAt < cutoff);
  for (const i of expired)
    await ddb.send(new DeleteCommand({ TableName: TABLE, Key: { pk: i.pk, sk: i.sk } }));
  return expired.map((i) => String(i.pk));
}

const importCsv = (rows: string[]) =>
  importCustomers(
    { store },
    { text: ['id,name,email,language,department', ...rows].join('\n'), format: 'csv' },
  );

const DEMO_DEPARTMENT = 'east-region';

beforeEach(async () => {
  await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Suppression that outlives the customer item', () => {
  it('should never email again an address that unsubscribed, after its item expired and it was re-imported', async () => {
    // Arrange: a customer imported and surveyed, who unsubscribes through the link of the email.
    await importCsv([
      `u-1,Ann Lee,ann.lee@example.test,en,${DEMO_DEPARTMENT}`,
      `u-2,Bo Chen,bo.chen@example.test,zh-CN,${DEMO_DEPARTMENT}`,
    ]);
    const first = await dispatch({ campaignId: 'demo', scheduledTime: '2025-01-01T01:00:00Z' }, ctx);
    expect(first.invited).toBe(2);
    const token = signToken(process.env.TOKEN_SECRET!, 'unsubscribe', invitationId(first.waveId, 'u-1'));
    const res = await surveyPage(httpEvent('POST /u/{token}', { token, form: {} }), ctx);
    expect(res).toMatchObject({ statusCode: 200 });

    // The record: keyed by the address's hash, no purgeAt, and nothing that names the customer.
    const hash = addressHash(process.env.TOKEN_SECRET!, 'ann.lee@example.test');
    const record = (await scanAll()).find((i) => i.pk === `SUPPRESS#${hash}`);
    expect(record).toMatchObject({ sk: 'SUPPRESS', reasons: new Set(['unsubscribed']) });
    expect(record).not.toHaveProperty('purgeAt');
    expect(JSON.stringify({ ...record, reasons: [...(record!.reasons as Set<string>)] })).not.toMatch(
      /ann|lee|u-1|example/i,
    );

    // Act: a year and more later TTL has removed the customer items (with unsubscribedAt), the
    // invitations and the wave; the same customer is imported again, the address in other case.
    const deleted = await expireAllBefore(new Date(Date.now() + 400 * 86_400_000));
    expect(deleted).toEqual(expect.arrayContaining(['CUSTOMER#u-1', 'CUSTOMER#u-2']));
    expect(await store.getCustomer('u-1')).toBeUndefined();
    await importCsv([
      `u-1,Ann Lee,ANN.Lee@Example.TEST,en,${DEMO_DEPARTMENT}`,
      `u-2,Bo Chen,bo.chen@example.test,zh-CN,${DEMO_DEPARTMENT}`,
    ]);
    expect((await store.getCustomer('u-1'))?.unsubscribedAt).toBeUndefined();
    await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
    const later = await dispatch({ campaignId: 'demo', scheduledTime: '2026-03-02T01:00:00Z' }, ctx);

    // Assert: not invited, not emailed, and the wave says why.
    expect(later.invited).toBe(1);
    expect(later.excluded).toMatchObject({ unsubscribed: 1, suppressed: 0 });
    const invited = await store.listInvitations(later.waveId);
    expect(invited.map((i) => i.customer.id)).toEqual(['u-2']);
    const jobs = await queuedSendJobs(QUEUE_URL);
    expect(jobs.map((j) => j.invitationId)).toEqual([invitationId(later.waveId, 'u-2')]);
    expect((await store.getWave('demo', later.waveId))?.selection?.excluded.unsubscribed).toBe(1);
    // The record is unchanged: one reason, the first date.
    const again = (await scanAll()).find((i) => i.pk === `SUPPRESS#${hash}`);
    expect(again?.since).toBe(record?.since);
  });

  it('should never email again an address that complained, after its item expired and it was re-imported', async () => {
    // Arrange: a customer whose survey email drew a complaint (SES → EventBridge → ses-events).
    await importCsv([`c-1,Cai Wen,cai.wen@example.test,zh-CN,${DEMO_DEPARTMENT}`]);
    const first = await dispatch({ campaignId: 'demo', scheduledTime: '2025-02-03T01:00:00Z' }, ctx);
    const id = invitationId(first.waveId, 'c-1');
    const outcome = await sesEvents(
      {
        source: 'aws.ses',
        'detail-type': 'Email Complaint Received',
        detail: {
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: 'cai.wen@example.test' }] },
          mail: { messageId: 'm-1', tags: { [INVITATION_TAG]: [id] } },
        },
      },
      ctx,
    );
    expect(outcome).toEqual({ outcome: 'suppressed' });

    // Act: everything with an expiry is gone a year on; the customer comes back with the address padded.
    await expireAllBefore(new Date(Date.now() + 400 * 86_400_000));
    await importCsv([`c-1,Cai Wen,Cai.Wen@example.test,zh-CN,${DEMO_DEPARTMENT}`]);
    await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
    const later = await dispatch({ campaignId: 'demo', scheduledTime: '2026-04-01T01:00:00Z' }, ctx);

    // Assert
    expect(later.invited).toBe(0);
    expect(later.excluded).toMatchObject({ suppressed: 1, unsubscribed: 0 });
    expect(await queuedSendJobs(QUEUE_URL)).toEqual([]);
  });

  it('should keep the first date and add reasons when an address is suppressed again for another reason', async () => {
    const suppressions = testSuppressions();
    await suppressAddress(suppressions, 'twice@example.test', 'bounced', '2026-01-01T00:00:00.000Z');
    await suppressAddress(suppressions, ' TWICE@example.test ', 'complained', '2026-02-01T00:00:00.000Z');
    await suppressAddress(suppressions, 'twice@example.test', 'bounced', '2026-03-01T00:00:00.000Z');

    const hash = addressHash(process.env.TOKEN_SECRET!, 'twice@example.test');
    expect(await suppressions.list.find([hash, hash, 'unknown'])).toEqual(
      new Map([[hash, { reasons: ['bounced', 'complained'], since: '2026-01-01T00:00:00.000Z' }]]),
    );
  });

  it('should find suppressed hashes among any number, a batch of 100 at a time', async () => {
    const suppressions = testSuppressions();
    const secret = process.env.TOKEN_SECRET!;
    const addresses = Array.from({ length: 250 }, (_, i) => `many-${i}@example.test`);
    const suppressed = [0, 99, 100, 199, 249].map((i) => addresses[i]!);
    for (const a of suppressed) await suppressAddress(suppressions, a, 'erased', '2026-01-01T00:00:00.000Z');
    const send = vi.spyOn(ddb, 'send');

    const found = await suppressions.list.find(addresses.map((a) => addressHash(secret, a)));

    expect([...found.keys()].sort()).toEqual(suppressed.map((a) => addressHash(secret, a)).sort());
    expect(send).toHaveBeenCalledTimes(3);
    send.mockRestore();
  });
});

describe('Reminders to a suppressed address', () => {
  it('should not queue a reminder to an address suppressed since the invitation went out', async () => {
    // Arrange: Tue 10 Mar 2026, 10:00 in Shanghai; two invitations sent Mon 2 Mar, both due a reminder.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-10T02:00:00.000Z'));
    const createdAt = '2026-03-02T01:00:00.000Z';
    const wave = await seedWave({
      createdAt,
      deadline: new Date(Date.parse(createdAt) + 30 * 86_400_000).toISOString(),
    });
    const sent = { invite: createdAt };
    const kept = await seedInvitation(wave, { customer: { email: 'keep.me@example.test' }, sent });
    const gone = await seedInvitation(wave, { customer: { email: 'gone@example.test' }, sent });
    await suppressAddress(testSuppressions(), ' Gone@Example.test', 'erased', '2026-03-05T00:00:00.000Z');

    // Act
    const result = await remind({ campaignId: 'demo' }, ctx);

    // Assert
    const summary = result.waves.find((w) => w.waveId === wave.waveId);
    expect(summary).toMatchObject({ queued: { 'remind-1': 1 }, notDue: { suppressed: 1 } });
    const jobs = await queuedSendJobs(QUEUE_URL);
    expect(jobs).toEqual([{ invitationId: kept.invitation.id, step: 'remind-1' }]);
    expect(jobs.map((j) => j.invitationId)).not.toContain(gone.invitation.id);
  });
});
