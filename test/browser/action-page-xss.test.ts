import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import { actionToken, seedAction, testActions } from '../support/actions.ts';
import { launchChromium } from '../support/chromium.ts';
import { type HttpResult, httpEvent, lambdaContext, type Route } from '../support/fixtures.ts';

/*
 * The action page in a real Chromium (test/support/chromium.ts finds one), served by the real survey-page
 * handler with its headers (CSP included) at the link's address: a customer's name and comment and the
 * owner's root cause and action carrying script and img payloads show as text and run nothing, without
 * JavaScript needed to acknowledge and resolve.
 */
const BASE = 'https://survey.example.test';
const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '</textarea><script>window.__xss=2</script>';

async function serveHandler(context: BrowserContext): Promise<void> {
  await context.route(`${BASE}/**`, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const m = /^\/([av])\/([^/]+)$/.exec(url.pathname);
    if (!m) return route.fulfill({ status: 404, body: '' });
    const res = (await handler(
      httpEvent(`${req.method()} /${m[1]}/{token}` as Route, {
        token: m[2]!,
        query: Object.fromEntries(url.searchParams),
        ...(req.postData() ? { body: req.postData()!, contentType: req.headers()['content-type'] } : {}),
      }),
      lambdaContext(),
    )) as HttpResult;
    await route.fulfill({
      status: res.statusCode ?? 200,
      headers: res.headers as Record<string, string>,
      body: res.body ?? '',
    });
  });
}

describe('action page in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('should show payloads in the customer’s name, comment, root cause and action as text, running nothing', async () => {
    // Arrange
    const action = await seedAction({
      customer: { name: `Eve ${IMG}` },
      comments: { suggestions: `${SCRIPT}${IMG}` },
    });
    const context = await browser.newContext({ javaScriptEnabled: true });
    await serveHandler(context);
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));

    // Act: open the owner's link, acknowledge, then resolve with payloads in both fields.
    await page.goto(`${BASE}/a/${actionToken(action, 'o0')}`);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Acknowledged.');
    await page.getByLabel('Root cause').fill(`${SCRIPT}${IMG}`);
    await page.getByLabel('Action taken').fill(`${IMG}${SCRIPT}`);
    await page.getByRole('button', { name: 'Mark resolved' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Marked resolved. Thank you!');

    // Assert: stored as typed, shown as text, nothing ran, injected or fetched.
    const stored = (await testActions().getAction(action.id))!;
    expect(stored.rootCause).toBe(`${SCRIPT}${IMG}`);
    expect(stored.actionTaken).toBe(`${IMG}${SCRIPT}`);
    const texts = await page.locator('.text').allInnerTexts();
    expect(texts).toEqual(expect.arrayContaining([`Eve ${IMG}`, `${SCRIPT}${IMG}`, `${IMG}${SCRIPT}`]));
    expect(await page.getByText(`${SCRIPT}${IMG}`).first().isVisible()).toBe(true);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('[onerror]').count()).toBe(0);
    expect(requests.every((u) => u.startsWith(`${BASE}/a/`))).toBe(true);
    await context.close();
  });

  it('should keep a payload typed into a refused form in its textarea, inert', async () => {
    const action = await seedAction();
    const context = await browser.newContext();
    await serveHandler(context);
    const page = await context.newPage();

    await page.goto(`${BASE}/a/${actionToken(action, 'o0')}?lang=en`);
    // The browser would refuse an empty required field itself; post one that is blank after trimming.
    await page.getByLabel('Root cause').fill('   ');
    await page.getByLabel('Action taken').fill(`${SCRIPT}${IMG}`);
    await page.getByRole('button', { name: 'Mark resolved' }).click();

    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Fill in “Root cause”.');
    expect(await page.getByLabel('Action taken').inputValue()).toBe(`${SCRIPT}${IMG}`);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(0);
    expect((await testActions().getAction(action.id))?.status).toBe('open');
    await context.close();
  });
});
