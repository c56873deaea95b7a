import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { handler as send } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import {
  httpEvent,
  lambdaContext,
  type Route,
  seedCustomers,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
} from '../support/fixtures.ts';

/*
 * DESIGN.md §3: GET never changes state. Mail scanners fetch every URL in an email, so every link of a
 * real sent invitation (text part, HTML part and the List-Unsubscribe header) is fetched through the real
 * survey-page handler, twice, and the whole table must stay as it was.
 */
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const BASE = process.env.PUBLIC_BASE_URL!;

async function table(): Promise<unknown[]> {
  const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME }));
  return Items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

describe('links in a sent invitation', () => {
  it('should change nothing when every link in the email is fetched with GET', async () => {
    // Arrange: a real invitation email, sent by the send handler through the local SES endpoint.
    const email = `links-${randomUUID().slice(0, 8)}@example.test`;
    const wave = await seedWave();
    const { invitation } = await seedInvitation(wave, { customer: { email, language: 'en' } });
    await seedCustomers([invitation.customer]);
    const out = await send(
      sqsEvent(sqsRecord({ invitationId: invitation.id, step: 'invite' })),
      lambdaContext(),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    const messages = ((await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[]).filter((m) =>
      m.to.includes(email),
    );
    expect(messages).toHaveLength(1);
    const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(messages[0]!.id)}/raw`);
    const mail = await simpleParser(Buffer.from(await raw.arrayBuffer()));
    const listUnsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const found = `${mail.text}\n${mail.html}\n${listUnsubscribe}`.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    const links = [...new Set(found.map((u) => u.replace(/&amp;/g, '&')))].filter((u) => u.startsWith(BASE));
    // The survey link and the unsubscribe link, at least.
    expect(links.some((u) => u.includes('/s/'))).toBe(true);
    expect(links.some((u) => u.includes('/u/'))).toBe(true);
    const before = await table();

    // Act: what a link scanner does, twice over.
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const link of links) {
        const url = new URL(link);
        const [, kind, token] = url.pathname.split('/');
        const route = `GET /${kind}/{token}` as Route;
        const query = Object.fromEntries(url.searchParams);
        const res = (await surveyPage(
          httpEvent(route, { token: token!, ...(Object.keys(query).length ? { query } : {}) }),
          lambdaContext(),
        )) as { statusCode: number };
        statuses.push(res.statusCode);
      }
    }

    // Assert: every link answered with a page, and not one item changed.
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await table()).toEqual(before);
  });
});
