import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReadable } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';
import { EMAIL_KINDS, renderEmail } from '../support/email-kinds.ts';

/*
 * Every kind of email's HTML part read in the real Chromium, as a webmail shows it, at a phone's width
 * and a desktop's (issue 14): no sideways scrolling, no axe violation, a screenshot of each in
 * test-results/screenshots/email-{kind}-{language}-{width}.png.
 */
describe('emails in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const kind of EMAIL_KINDS) {
    it.each(['en', 'zh-CN'] as const)(
      `should show the ${kind} readable at 390 and 1280 px (%s)`,
      async (language) => {
        // Arrange
        const { html } = renderEmail(kind, language);
        const page = await browser.newPage();

        // Act
        const checks = await expectReadable(page, `email-${kind}-${language}`, () => page.setContent(html));

        // Assert: one main region and one h1 in it (what axe's best practices ask of a page).
        expect(checks).toHaveLength(2);
        expect(await page.locator('[role="main"] h1').count()).toBe(1);
        await page.close();
      },
    );
  }

  it.each(['en', 'zh-CN'] as const)(
    'should keep the period digest’s department bars wide on a phone, each beside its number (%s)',
    async (language) => {
      // Arrange
      const page = await browser.newPage();
      await page.setViewportSize({ width: 390, height: 844 });

      // Act
      await page.setContent(renderEmail('period-digest', language).html);
      const bars = await page.evaluate(() =>
        Array.from(document.querySelectorAll('table[aria-hidden="true"]')).map((bar) => ({
          width: bar.getBoundingClientRect().width,
          filled: (bar.querySelector('td[bgcolor="#2f6fb0"]')?.getBoundingClientRect().width ?? 0) > 0,
          number: bar.parentElement?.textContent?.trim() ?? '',
        })),
      );

      // Assert: the two departments' and five items' bars, none collapsed (they were 0 px wide).
      expect(bars).toHaveLength(7);
      for (const bar of bars) {
        expect(bar.width).toBeGreaterThanOrEqual(50);
        expect(bar.filled).toBe(true);
        expect(bar.number).toMatch(/^\d+\.\d+/);
      }
      await page.close();
    },
  );
});
