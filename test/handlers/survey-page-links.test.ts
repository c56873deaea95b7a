import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { Wave } from '../../functions/domain/model.ts';
import { invitationId, signToken } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedCustomers,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { allAt, ratingFields } from '../support/programme.ts';

const store = testStore();
const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await handler(httpEvent(route, options), lambdaContext())) as HttpResult;

/** A complete form: every category at `level`, as the page posts it. */
const formAt = (level: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...ratingFields(allAt(level)),
  ...extra,
});

let wave: Wave;
const freshWave = async (): Promise<Wave> => {
  wave ??= await seedWave();
  return wave;
};

describe('links that cannot be used', () => {
  it('should answer unknown, expired, forged and malformed links with the same status and page', async () => {
    const w = await freshWave();
    const expired = await seedInvitation(w, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const used = await seedInvitation(w);
    await call('POST /s/{token}', { token: used.surveyToken, form: formAt('satisfied') });
    const secret = process.env.TOKEN_SECRET!;
    const tokens = {
      unknown: signToken(secret, 'survey', invitationId(w.waveId, 'nobody')),
      expired: expired.surveyToken,
      forged: `${used.invitation.id}.${'A'.repeat(22)}`,
      unsubscribeToken: used.unsubscribeToken,
      garbage: '<script>',
    };

    const asPosted = formAt('satisfied', { lang: 'en', wave: `${w.campaignId}/${w.waveId}` });
    for (const [route, form] of [
      ['GET /s/{token}', undefined],
      ['POST /s/{token}', formAt('satisfied')],
      ['POST /s/{token}', asPosted],
    ] as const) {
      const results = await Promise.all(Object.values(tokens).map((token) => call(route, { token, form })));
      const first = results[0]!;
      expect(first.statusCode).toBe(404);
      expect(first.body).toContain('此链接已无法使用');
      expect(first.body).toContain('This link can no longer be used');
      for (const r of results) {
        expect(r.statusCode).toBe(first.statusCode);
        expect(r.headers).toEqual(first.headers);
        expect(r.body).toBe(first.body);
      }
    }
    expect((await store.getInvitation(expired.invitation.id))?.response).toBeUndefined();
    // The submit's conditional write creates no item for an invitation that does not exist.
    expect(await store.getInvitation(invitationId(w.waveId, 'nobody'))).toBeUndefined();
  });

  it('should answer a request for no known route with the same page', async () => {
    const event = httpEvent('GET /s/{token}', { token: 'x' });
    event.routeKey = '$default';
    event.rawPath = '/admin';

    const res = (await handler(event, lambdaContext())) as HttpResult;

    expect(res.statusCode).toBe(404);
  });

  it('should route on method and path when API Gateway sends a $default route key', async () => {
    const { surveyToken } = await seedInvitation(await freshWave());
    const event = httpEvent('GET /s/{token}', { token: surveyToken });
    event.routeKey = '$default';
    event.pathParameters = undefined;
    event.rawPath = `/prod/s/${surveyToken}`;

    const res = (await handler(event, lambdaContext())) as HttpResult;

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form method="post" id="survey" novalidate>');
  });
});

describe('unsubscribe', () => {
  it('should ask for confirmation on GET and change nothing', async () => {
    const seeded = await seedInvitation(await freshWave(), { customer: { language: 'en' } });
    await seedCustomers([seeded.invitation.customer]);
    const before = await store.getInvitation(seeded.invitation.id);

    const res = await call('GET /u/{token}', { token: seeded.unsubscribeToken });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form method="post">');
    expect(res.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(await store.getInvitation(seeded.invitation.id)).toEqual(before);
    const customer = (await store.listCustomers()).find((c) => c.id === seeded.invitation.customer.id);
    expect(customer?.unsubscribedAt).toBeUndefined();
  });

  it('should unsubscribe the invitation and the customer on POST from the confirmation form', async () => {
    const seeded = await seedInvitation(await freshWave());
    await seedCustomers([seeded.invitation.customer]);

    const res = await call('POST /u/{token}', { token: seeded.unsubscribeToken, form: { lang: 'en' } });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>You are unsubscribed</h1>');
    expect((await store.getInvitation(seeded.invitation.id))?.unsubscribedAt).toEqual(expect.any(String));
    const customer = (await store.listCustomers()).find((c) => c.id === seeded.invitation.customer.id);
    expect(customer?.unsubscribedAt).toEqual(expect.any(String));
    const again = await call('GET /u/{token}', { token: seeded.unsubscribeToken });
    expect(again.body).toContain('<h1>您已退订</h1>');
  });

  it.each([
    ['urlencoded', { form: { 'List-Unsubscribe': 'One-Click' } }],
    [
      'multipart',
      {
        body: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
        contentType: 'multipart/form-data; boundary=b',
      },
    ],
  ] as const)('should unsubscribe on an RFC 8058 one-click POST (%s)', async (_, options) => {
    const seeded = await seedInvitation(await freshWave());

    const res = await call('POST /u/{token}', { token: seeded.unsubscribeToken, ...options });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('您已退订');
    expect(res.body).toContain('You are unsubscribed');
    expect((await store.getInvitation(seeded.invitation.id))?.unsubscribedAt).toEqual(expect.any(String));
  });

  it('should unsubscribe after the survey expired or was answered', async () => {
    const w = await freshWave();
    const expired = await seedInvitation(w, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const answered = await seedInvitation(w);
    await call('POST /s/{token}', { token: answered.surveyToken, form: formAt('satisfied') });

    for (const seeded of [expired, answered]) {
      expect((await call('GET /u/{token}', { token: seeded.unsubscribeToken })).statusCode).toBe(200);
      const res = await call('POST /u/{token}', { token: seeded.unsubscribeToken, form: { lang: 'zh-CN' } });
      expect(res.statusCode).toBe(200);
      expect((await store.getInvitation(seeded.invitation.id))?.unsubscribedAt).toEqual(expect.any(String));
    }
  });

  it('should show unknown and survey tokens the link-unavailable page and change nothing', async () => {
    const seeded = await seedInvitation(await freshWave());
    const unavailable = (await call('GET /s/{token}', { token: 'nope' })).body;
    const unknown = signToken(process.env.TOKEN_SECRET!, 'unsubscribe', invitationId('w', 'nobody'));

    for (const token of [unknown, seeded.surveyToken, 'nope']) {
      for (const route of ['GET /u/{token}', 'POST /u/{token}'] as const) {
        const res = await call(route, { token, form: { 'List-Unsubscribe': 'One-Click' } });
        expect(res.statusCode).toBe(404);
        expect(res.body).toBe(unavailable);
      }
    }
    expect((await store.getInvitation(seeded.invitation.id))?.unsubscribedAt).toBeUndefined();
  });

  it('should refuse an unsubscribe POST of another content type', async () => {
    const seeded = await seedInvitation(await freshWave());

    const res = await call('POST /u/{token}', {
      token: seeded.unsubscribeToken,
      body: '{}',
      contentType: 'application/json',
    });

    expect(res.statusCode).toBe(415);
    expect((await store.getInvitation(seeded.invitation.id))?.unsubscribedAt).toBeUndefined();
  });
});

describe('failures', () => {
  it('should show a generic page without internals when the store fails', async () => {
    const { surveyToken } = await seedInvitation(await freshWave());
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(GetCommand).rejects(new Error('ProvisionedThroughputExceeded: table csat-secret-internals'));
    try {
      const res = await call('GET /s/{token}', { token: surveyToken });

      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Something went wrong');
      expect(res.body).toContain('出现了问题');
      expect(res.body).not.toContain('csat-secret-internals');
      expect(res.body).not.toContain('ProvisionedThroughput');
    } finally {
      ddb.restore();
    }
  });
});
