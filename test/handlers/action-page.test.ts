import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionEventDetail, DETAIL_TYPES, EVENT_SOURCE } from '../../functions/domain/actions/events.ts';
import { signActionLink, signVerifyLink } from '../../functions/domain/actions/links.ts';
import { signToken } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import { actionToken, advance, seedAction, seedTargetAction, testActions } from '../support/actions.ts';
import { publishedEvents } from '../support/events.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedWave,
} from '../support/fixtures.ts';
import { scanTable } from '../support/scan.ts';

const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await handler(httpEvent(route, options), lambdaContext())) as HttpResult;

const DAY_MS = 86_400_000;
const secret = () => process.env.TOKEN_SECRET!;

/** The token with another action id, recipient or expiry in its (signed) payload: a forgery. */
function tampered(token: string, change: { id?: string; ref?: string; seconds?: string }): string {
  const [payload, mac] = token.split('.');
  const [seconds, id, ref] = Buffer.from(payload!, 'base64url').toString('utf8').split(':');
  const fields = [change.seconds ?? seconds, change.id ?? id, change.ref ?? ref].join(':');
  return `${Buffer.from(fields).toString('base64url')}.${mac}`;
}

const generic = async () => call('GET /s/{token}', { token: 'not-a-token' });

describe('GET /a/{token}', () => {
  it('should show the owner the action in their language, with labels, answers, contact and history, and write nothing', async () => {
    // Arrange
    const wave = await seedWave();
    const action = await seedAction({ wave, department: 'north-region' });
    const before = await scanTable();

    // Act
    const res = await call('GET /a/{token}', { token: actionToken(action, 'o0') });
    const chinese = await call('GET /a/{token}', {
      token: actionToken(action, 'o0'),
      query: { lang: 'zh-CN' },
    });

    // Assert
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toContain("default-src 'none'");
    const body = res.body ?? '';
    expect(body).toContain('<html lang="en">');
    expect(body).toContain('Quarterly customer satisfaction survey');
    expect(body).toContain('<dd>North region</dd>');
    expect(body).toContain('<dd>Open</dd>');
    expect(body).toContain(`<dd>${action.dueDate}</dd>`);
    expect(body).toContain('Total score 52 is below 70');
    expect(body).toContain('“Quality” rated “Very dissatisfied”');
    expect(body).toContain('Deliveries are always late.');
    expect(body).toContain('Any suggestions or other requirements?');
    expect(body).toContain('Alice Zhang');
    expect(body).toContain('mailto:alice@example.test');
    expect(body).toContain('name="op" value="acknowledge"');
    expect(body).toContain('name="op" value="resolve"');
    expect(body).toContain('maxlength="2000"');
    expect(body).toContain('You are viewing this page as north.head@example.com.');
    expect(body).not.toMatch(/<script/i);
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(chinese.body).toContain('“质量”评为“非常不满意”');
    expect(await scanTable()).toEqual(before);
  });

  it('should name a target action’s department (it has no wave) as the programme does, in the reader’s language', async () => {
    // Arrange: north-region missed a target of the demo campaign in a closed month.
    const action = await seedTargetAction('north-region');

    // Act
    const english = await call('GET /a/{token}', { token: actionToken(action, 'o0') });
    const chinese = await call('GET /a/{token}', {
      token: actionToken(action, 'o0'),
      query: { lang: 'zh-CN' },
    });

    // Assert
    expect(english.statusCode).toBe(200);
    expect(english.body).toContain('<dd>North region</dd>');
    expect(chinese.body).toContain('<dd>北方大区</dd>');
    expect(`${english.body}${chinese.body}`).not.toContain('north-region');
  });

  it('should show customer service the page in its language, and never an anonymous action’s customer', async () => {
    const action = await seedAction({ anonymous: true, department: 'south-region' });

    const res = await call('GET /a/{token}', { token: actionToken(action, 'n0') });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('本调查为匿名调查');
    expect(res.body).not.toContain('mailto:');
    expect(res.body).not.toContain('Alice');
  });

  it('should show the one generic page for forged, expired, tampered and other purposes’ tokens', async () => {
    // Arrange: two departments' actions; north's head has a genuine link to theirs.
    const north = await seedAction({ department: 'north-region' });
    const south = await seedAction({ department: 'south-region' });
    const own = actionToken(north, 'o0');
    const expected = await generic();
    const before = await scanTable();

    // Act
    const tokens = [
      tampered(own, { id: south.id }), // north's link, pointed at south's action
      tampered(own, { ref: 'm0' }), // the owner's link, turned into a manager's
      tampered(signActionLink(secret(), north.id, 'o0', new Date(Date.now() - 1000)), {
        seconds: String(Math.floor(Date.now() / 1000) + 3600),
      }), // an expired link, extended
      signActionLink(secret(), north.id, 'o0', new Date(Date.now() - 1000)), // expired
      signActionLink(secret(), north.id, 'o5', new Date(Date.now() + DAY_MS)), // no such recipient
      signActionLink(secret(), 'unknown-action', 'o0', new Date(Date.now() + DAY_MS)),
      signActionLink('another-secret', north.id, 'o0', new Date(Date.now() + DAY_MS)),
      signVerifyLink(secret(), north.id, 0, new Date(Date.now() + DAY_MS)), // the customer's follow-up link
      signToken(secret(), 'survey', north.id),
      `${own}x`,
      '',
    ];
    const results = await Promise.all(
      tokens.flatMap((token) => [
        call('GET /a/{token}', { token }),
        call('POST /a/{token}', { token, form: { op: 'acknowledge' } }),
      ]),
    );

    // Assert: exactly the survey's unavailable page, and nothing changed.
    for (const res of results) {
      expect(res.statusCode).toBe(expected.statusCode);
      expect(res.body).toBe(expected.body);
    }
    expect(await scanTable()).toEqual(before);
  });
});

describe('POST /a/{token}', () => {
  it('should acknowledge then resolve, recording the owner in the history and publishing both events', async () => {
    // Arrange
    const action = await seedAction({ department: 'south-region' });
    const token = actionToken(action, 'o0');
    const owner = action.owners[0]!.email;
    const seen = publishedEvents().length;

    // Act
    const ack = await call('POST /a/{token}', { token, form: { lang: 'en', op: 'acknowledge' } });
    const res = await call('POST /a/{token}', {
      token,
      form: {
        lang: 'en',
        op: 'resolve',
        rootCause: ' Wrong carrier. ',
        actionTaken: 'Changed carrier.\r\nTrained staff.',
      },
    });

    // Assert
    expect(ack.statusCode).toBe(200);
    expect(ack.body).toContain('Acknowledged.');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Marked resolved. Thank you!');
    expect(res.body).not.toContain('name="op"');
    const stored = (await testActions().getAction(action.id))!;
    expect(stored.status).toBe('resolved');
    expect(stored.rootCause).toBe('Wrong carrier.');
    expect(stored.actionTaken).toBe('Changed carrier.\nTrained staff.');
    expect(stored.history.map((h) => [h.event, h.by])).toEqual([
      ['opened', 'csat'],
      ['acknowledged', owner],
      ['resolved', owner],
    ]);
    const events = publishedEvents().slice(seen);
    expect(events.map((e) => [e.source, e['detail-type']])).toEqual([
      [EVENT_SOURCE, DETAIL_TYPES.actionAcknowledged],
      [EVENT_SOURCE, DETAIL_TYPES.actionResolved],
    ]);
    const details = events.map((e) => ActionEventDetail.parse(e.detail));
    expect(details[1]).toMatchObject({
      actionId: action.id,
      status: 'resolved',
      by: 'owner',
      department: 'south-region',
    });
    // The history keeps who it was; the events, which may go anywhere, only their role.
    expect(JSON.stringify(events)).not.toContain('Wrong carrier');
    expect(JSON.stringify(events)).not.toContain(owner);
  });

  it('should refuse a resolve without cause or with too long a text with the form again (400), changing nothing', async () => {
    const action = await seedAction();
    const token = actionToken(action, 'o0');
    const before = await scanTable();

    const missing = await call('POST /a/{token}', {
      token,
      form: { op: 'resolve', rootCause: '   ', actionTaken: 'Kept <b>this</b>' },
    });
    const long = await call('POST /a/{token}', {
      token,
      form: { op: 'resolve', rootCause: 'x'.repeat(2001), actionTaken: 'ok' },
    });
    const unknownOp = await call('POST /a/{token}', { token, form: { op: 'delete' } });

    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Fill in “Root cause”.');
    expect(missing.body).toContain('Kept &lt;b&gt;this&lt;/b&gt;</textarea>');
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Keep “Root cause” to 2000 characters or fewer.');
    expect(unknownOp.statusCode).toBe(400);
    expect(await scanTable()).toEqual(before);
  });

  it('should count one of 10 concurrent resolves, answering the others 409', async () => {
    const action = await seedAction();
    const token = actionToken(action, 'o0');
    const seen = publishedEvents().length;

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('POST /a/{token}', {
          token,
          form: { op: 'resolve', rootCause: `cause ${i}`, actionTaken: 'fix' },
        }),
      ),
    );

    expect(results.map((r) => r.statusCode).sort()).toEqual([200, ...Array(9).fill(409)]);
    const stored = (await testActions().getAction(action.id))!;
    expect(stored.history.filter((h) => h.event === 'resolved')).toHaveLength(1);
    expect(
      publishedEvents()
        .slice(seen)
        .filter((e) => e['detail-type'] === DETAIL_TYPES.actionResolved),
    ).toHaveLength(1);
  });

  it('should answer 409 to a change the status no longer allows, showing the resolution', async () => {
    const action = await advance(await seedAction(), 'resolved');
    const before = await scanTable();

    const res = await call('POST /a/{token}', {
      token: actionToken(action, 'm1'),
      form: { op: 'acknowledge' },
    });

    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('We changed carriers.');
    expect(await scanTable()).toEqual(before);
  });

  it('should never 5xx nor change anything for random tokens and forms (fast-check)', async () => {
    const action = await advance(await seedAction(), 'resolved');
    const token = actionToken(action, 'o0');
    const before = await scanTable();
    const text = fc.string({ maxLength: 40 });

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(token), fc.string({ maxLength: 120 }), fc.base64String({ maxLength: 120 })),
        fc.dictionary(fc.constantFrom('op', 'rootCause', 'actionTaken', 'lang', '__proto__', 'x'), text),
        async (t, form) => {
          const res = await call('POST /a/{token}', { token: t, form });
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );

    expect(await scanTable()).toEqual(before);
  });
});
