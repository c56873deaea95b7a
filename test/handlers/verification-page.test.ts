import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionEventDetail, DETAIL_TYPES } from '../../functions/domain/actions/events.ts';
import { dueDateOf } from '../../functions/domain/actions/lifecycle.ts';
import { signActionLink, signVerifyLink } from '../../functions/domain/actions/links.ts';
import { findCampaign } from '../../functions/domain/programme.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import { programme } from '../../programme/index.ts';
import { advance, cnMainland, seedAction, testActions, verifyToken } from '../support/actions.ts';
import { publishedEvents } from '../support/events.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  queuedSendJobs,
  type Route,
} from '../support/fixtures.ts';
import { scanTable } from '../support/scan.ts';

const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await handler(httpEvent(route, options), lambdaContext())) as HttpResult;

const DAY_MS = 86_400_000;
const secret = () => process.env.TOKEN_SECRET!;
const queue = () => process.env.SEND_QUEUE_URL!;

/** An action resolved and followed up today, its customer (en) asked until next week. */
const asked = async (customer: { language?: 'en' | 'zh-CN' } = {}) =>
  advance(await seedAction({ customer }), 'asked');

describe('GET /v/{token}', () => {
  it('should show the customer a confirm page with their one-click answer chosen, writing nothing', async () => {
    const action = await asked({ language: 'zh-CN' });
    const token = verifyToken(action);
    const before = await scanTable();

    const no = await call('GET /v/{token}', { token, query: { answer: 'no' } });
    const yes = await call('GET /v/{token}', { token, query: { answer: 'yes', lang: 'en' } });
    const none = await call('GET /v/{token}', { token, query: { answer: '<script>' } });

    expect(no.statusCode).toBe(200);
    expect(no.body).toContain('<html lang="zh-CN">');
    expect(no.body).toContain('id="answer-no" name="answer" value="no" required checked');
    expect(no.body).toContain('季度客户满意度调查');
    expect(yes.body).toContain('<html lang="en">');
    expect(yes.body).toContain('value="yes" required checked');
    expect(none.body).not.toMatch(/required checked/);
    expect(none.body).not.toContain('<script>');
    expect(await scanTable()).toEqual(before);
  });

  it('should show the generic page for forged, expired and other purposes’ tokens', async () => {
    const action = await asked();
    const expected = await call('GET /s/{token}', { token: 'nope' });
    const tokens = [
      signVerifyLink(secret(), action.id, 0, new Date(Date.now() - 1000)),
      signVerifyLink('another-secret', action.id, 0, new Date(Date.now() + DAY_MS)),
      signVerifyLink(secret(), 'unknown', 0, new Date(Date.now() + DAY_MS)),
      signVerifyLink(secret(), action.id, 7, new Date(Date.now() + DAY_MS)),
      signActionLink(secret(), action.id, 'o0', new Date(Date.now() + DAY_MS)),
    ];
    for (const token of tokens) {
      for (const res of [
        await call('GET /v/{token}', { token, query: { answer: 'yes' } }),
        await call('POST /v/{token}', { token, form: { answer: 'yes' } }),
      ]) {
        expect(res.statusCode).toBe(expected.statusCode);
        expect(res.body).toBe(expected.body);
      }
    }
    expect((await testActions().getAction(action.id))?.status).toBe('resolved');
  });
});

describe('POST /v/{token}', () => {
  it('should verify the action on yes, once, and publish Action Verified', async () => {
    const action = await asked();
    const token = verifyToken(action);
    const seen = publishedEvents().length;

    const res = await call('POST /v/{token}', { token, form: { answer: 'yes', lang: 'en' } });
    const again = await call('POST /v/{token}', { token, form: { answer: 'no', lang: 'en' } });
    const look = await call('GET /v/{token}', { token, query: { answer: 'no' } });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('We are glad it is resolved.');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('We already have your answer');
    expect(look.body).toContain('We already have your answer');
    const stored = (await testActions().getAction(action.id))!;
    expect(stored.status).toBe('verified');
    expect(stored.verification?.answer).toBe('yes');
    expect(stored.history.filter((h) => h.event === 'verified')).toEqual([
      expect.objectContaining({ by: 'customer' }),
    ]);
    const events = publishedEvents().slice(seen);
    expect(events.map((e) => e['detail-type'])).toEqual([DETAIL_TYPES.actionVerified]);
    expect(ActionEventDetail.parse(events[0]!.detail)).toMatchObject({ status: 'verified', by: 'customer' });
    expect(await queuedSendJobs(queue())).toEqual([]);
  });

  it('should reopen the action on no, queue the reopened notices of the new round, and publish Action Reopened', async () => {
    const action = await asked({ language: 'zh-CN' });
    const token = verifyToken(action);
    const seen = publishedEvents().length;

    const res = await call('POST /v/{token}', { token, form: { answer: 'no' } });
    const again = await call('POST /v/{token}', { token, form: { answer: 'yes' } });

    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('很抱歉问题还没有解决');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('我们已经收到您的回答');
    const stored = (await testActions().getAction(action.id))!;
    expect(stored).toMatchObject({ status: 'reopened', round: 1 });
    // The bundled programme's rules for the campaign (its actions.dueWorkingDays, default 10; cn-mainland).
    const days = findCampaign(programme, action.campaignId)?.actions?.dueWorkingDays ?? 10;
    expect(stored.dueDate).toBe(dueDateOf(new Date(stored.reopenedAt!), days, cnMainland, stored.timeZone));
    expect(stored.verification).toBeUndefined();
    const recipients = [...action.managers, ...action.owners];
    expect(await queuedSendJobs(queue())).toEqual(
      recipients.map((_, recipient) => ({ actionId: action.id, notice: 'reopened', round: 1, recipient })),
    );
    const events = publishedEvents().slice(seen);
    expect(events.map((e) => e['detail-type'])).toEqual([DETAIL_TYPES.actionReopened]);
    expect(ActionEventDetail.parse(events[0]!.detail)).toMatchObject({ status: 'reopened', round: 1 });
  });

  it('should refuse a POST without an answer with the confirm page (400), and never 5xx on random forms', async () => {
    const action = await asked();
    const token = verifyToken(action);
    const before = await scanTable();

    const res = await call('POST /v/{token}', { token, form: { answer: 'maybe' } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(token), fc.string({ maxLength: 100 })),
        fc.dictionary(
          fc.constantFrom('answer', 'lang', 'x', 'constructor'),
          fc.string({ maxLength: 10 }).filter((s) => s !== 'yes' && s !== 'no'),
        ),
        async (t, form) => {
          const r = await call('POST /v/{token}', { token: t, form });
          expect(r.statusCode).toBeGreaterThanOrEqual(400);
          expect(r.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 50 },
    );

    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose one answer.');
    expect(await scanTable()).toEqual(before);
  });

  it('should say the time is over after answerBy, and answer an earlier round’s link as answered', async () => {
    const late = await advance(await seedAction(), 'asked', { answerBy: '2020-01-01' });
    const lateRes = await call('POST /v/{token}', { token: verifyToken(late), form: { answer: 'no' } });
    const reopened = await asked();
    const oldToken = verifyToken(reopened);
    await call('POST /v/{token}', { token: oldToken, form: { answer: 'no' } });
    await queuedSendJobs(queue());

    const old = await call('GET /v/{token}', { token: oldToken, query: { answer: 'yes' } });

    expect(lateRes.statusCode).toBe(409);
    expect(lateRes.body).toContain('The time to answer is over');
    expect((await testActions().getAction(late.id))?.status).toBe('resolved');
    expect(old.statusCode).toBe(409);
    expect(old.body).toContain('We already have your answer');
  });
});
