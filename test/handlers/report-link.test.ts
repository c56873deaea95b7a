import { createHmac, randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import { invitationId, signReportLink, signToken } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import { REPORT_REDIRECT_SECONDS } from '../../functions/use-cases/report-link.ts';
import { iamGuard } from '../setup/per-file.ts';
import { type HttpResult, httpEvent, lambdaContext } from '../support/fixtures.ts';

const SECRET = process.env.TOKEN_SECRET!;
const BUCKET = process.env.BUCKET_NAME!;
const TAG = randomUUID().slice(0, 8);
const KEY = `reports/t-${TAG}/t-${TAG}-20250101T0100/report.html`;
const HTML = `<!doctype html><title>report ${TAG}</title><p>中文 &amp; English</p>`;
const OUTSIDE = `private/t-${TAG}/secret.txt`;
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000);

const click = async (token: string): Promise<HttpResult> =>
  (await handler(httpEvent('GET /r/{token}', { token }), lambdaContext())) as HttpResult;

/** A link signed with the real secret for any payload, as signReportLink itself would never sign it. */
function forged(text: string): string {
  const payload = Buffer.from(text, 'utf8').toString('base64url');
  const mac = createHmac('sha256', SECRET)
    .update(`report-link:${payload}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
  return `${payload}.${mac}`;
}

async function keysInBucket(): Promise<string[]> {
  const out = await (await s3Client()).send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => `${o.Key} ${o.ETag} ${o.LastModified?.toISOString()}`).sort();
}

describe('GET /r/{token}', () => {
  beforeAll(async () => {
    const blobs = new S3Blobs(BUCKET);
    await blobs.put(KEY, HTML, 'text/html; charset=utf-8');
    await blobs.put(OUTSIDE, 'not for managers', 'text/plain; charset=utf-8');
  });

  it('should redirect a genuine link to a fresh, minutes-long S3 URL of its report, cached nowhere', async () => {
    // Arrange
    const token = signReportLink(SECRET, KEY, inAWeek());

    // Act
    const res = await click(token);
    const file = await fetch(String(res.headers?.location));

    // Assert
    expect(res.statusCode).toBe(302);
    expect(res.body).toBeUndefined();
    expect(res.headers).toEqual({
      location: expect.any(String),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-robots-tag': 'noindex, nofollow',
    });
    const location = new URL(String(res.headers?.location));
    expect(location.pathname).toBe(`/${BUCKET}/${KEY}`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe(String(REPORT_REDIRECT_SECONDS));
    expect(REPORT_REDIRECT_SECONDS).toBeLessThanOrEqual(15 * 60);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe(HTML);
    // S3 checks a presigned URL against the signer's role when it is fetched (s3rver checks nothing).
    expect(
      await iamGuard.authorizePresignedGet('survey-page', String(res.headers?.location)),
    ).toBeUndefined();
  });

  it('should still work six days later, signing the redirect at the click, and refuse it after 7 days', async () => {
    // Arrange: the email goes out now; the clock then moves on as the manager's inbox waits.
    const sent = new Date();
    const token = signReportLink(SECRET, KEY, new Date(sent.getTime() + 7 * 86_400_000));
    const sixDaysLater = new Date(sent.getTime() + 6 * 86_400_000);
    const eightDaysLater = new Date(sent.getTime() + 8 * 86_400_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    let late: HttpResult;
    let tooLate: HttpResult;
    try {
      // Act
      vi.setSystemTime(sixDaysLater);
      late = await click(token);
      vi.setSystemTime(eightDaysLater);
      tooLate = await click(token);
    } finally {
      vi.useRealTimers();
    }

    // Assert
    expect(late.statusCode).toBe(302);
    const signedAt = new URL(String(late.headers?.location)).searchParams.get('X-Amz-Date');
    expect(signedAt).toBe(sixDaysLater.toISOString().replace(/[-:]|\.\d{3}/g, ''));
    expect(tooLate.statusCode).toBe(404);
    expect(tooLate.headers?.location).toBeUndefined();
  });

  it('should route on the path when API Gateway sends a $default route key', async () => {
    // Arrange
    const token = signReportLink(SECRET, KEY, inAWeek());
    const event = httpEvent('GET /r/{token}', { token });
    event.routeKey = '$default';
    event.pathParameters = undefined;
    event.rawPath = `/r/${token}`;

    // Act
    const res = (await handler(event, lambdaContext())) as HttpResult;

    // Assert
    expect(res.statusCode).toBe(302);
    expect(new URL(String(res.headers?.location)).pathname).toBe(`/${BUCKET}/${KEY}`);
  });

  it('should answer tampered, expired, foreign and outside-reports links with one 404 page, no redirect', async () => {
    // Arrange
    const genuine = signReportLink(SECRET, KEY, inAWeek());
    const [payload, mac] = genuine.split('.') as [string, string];
    const seconds = Math.floor(inAWeek().getTime() / 1000);
    const otherKey = `reports/t-${TAG}/other/report.html`;
    const tokens = {
      expired: signReportLink(SECRET, KEY, new Date(Date.now() - 1000)),
      tamperedMac: `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`,
      tamperedKey: `${Buffer.from(`${seconds}:${otherKey}`).toString('base64url')}.${mac}`,
      tamperedExpiry: `${Buffer.from(`${seconds + 86_400}:${KEY}`).toString('base64url')}.${mac}`,
      outsideReports: forged(`${seconds}:${OUTSIDE}`),
      dotDot: forged(`${seconds}:reports/../${OUTSIDE}`),
      otherSecret: signReportLink(`${SECRET}x`, KEY, inAWeek()),
      surveyToken: signToken(SECRET, 'survey', invitationId('w', 'c')),
      garbage: '<script>',
    };
    const before = await keysInBucket();

    // Act
    const results = await Promise.all(Object.values(tokens).map(click));

    // Assert
    const first = results[0]!;
    expect(first.statusCode).toBe(404);
    expect(first.body).toContain('此报告链接已无法使用');
    expect(first.body).toContain('This report link can no longer be used');
    expect(first.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    for (const [name, r] of Object.entries(tokens).map(([n], i) => [n, results[i]!] as const)) {
      expect(r.statusCode, name).toBe(404);
      expect(r.headers, name).toEqual(first.headers);
      expect(r.headers?.location, name).toBeUndefined();
      expect(r.body, name).toBe(first.body);
    }
    expect(await keysInBucket()).toEqual(before);
  });

  it('should not take a report link on the survey or unsubscribe routes', async () => {
    // Arrange
    const token = signReportLink(SECRET, KEY, inAWeek());

    // Act
    const results = await Promise.all(
      (['GET /s/{token}', 'GET /u/{token}'] as const).map(
        async (route) => (await handler(httpEvent(route, { token }), lambdaContext())) as HttpResult,
      ),
    );

    // Assert
    for (const r of results) {
      expect(r.statusCode).toBe(404);
      expect(r.headers?.location).toBeUndefined();
      expect(r.body).toContain('This link can no longer be used');
    }
  });
});
