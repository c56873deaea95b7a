import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { commentField, ratingField } from '../../functions/domain/form-fields.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { signReportLink } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import { actionToken, advance, seedAction, verifyToken } from '../support/actions.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { allAt, ratingFields } from '../support/programme.ts';
import { scanTable } from '../support/scan.ts';

/*
 * Issue 14 on the survey page's handler: an answered link says so in its invitation's language, the
 * language switch keeps what was filled in and stores nothing, a refused form's title says it has errors,
 * and HEAD answers every GET route as GET does, without a body and without writing.
 */
const store = testStore();
const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await handler(httpEvent(route, options), lambdaContext())) as HttpResult;

const hiddenFields = (page: string | undefined): Record<string, string> =>
  Object.fromEntries(
    [...(page ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );

let wave: Wave;
const freshWave = async (): Promise<Wave> => {
  wave ??= await seedWave();
  return wave;
};

const ANSWERED_EN = 'Thank you — we already have your answer';
const ANSWERED_ZH = '谢谢您——我们已经收到您的回答';

describe('an answered survey link', () => {
  it('should say it is answered in the invitation language on GET (200), and nothing else', async () => {
    // Arrange: an English customer answered, with a comment.
    const { surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'en', name: 'Alice Answered' },
    });
    const secretComment = `private remark ${randomUUID()}`;
    const stored = await call('POST /s/{token}', {
      token: surveyToken,
      form: { ...ratingFields(allAt('satisfied')), [commentField('suggestions')]: secretComment },
    });
    expect(stored.statusCode).toBe(200);

    // Act: the email opened again, in English and switched to Chinese.
    const again = await call('GET /s/{token}', { token: surveyToken });
    const chinese = await call('GET /s/{token}', { token: surveyToken, query: { lang: 'zh-CN' } });

    // Assert
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('<html lang="en">');
    expect(again.body).toContain(`<h1>${ANSWERED_EN}</h1>`);
    expect(again.body).toContain(`<title>${ANSWERED_EN}</title>`);
    expect(again.body).not.toContain(ANSWERED_ZH);
    for (const secret of ['Alice', secretComment, 'satisfied', (await freshWave()).questionnaire.title.en])
      expect(again.body).not.toContain(secret);
    expect(again.body).not.toContain('<form');
    expect(chinese.statusCode).toBe(200);
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(chinese.body).toContain(`<h1>${ANSWERED_ZH}</h1>`);
  });

  it('should answer a repeated POST with 409 in the language the form carries, keeping the first answer', async () => {
    // Arrange: a Chinese customer's invitation, answered from the English page.
    const { invitation, surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'zh-CN' },
    });
    const hidden = hiddenFields(
      (await call('GET /s/{token}', { token: surveyToken, query: { lang: 'en' } })).body,
    );
    await call('POST /s/{token}', {
      token: surveyToken,
      form: { ...hidden, ...ratingFields(allAt('satisfied')) },
    });
    const first = (await store.getInvitation(invitation.id))?.response;

    // Act: Back, and submit again with other answers.
    const again = await call('POST /s/{token}', {
      token: surveyToken,
      form: { ...hidden, ...ratingFields(allAt('very-dissatisfied')) },
    });

    // Assert
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`<h1>${ANSWERED_EN}</h1>`);
    expect((await store.getInvitation(invitation.id))?.response).toEqual(first);
  });

  it('should give an expired link the generic page, answered or not', async () => {
    // Arrange: an answered invitation whose link has since expired (its answer copied from one answered
    // now), and a forged link.
    const wave = await freshWave();
    const live = await seedInvitation(wave, { customer: { language: 'en' } });
    await call('POST /s/{token}', { token: live.surveyToken, form: ratingFields(allAt('satisfied')) });
    const response = (await store.getInvitation(live.invitation.id))?.response;
    expect(response).toBeDefined();
    const { surveyToken } = await seedInvitation(wave, {
      customer: { language: 'en' },
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
      response,
    });

    // Act
    const get = await call('GET /s/{token}', { token: surveyToken });
    const post = await call('POST /s/{token}', {
      token: surveyToken,
      form: ratingFields(allAt('satisfied')),
    });
    const forged = await call('GET /s/{token}', { token: 'forged.token' });

    // Assert: exactly what a forged link gets.
    for (const res of [get, post]) {
      expect(res.statusCode).toBe(forged.statusCode);
      expect(res.body).toBe(forged.body);
      expect(res.body).not.toContain(ANSWERED_EN);
    }
  });
});

describe('the language switch', () => {
  it('should show the form again in the other language with every answer kept, storing nothing', async () => {
    // Arrange: an English customer's form, one rating chosen, a comment typed, the switch pressed.
    const { invitation, surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'en', name: 'Bo' },
    });
    const hidden = hiddenFields((await call('GET /s/{token}', { token: surveyToken })).body);
    const comment = 'Faster <b>delivery</b> & "fewer" calls';
    const before = await scanTable();

    // Act
    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: {
        ...hidden,
        [ratingField('quality')]: 'dissatisfied',
        [commentField('suggestions')]: comment,
        switchLang: 'zh-CN',
      },
    });

    // Assert: Chinese, the choice checked, the comment escaped and kept, the opening time kept, no write.
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('尊敬的Bo：');
    expect(res.body).toContain(
      'id="r-quality_dissatisfied" name="r-quality" value="dissatisfied" required checked>',
    );
    expect(res.body).toContain(
      '>\nFaster &lt;b&gt;delivery&lt;/b&gt; &amp; &quot;fewer&quot; calls</textarea>',
    );
    expect(res.body).not.toContain('class="error"');
    expect(hiddenFields(res.body)).toEqual({ ...hidden, lang: 'zh-CN' });
    expect(res.body).toContain('name="switchLang" value="en"');
    expect(await scanTable()).toEqual(before);
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
  });

  it('should show an answered link the already-answered page instead of the form', async () => {
    // Arrange
    const { surveyToken } = await seedInvitation(await freshWave(), { customer: { language: 'zh-CN' } });
    await call('POST /s/{token}', { token: surveyToken, form: ratingFields(allAt('satisfied')) });

    // Act
    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: { lang: 'zh-CN', switchLang: 'en' },
    });

    // Assert
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`<h1>${ANSWERED_EN}</h1>`);
  });
});

describe('a refused form', () => {
  it('should start its title with the number of problems, in the page language', async () => {
    // Arrange
    const { surveyToken } = await seedInvitation(await freshWave(), { customer: { language: 'en' } });
    const title = (await freshWave()).questionnaire.title;

    // Act: two answers that name no level, then one.
    const all = ratingFields(allAt('satisfied'));
    const [first, second] = Object.keys(all) as [string, string];
    const two = await call('POST /s/{token}', {
      token: surveyToken,
      form: { ...all, [first]: 'excellent', [second]: 'superb', lang: 'en' },
    });
    const one = await call('POST /s/{token}', {
      token: surveyToken,
      form: { ...all, [first]: 'excellent', lang: 'zh-CN' },
    });

    // Assert
    expect(two.statusCode).toBe(422);
    expect(two.body).toContain(`<title>Error: 2 problems — ${title.en}</title>`);
    expect(one.statusCode).toBe(422);
    expect(one.body).toContain(`<title>错误：1 个问题 — ${title['zh-CN']}</title>`);
  });
});

describe('HEAD', () => {
  /** Asserts HEAD answers as GET does, minus the body, and that neither changed the table. */
  async function expectHeadLikeGet(route: Extract<Route, `GET ${string}`>, options: HttpEventOptions) {
    const before = await scanTable();
    const head = await call(route.replace('GET', 'HEAD') as Route, options);
    const after = await scanTable();
    const get = await call(route, options);
    expect(after).toEqual(before);
    expect(head.statusCode).toBe(get.statusCode);
    expect(head.body).toBeUndefined();
    return { head, get };
  }

  it('should answer /s, /u, /a and /v like GET, with the length of the GET body, writing nothing', async () => {
    // Arrange: open and answered survey links, an unsubscribe link, an action page and a follow-up link.
    const open = await seedInvitation(await freshWave(), { customer: { language: 'en' } });
    const answered = await seedInvitation(await freshWave());
    await call('POST /s/{token}', { token: answered.surveyToken, form: ratingFields(allAt('satisfied')) });
    const action = await seedAction();
    const asked = await advance(await seedAction({ customer: { language: 'en' } }), 'asked');
    const cases: Array<[Extract<Route, `GET ${string}`>, HttpEventOptions, number]> = [
      ['GET /s/{token}', { token: open.surveyToken }, 200],
      [
        'GET /s/{token}',
        { token: open.surveyToken, query: { 'r-quality': 'satisfied', lang: 'zh-CN' } },
        200,
      ],
      ['GET /s/{token}', { token: answered.surveyToken }, 200],
      ['GET /s/{token}', { token: 'forged.token' }, 404],
      ['GET /u/{token}', { token: open.unsubscribeToken }, 200],
      ['GET /a/{token}', { token: actionToken(action, 'o0') }, 200],
      ['GET /v/{token}', { token: verifyToken(asked), query: { answer: 'yes' } }, 200],
    ];

    for (const [route, options, status] of cases) {
      // Act
      const { head, get } = await expectHeadLikeGet(route, options);

      // Assert: the same status and headers, the GET's length, and no opening time that differs.
      expect(get.statusCode, route).toBe(status);
      expect(head.headers).toEqual({
        ...get.headers,
        'content-length': String(Buffer.byteLength(get.body ?? '')),
      });
    }
    expect((await store.getInvitation(open.invitation.id))?.unsubscribedAt).toBeUndefined();
  });

  it('should redirect /r like GET, to the same report, with no body', async () => {
    // Arrange
    const key = `reports/t-${randomUUID().slice(0, 8)}/wave/report.html`;
    await new S3Blobs(process.env.BUCKET_NAME!).put(key, '<!doctype html><title>r</title>', 'text/html');
    const token = signReportLink(process.env.TOKEN_SECRET!, key, new Date(Date.now() + 86_400_000));

    // Act
    const { head, get } = await expectHeadLikeGet('GET /r/{token}', { token });

    // Assert: a fresh presigned URL each time, to the same object.
    const target = (r: HttpResult) => String(r.headers?.location).split('?')[0];
    expect(head.statusCode).toBe(302);
    expect(target(head)).toBe(target(get));
    expect(target(head)).toContain(key);
    expect(Object.keys(head.headers ?? {}).sort()).toEqual(Object.keys(get.headers ?? {}).sort());
    // Signed for the method that follows it (test/adapters/s3-presigner.test.ts checks the signature).
    expect(String(get.headers?.location)).toContain('x-id=GetObject');
    expect(String(head.headers?.location)).not.toContain('x-id=GetObject');
    expect((await fetch(String(head.headers?.location), { method: 'HEAD' })).status).toBe(200);
  });
});
