import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentField, ratingField } from '../../functions/domain/form-fields.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import { type HttpApiHandler, type RunningBridge, startHttpBridge } from '../../local/http-bridge.ts';
import { actionToken, advance, seedAction, verifyToken } from '../support/actions.ts';
import { expectReadable } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';
import { type SeededInvitation, seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { itssCurrent } from '../support/programme.ts';
import { scanTable } from '../support/scan.ts';

/*
 * Every page a customer or an action's owner sees, served by the real survey-page handler through the local
 * HTTP bridge (API Gateway's part) into a real Chromium with the pages' own headers (CSP included): at 390 and
 * 1280 px nothing scrolls sideways and axe finds nothing (test/support/axe.ts); screenshots land in
 * test-results/screenshots. Then the language switch, pressed with JavaScript off, keeps what was filled in.
 */
const store = testStore();
const FIRST = itssCurrent.categories[0]!;

describe('pages, readable at 390 and 1280 px', () => {
  let browser: Browser;
  let bridge: RunningBridge;
  let context: BrowserContext;
  let page: Page;
  let wave: Wave;

  const invite = (language: 'en' | 'zh-CN' = 'en'): Promise<SeededInvitation> =>
    seedInvitation(wave, { customer: { language, name: language === 'en' ? 'Alice Chen' : '王伟' } });
  const url = (path: string) => `${bridge.url}${path}`;

  beforeAll(async () => {
    browser = await launchChromium();
    bridge = await startHttpBridge({ handler: handler as HttpApiHandler });
    wave = await seedWave({ questionnaire: itssCurrent });
    // axe runs as a script in the page; the pages themselves carry none (their CSP allows none).
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await bridge?.close();
  });

  it('should read well: the survey page in English and in Chinese', async () => {
    const en = await invite('en');
    const zh = await invite('zh-CN');
    await expectReadable(page, 'survey-en', () => page.goto(url(`/s/${en.surveyToken}`)));
    await expectReadable(page, 'survey-zh', () => page.goto(url(`/s/${zh.surveyToken}`)));
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('should read well: the survey page after an invalid submit, its title saying so', async () => {
    const en = await invite('en');
    await expectReadable(page, 'survey-invalid-en', async () => {
      await page.goto(url(`/s/${en.surveyToken}`));
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await page.waitForLoadState();
    });
    expect(await page.title()).toMatch(/^Error: 1 problem — /);
  });

  it('should read well in dark mode too: the refused form, its errors and buttons', async () => {
    const en = await invite('en');
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await expectReadable(page, 'survey-invalid-dark', async () => {
        await page.goto(url(`/s/${en.surveyToken}`));
        await page.getByRole('button', { name: 'Submit', exact: true }).click();
        await page.waitForLoadState();
      });
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('should read well: the one-click page, the thank-you page and the already-answered page', async () => {
    const oneClick = await invite('en');
    await expectReadable(page, 'survey-one-click-en', () =>
      page.goto(url(`/s/${oneClick.surveyToken}?${ratingField(FIRST.id)}=satisfied`)),
    );
    let answered: SeededInvitation | undefined;
    await expectReadable(page, 'thank-you-en', async () => {
      answered = await invite('en');
      await page.goto(url(`/s/${answered.surveyToken}?${ratingField(FIRST.id)}=satisfied`));
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await page.waitForLoadState();
    });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you for your feedback');
    await expectReadable(page, 'already-answered-en', () => page.goto(url(`/s/${answered!.surveyToken}`)));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Thank you — we already have your answer',
    );
  });

  it('should read well: the generic page of a link that cannot be used (404)', async () => {
    let status: number | undefined;
    await expectReadable(page, 'link-unavailable', async () => {
      status = (await page.goto(url('/s/not-a-token')))?.status();
    });
    expect(status).toBe(404);
  });

  it('should read well: unsubscribe, its confirmation and the page after it', async () => {
    const confirm = await invite('en');
    await expectReadable(page, 'unsubscribe-confirm-en', () =>
      page.goto(url(`/u/${confirm.unsubscribeToken}`)),
    );
    await expectReadable(page, 'unsubscribe-done-zh', async () => {
      const seeded = await invite('zh-CN');
      await page.goto(url(`/u/${seeded.unsubscribeToken}`));
      await page.getByRole('button', { name: '确认退订' }).click();
      await page.waitForLoadState();
    });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('您已退订');
  });

  it('should read well: an action page (/a) and a follow-up page (/v)', async () => {
    const action = await seedAction();
    await expectReadable(page, 'action-page', () => page.goto(url(`/a/${actionToken(action, 'o0')}`)));
    const asked = await advance(await seedAction({ customer: { language: 'en' } }), 'asked');
    await expectReadable(page, 'verify-page-en', () => page.goto(url(`/v/${verifyToken(asked)}?answer=yes`)));
  });

  it('should send the answers, not switch the language, on Enter in a field', async () => {
    // Arrange: the language buttons come before the form in the document, tied to it by form=.
    const seeded = await invite('en');
    await page.goto(url(`/s/${seeded.surveyToken}`));
    await page.locator(`#${ratingField(FIRST.id)}_satisfied`).check();

    // Act: Enter on the chosen answer submits the form implicitly, with its default button.
    await page.locator(`#${ratingField(FIRST.id)}_satisfied`).press('Enter');

    // Assert: thanked in English, the answer stored.
    await expect.poll(() => page.title()).toBe('Thank you for your feedback');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect((await store.getInvitation(seeded.invitation.id))?.response?.ratings).toEqual({
      [FIRST.id]: 'satisfied',
    });
  });

  it('should answer HEAD through the bridge as GET, with its type and length and no body, writing nothing', async () => {
    // Arrange
    const seeded = await invite('en');
    const before = await scanTable();

    // Act
    const head = await fetch(url(`/s/${seeded.surveyToken}`), { method: 'HEAD' });
    const after = await scanTable();
    const get = await fetch(url(`/s/${seeded.surveyToken}`));
    const body = Buffer.from(await get.arrayBuffer());

    // Assert
    expect(after).toEqual(before);
    expect(head.status).toBe(200);
    expect(head.status).toBe(get.status);
    for (const name of ['content-type', 'content-security-policy', 'cache-control'])
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    expect(head.headers.get('content-length')).toBe(String(body.length));
    expect(get.headers.get('content-length')).toBe(String(body.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('should keep a one-click choice and a typed comment through the language switch, then store them', async () => {
    // Arrange: an English customer, JavaScript off, follows the email's one-click link and types a comment.
    const seeded = await invite('en');
    const noScript = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const page = await noScript.newPage();
    await page.goto(url(`/s/${seeded.surveyToken}?${ratingField(FIRST.id)}=dissatisfied`));
    const comment = 'Please call before delivering — 谢谢';
    const commentBox = page.locator(`#${commentField(itssCurrent.openQuestions[0]!.id)}`);
    await commentBox.fill(comment);
    const before = await scanTable();

    // Act: switch to Chinese.
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.waitForLoadState();

    // Assert: Chinese, the same choice and comment, nothing stored.
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator(`#${ratingField(FIRST.id)}_dissatisfied`).isChecked()).toBe(true);
    expect(await page.locator('input[type="radio"]:checked').count()).toBe(1);
    expect(await commentBox.inputValue()).toBe(comment);
    expect(await scanTable()).toEqual(before);

    // Act: submit from the Chinese page.
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.waitForLoadState();

    // Assert: thanked in Chinese; the answer stored as chosen and typed, in Chinese.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('感谢您的反馈');
    const stored = (await store.getInvitation(seeded.invitation.id))?.response;
    expect(stored?.ratings).toEqual({ [FIRST.id]: 'dissatisfied' });
    expect(stored?.comments).toEqual({ [itssCurrent.openQuestions[0]!.id]: comment });
    expect(stored?.language).toBe('zh-CN');
    await noScript.close();
  });
});
