import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { SIMULATOR } from '../../functions/domain/smoke.ts';
import { INVITATION_TAG } from '../../functions/use-cases/send.ts';
import { type RunningSes, type SesEventBridgeEvent, startSes } from '../../local/ses-server.ts';

/* The local SES endpoint's mailbox simulator: bounce@ and complaint@ give the events SES publishes. */
describe('local SES endpoint: mailbox simulator', () => {
  let dir: string;
  let ses: RunningSes;
  let mailer: SesMailer;
  const events: SesEventBridgeEvent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csat-ses-sim-'));
    ses = await startSes({ directory: dir, configurationSet: 'csat-test', onEvent: (e) => events.push(e) });
    mailer = new SesMailer(
      new SESClient({
        endpoint: ses.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
    );
  });

  afterAll(async () => {
    await ses.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (to: string, tags?: Record<string, string>) =>
    mailer.send({
      raw: new TextEncoder().encode(`From: survey@example.com\r\nTo: ${to}\r\nSubject: hi\r\n\r\nhello\r\n`),
      from: 'survey@example.com',
      to: [to],
      ...(tags ? { tags } : {}),
    });

  const eventFor = async (messageId: string): Promise<SesEventBridgeEvent | undefined> => {
    // Events follow the answer to SendRawEmail, never inside it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return events.find((e) => (e.detail.mail as { messageId: string }).messageId === messageId);
  };

  it('should report a permanent bounce for bounce@simulator, with the message tags as lists', async () => {
    // Act
    const messageId = await send(SIMULATOR.bounce, { [INVITATION_TAG]: 'inv-1' });

    // Assert
    const event = await eventFor(messageId);
    expect(event).toMatchObject({
      source: 'aws.ses',
      'detail-type': 'Email Bounced',
      resources: [expect.stringMatching(/:configuration-set\/csat-test$/)],
      detail: {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent' },
        mail: {
          messageId,
          tags: { [INVITATION_TAG]: ['inv-1'], 'ses:configuration-set': ['csat-test'] },
        },
      },
    });
  });

  it('should report a complaint for complaint@simulator', async () => {
    // Act
    const messageId = await send(SIMULATOR.complaint, { [INVITATION_TAG]: 'inv-2' });

    // Assert
    const event = await eventFor(messageId);
    expect(event).toMatchObject({
      'detail-type': 'Email Complaint Received',
      detail: { eventType: 'Complaint', mail: { messageId, tags: { [INVITATION_TAG]: ['inv-2'] } } },
    });
  });

  it('should report nothing for success@simulator or any other address, and keep every message', async () => {
    // Act
    const ok = await send(SIMULATOR.success, { [INVITATION_TAG]: 'inv-3' });
    const other = await send('someone@example.test');

    // Assert
    expect(await eventFor(ok)).toBeUndefined();
    expect(await eventFor(other)).toBeUndefined();
    expect(ses.messages().map((m) => m.id)).toEqual(expect.arrayContaining([ok, other]));
  });
});
