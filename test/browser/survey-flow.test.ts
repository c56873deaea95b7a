import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, portsFrom, startLocalStack } from '../../local/stack.ts';
import { launchChromium } from '../support/chromium.ts';

/*
 * The customer's whole path in a real Chromium (test/support/chromium.ts finds one):
 * the local mailbox, the invitation email, the survey link, the form, the thank-you page.
 */
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

describe('survey in a real browser', () => {
  let dataDir: string;
  let stack: LocalStack;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    dataDir = await mkdtemp(join(tmpdir(), 'csat-browser-'));
    stack = await startLocalStack({ dataDir, ports: portsFrom(0), log: () => {} });
    await stack.idle(60_000);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Opens the `nth` English invitation in the mailbox and follows its survey button to a new tab. */
  async function openEnglishInvitation(page: Page, nth: number): Promise<Page> {
    await page.goto(stack.info.urls.mailbox);
    await page
      .getByRole('link', { name: /satisfaction survey: we would value your feedback/i })
      .nth(nth)
      .click();
    const email = page.frameLocator('iframe[title="The email as HTML"]');
    const [survey] = await Promise.all([
      page.context().waitForEvent('page'),
      email.getByRole('link', { name: 'Start the survey' }).click(),
    ]);
    await survey.waitForLoadState();
    return survey;
  }

  it('should take a customer from the email to the thank-you page, storing one response', async () => {
    // Arrange
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // Act: open the email, follow its link, answer, submit.
    const survey = await openEnglishInvitation(page, 0);
    survey.on('pageerror', (e) => errors.push(e.message));
    await expect.poll(() => survey.locator('html').getAttribute('lang')).toBe('en');
    const groups = survey.locator('fieldset');
    const count = await groups.count();
    expect(count).toBeGreaterThanOrEqual(7);
    for (let i = 0; i < count; i++) {
      const group = groups.nth(i);
      if ((await group.locator('input[type="radio"]').count()) > 0) {
        await group.getByLabel('Satisfied', { exact: true }).check();
      }
    }
    await survey.getByLabel('Any suggestions or other requirements?').fill(XSS);
    const before = await stack.status('demo');
    await survey.getByRole('button', { name: 'Submit' }).click();

    // Assert: the thank-you page, one more answer counted, no script ran.
    await expect.poll(() => survey.getByRole('heading', { level: 1 }).textContent()).toContain('Thank you');
    const after = await stack.status('demo');
    const answered = (s: typeof before) => s.waves.reduce((n, w) => n + w.answered, 0);
    expect(answered(after)).toBe(answered(before) + 1);
    expect(await survey.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors).toEqual([]);

    // Back to the form and reload: the link says it was answered, in English, and offers no form.
    await survey.goBack();
    await survey.reload();
    await expect
      .poll(() => survey.getByRole('heading', { level: 1 }).textContent())
      .toBe('Thank you — we already have your answer');
    expect(await survey.locator('html').getAttribute('lang')).toBe('en');
    expect(await survey.getByRole('button', { name: 'Submit' }).count()).toBe(0);
    await context.close();
  });

  it('should open the survey with the level clicked in the email chosen, record nothing until submit, then store it', async () => {
    // Arrange
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(stack.info.urls.mailbox);
    await page
      .getByRole('link', { name: /satisfaction survey: we would value your feedback/i })
      .nth(2)
      .click();
    const email = page.frameLocator('iframe[title="The email as HTML"]');
    const answered = async () => (await stack.status('demo')).waves.reduce((n, w) => n + w.answered, 0);
    const before = await answered();

    // Act: the first question's levels are links in the email; click "Dissatisfied".
    await expect.poll(() => email.getByText('First question: how would you rate “Quality”?').count()).toBe(1);
    expect(await email.getByRole('link', { name: /satisfied$/i }).count()).toBe(5);
    const [survey] = await Promise.all([
      page.context().waitForEvent('page'),
      email.getByRole('link', { name: 'Dissatisfied', exact: true }).click(),
    ]);
    await survey.waitForLoadState();

    // Assert: the page opened with that answer chosen, and opening it stored nothing.
    const first = survey.locator('fieldset').first();
    expect(await first.getByLabel('Dissatisfied', { exact: true }).isChecked()).toBe(true);
    expect(await survey.locator('input[type="radio"]:checked').count()).toBe(1);
    expect(await answered()).toBe(before);

    // Act: answer the rest on the same page and submit.
    const groups = survey.locator('fieldset');
    for (let i = 1; i < (await groups.count()); i++) {
      const group = groups.nth(i);
      if ((await group.locator('input[type="radio"]').count()) > 0) {
        await group.getByLabel('Satisfied', { exact: true }).check();
      }
    }
    await survey.getByRole('button', { name: 'Submit' }).click();

    // Assert: one response more.
    await expect.poll(() => survey.getByRole('heading', { level: 1 }).textContent()).toContain('Thank you');
    expect(await answered()).toBe(before + 1);
    await context.close();
  });

  it('should store the answer clicked in the email with one tap on the page', async () => {
    // Arrange
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(stack.info.urls.mailbox);
    await page
      .getByRole('link', { name: /satisfaction survey: we would value your feedback/i })
      .nth(3)
      .click();
    const email = page.frameLocator('iframe[title="The email as HTML"]');
    const answered = async () => (await stack.status('demo')).waves.reduce((n, w) => n + w.answered, 0);
    const before = await answered();
    const [survey] = await Promise.all([
      page.context().waitForEvent('page'),
      email.getByRole('link', { name: 'Satisfied', exact: true }).click(),
    ]);
    await survey.waitForLoadState();

    // Act: one tap on the button that follows the chosen answer.
    const sendIt = survey.getByRole('button', { name: 'Send this answer' });
    expect(await sendIt.isVisible()).toBe(true);
    await sendIt.click();

    // Assert: thanked, and one response more — the single rating, scored over the item answered.
    await expect.poll(() => survey.getByRole('heading', { level: 1 }).textContent()).toContain('Thank you');
    expect(await answered()).toBe(before + 1);
    await context.close();
  });

  it('should show field errors and keep the answers when the form is incomplete', async () => {
    // Arrange
    const context = await browser.newContext();
    const page = await context.newPage();
    const survey = await openEnglishInvitation(page, 1);

    // Act: leave the one required item (the first) blank, answer another, write a comment, submit.
    await survey.locator('fieldset').nth(1).getByLabel('Very satisfied', { exact: true }).check();
    await survey.getByLabel('Any suggestions or other requirements?').fill('Faster delivery, please.');
    await survey.getByRole('button', { name: 'Submit' }).click();

    // Assert
    await expect.poll(() => survey.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
    expect(await survey.locator('fieldset').first().getAttribute('aria-invalid')).toBe('true');
    expect(
      await survey.locator('fieldset').nth(1).getByLabel('Very satisfied', { exact: true }).isChecked(),
    ).toBe(true);
    expect(await survey.getByLabel('Any suggestions or other requirements?').inputValue()).toBe(
      'Faster delivery, please.',
    );
    await context.close();
  });
});
