import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commentField, ratingField } from '../../functions/domain/form-fields.ts';
import { escapeHtml } from '../../functions/domain/html.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { STYLESHEET } from '../../functions/domain/pages/layout.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import {
  formBody,
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { allAt, itss, MIXED, ratingFields } from '../support/programme.ts';

const store = testStore();
const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await handler(httpEvent(route, options), lambdaContext())) as HttpResult;

/** A complete form: every category at `level`, as the page posts it. */
const formAt = (level: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...ratingFields(allAt(level)),
  ...extra,
});

const mixedForm = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...ratingFields(MIXED),
  ...extra,
});

/** The hidden fields of the form a page shows (lang, wave), as a browser would send them back. */
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

describe('GET /s/{token}', () => {
  it('should render the survey with real labels in the customer language, with safe headers', async () => {
    const { surveyToken } = await seedInvitation(await freshWave(), { customer: { name: '王伟' } });

    const res = await call('GET /s/{token}', { token: surveyToken });

    expect(res.statusCode).toBe(200);
    const hash = createHash('sha256').update(STYLESHEET).digest('base64');
    expect(res.headers).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'x-robots-tag': 'noindex, nofollow',
    });
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('尊敬的王伟：');
    for (const c of itss.categories) expect(res.body).toContain(`<legend>${c.label['zh-CN']} `);
    expect(res.body).toContain('<label class="opt" for="r-quality_very-satisfied">');
    expect(res.body).toContain('<input type="hidden" name="lang" value="zh-CN">');
    expect(res.body).not.toMatch(/<script/i);
  });

  it('should change nothing in the store', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());
    const before = await store.getInvitation(invitation.id);

    await call('GET /s/{token}', { token: surveyToken });
    await call('GET /s/{token}', { token: surveyToken, query: { lang: 'en' } });

    expect(await store.getInvitation(invitation.id)).toEqual(before);
  });

  it('should preselect the level a one-click email link names, write nothing, and ignore bad values', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());
    const before = await store.getInvitation(invitation.id);
    const checked = (body: string | undefined) =>
      [...(body ?? '').matchAll(/id="([\w-]+)" [^>]*checked/g)].map((m) => m[1]);

    const chosen = await call('GET /s/{token}', {
      token: surveyToken,
      query: { 'r-quality': 'dissatisfied' },
    });
    const queries: Array<Record<string, string>> = [
      { 'r-quality': 'excellent' },
      { 'r-nonsense': 'satisfied' },
      { 'r-quality': '' },
      { 'r-quality': 'satisfied,dissatisfied' },
      { 'r-quality': '<script>alert(1)</script>' },
      { constructor: 'satisfied', 'c-suggestions': 'hello' },
    ];
    const bad = await Promise.all(
      queries.map((query) => call('GET /s/{token}', { token: surveyToken, query })),
    );

    expect(chosen.statusCode).toBe(200);
    expect(checked(chosen.body)).toEqual(['r-quality_dissatisfied']);
    for (const res of bad) {
      expect(res.statusCode).toBe(200);
      expect(checked(res.body)).toEqual([]);
      expect(res.body).not.toContain('<script>alert');
    }
    expect(await store.getInvitation(invitation.id)).toEqual(before);
  });

  it('should show an English customer the English survey, with a language switch that submits the form, and switch on ?lang=', async () => {
    const { surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'en', name: 'Alice' },
    });

    const english = await call('GET /s/{token}', { token: surveyToken });
    const chinese = await call('GET /s/{token}', { token: surveyToken, query: { lang: 'zh-CN' } });
    const unknown = await call('GET /s/{token}', { token: surveyToken, query: { lang: 'fr' } });

    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Dear Alice,');
    expect(english.body).toContain(
      '<button type="submit" form="survey" name="switchLang" value="zh-CN" formnovalidate lang="zh-CN" aria-label="切换到中文">中文</button>',
    );
    expect(english.body).toContain('<form method="post" id="survey" novalidate>');
    expect(english.body).not.toContain('?lang=');
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(chinese.body).toContain('<input type="hidden" name="lang" value="zh-CN">');
    expect(unknown.body).toContain('<html lang="en">');
  });

  it('should escape markup in the customer name', async () => {
    const name = `<script>alert("x")</script><img src=x onerror='y'>&`;
    const { surveyToken } = await seedInvitation(await freshWave(), { customer: { name } });

    const res = await call('GET /s/{token}', { token: surveyToken });

    expect(res.body).toContain(escapeHtml(name));
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('<img');
  });
});

describe('POST /s/{token}', () => {
  it('should store the response once with its score and grade and thank the customer', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'en' },
    });
    const before = Date.now();

    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: mixedForm({ lang: 'en', [commentField('suggestions')]: '  Faster replies, please.\r\n' }),
    });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Thank you for your feedback</h1>');
    const stored = await store.getInvitation(invitation.id);
    expect(stored?.response).toEqual({
      answeredAt: expect.any(String),
      ratings: MIXED,
      comments: { suggestions: 'Faster replies, please.' },
      total: 77,
      raw: 77,
      grade: 'C',
      language: 'en',
      questionnaireVersion: 1,
    });
    expect(Date.parse(stored!.response!.answeredAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('should turn a second submit away with 409 and the already-answered page, and keep the first answer', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());
    await call('POST /s/{token}', { token: surveyToken, form: formAt('very-satisfied') });

    const again = await call('POST /s/{token}', { token: surveyToken, form: formAt('very-dissatisfied') });

    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('<h1>谢谢您——我们已经收到您的回答</h1>');
    const stored = await store.getInvitation(invitation.id);
    expect(stored?.response).toMatchObject({ total: 100, grade: 'A' });
  });

  it('should store the form exactly as the page rendered it, hidden fields included', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'en' },
    });
    const hidden = hiddenFields((await call('GET /s/{token}', { token: surveyToken })).body);
    expect(hidden).toEqual({
      lang: 'en',
      wave: `${invitation.campaignId}/${invitation.waveId}`,
      opened: expect.stringMatching(/^\d+\.[\w-]{22}$/),
    });

    const res = await call('POST /s/{token}', { token: surveyToken, form: mixedForm(hidden) });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Thank you for your feedback</h1>');
    expect((await store.getInvitation(invitation.id))?.response).toMatchObject({
      ratings: MIXED,
      total: 77,
      grade: 'C',
      language: 'en',
    });
  });

  it('should refuse a form that names a wave other than the invitation wave, and store nothing', async () => {
    const own = await freshWave();
    const other = await seedWave();
    const { invitation, surveyToken } = await seedInvitation(own);

    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: formAt('satisfied', { lang: 'en', wave: `${other.campaignId}/${other.waveId}` }),
    });

    expect(res.statusCode).toBe(404);
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
    const honest = await call('POST /s/{token}', {
      token: surveyToken,
      form: formAt('satisfied', { lang: 'en', wave: `${own.campaignId}/${own.waveId}` }),
    });
    expect(honest.statusCode).toBe(200);
  });

  it('should fall back to reading the invitation when the wave field names no wave', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());

    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: formAt('satisfied', { lang: 'en', wave: 'demo/no-such-wave' }),
    });

    expect(res.statusCode).toBe(200);
    expect((await store.getInvitation(invitation.id))?.response).toMatchObject({ total: 80, language: 'en' });
  });

  it('should store exactly one of 20 concurrent submits of one link', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());
    const hidden = hiddenFields((await call('GET /s/{token}', { token: surveyToken })).body);
    // Half as the page posts them (one conditional write), half without its hidden fields (read first).
    const forms = Array.from({ length: 20 }, (_, i) =>
      formAt('satisfied', { ...(i % 2 ? hidden : {}), [commentField('suggestions')]: `attempt ${i}` }),
    );

    const results = await Promise.all(
      forms.map((form) => call('POST /s/{token}', { token: surveyToken, form })),
    );

    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    const winner = codes.indexOf(200);
    const stored = await store.getInvitation(invitation.id);
    expect(stored?.response?.comments).toEqual({ suggestions: `attempt ${winner}` });
    expect(stored?.response).toMatchObject({ total: 80, grade: 'C' });
  });

  it('should accept a base64-encoded body as API Gateway may send it', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());

    const res = await call('POST /s/{token}', {
      token: surveyToken,
      base64: true,
      form: formAt('satisfied', { [commentField('suggestions')]: '你好' }),
    });

    expect(res.statusCode).toBe(200);
    expect((await store.getInvitation(invitation.id))?.response?.comments).toEqual({ suggestions: '你好' });
  });

  const full = formBody(formAt('satisfied'));
  const refused: Array<[string, Omit<HttpEventOptions, 'token'>, number]> = [
    [
      'bad percent-encoding',
      { body: `${full}&c-suggestions=%zz`, contentType: 'application/x-www-form-urlencoded' },
      400,
    ],
    [
      'invalid UTF-8',
      { body: `${full}&c-suggestions=%C3%28`, contentType: 'application/x-www-form-urlencoded' },
      400,
    ],
    [
      'a segment without =',
      { body: `${full}&garbage`, contentType: 'application/x-www-form-urlencoded' },
      400,
    ],
    [
      'a duplicate field',
      { body: `${full}&r-quality=very-dissatisfied`, contentType: 'application/x-www-form-urlencoded' },
      400,
    ],
    [
      'a body that is not base64',
      { body: '%%%%', base64: false, contentType: 'application/x-www-form-urlencoded', headers: {} },
      400,
    ],
    [
      'an oversized body',
      { form: formAt('satisfied', { [commentField('suggestions')]: 'x'.repeat(33 * 1024) }) },
      413,
    ],
    [
      'an oversized base64 body',
      { base64: true, form: formAt('satisfied', { [commentField('suggestions')]: 'x'.repeat(33 * 1024) }) },
      413,
    ],
    ['JSON', { body: JSON.stringify(formAt('satisfied')), contentType: 'application/json' }, 415],
    [
      'multipart/form-data',
      { body: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
      415,
    ],
    ['no content type', { body: full }, 415],
  ];

  it.each(refused)(
    'should refuse %s with a clear bilingual page and store nothing',
    async (_, options, status) => {
      const { invitation, surveyToken } = await seedInvitation(await freshWave());
      const before = await store.getInvitation(invitation.id);

      const res = await call('POST /s/{token}', { token: surveyToken, ...options });

      expect(res.statusCode).toBe(status);
      expect(res.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8' });
      expect(res.body).toContain('<section lang="zh-CN">');
      expect(res.body).toContain('<section lang="en">');
      expect(await store.getInvitation(invitation.id)).toEqual(before);
    },
  );

  it('should refuse a body whose base64 does not decode', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave());
    const event = httpEvent('POST /s/{token}', { token: surveyToken, form: formAt('satisfied') });
    event.body = 'not*base64';
    event.isBase64Encoded = true;

    const res = (await handler(event, lambdaContext())) as HttpResult;

    expect(res.statusCode).toBe(400);
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
  });

  it('should send an invalid form back with field errors and the answers kept, storing nothing', async () => {
    const { invitation, surveyToken } = await seedInvitation(await freshWave(), {
      customer: { language: 'en' },
    });
    const comment = '</textarea><script>alert(1)</script> "quoted" & kept';
    const { [ratingField('price')]: _missing, ...form } = formAt('satisfied', {
      [ratingField('delivery')]: 'superb',
      [commentField('dissatisfaction')]: comment,
      [commentField('suggestions')]: 'y'.repeat(2001),
      lang: 'en',
    });

    const res = await call('POST /s/{token}', { token: surveyToken, form });

    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<h2 id="error-summary">Please check these answers</h2>');
    expect(res.body).toContain('<a href="#r-price_very-satisfied">Choose an answer for “Price”.</a>');
    expect(res.body).toContain(
      '<a href="#r-delivery_very-satisfied">Choose one of the answers listed for “Delivery”.</a>',
    );
    expect(res.body).toContain('<a href="#c-suggestions">');
    expect(res.body?.match(/aria-invalid="true"/g)).toHaveLength(3);
    // What was entered comes back: the valid choices checked, the comments as typed, escaped.
    expect(res.body).toContain(
      'id="r-quality_satisfied" name="r-quality" value="satisfied" required checked>',
    );
    expect(res.body).toContain(`>\n${escapeHtml(comment)}</textarea>`);
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('y'.repeat(2001));
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
  });

  it('should answer in the language the form carries', async () => {
    const { surveyToken } = await seedInvitation(await freshWave(), { customer: { language: 'en' } });

    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: formAt('satisfied', { lang: 'zh-CN' }),
    });

    expect(res.body).toContain('<h1>感谢您的反馈</h1>');
  });
});
