import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodReportHtml } from '../../functions/domain/report/period-html.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { periodReport } from '../domain/period-fixture.ts';
import { XSS_IMG, XSS_SCRIPT } from '../domain/report-fixture.ts';
import { launchChromium } from '../support/chromium.ts';

/*
 * The period report.html in a real Chromium (see survey-flow.test.ts): comments carrying script and img
 * payloads show as text and run nothing. Once with the page's CSP, and once without it, so that the
 * escaping alone is what is tested.
 */
const CSP = /<meta http-equiv="Content-Security-Policy"[^>]*>/;
/** Sets a flag instead of alerting: a script that ran would leave it behind. */
const FLAG_IMG = '<img src=x onerror="window.__xss=1">';
const FLAG_SCRIPT = '<script>window.__xss=2</script>';

/** The fixture's report with one more comment whose payloads would set window.__xss. */
function reportWithPayloads(): PeriodReportDocument {
  const report = periodReport();
  const first = report.statistics.comments[0]!;
  return {
    ...report,
    statistics: {
      ...report.statistics,
      comments: [...report.statistics.comments, { ...first, text: `${FLAG_IMG}${FLAG_SCRIPT}` }],
    },
  };
}

describe('period report in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    { name: 'with its CSP', strip: false },
    { name: 'without its CSP', strip: true },
  ])('should show XSS payloads in comments as text and run nothing ($name)', async ({ strip }) => {
    // Arrange
    const html = periodReportHtml(reportWithPayloads());
    expect(CSP.test(html)).toBe(true);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));

    // Act
    await page.setContent(strip ? html.replace(CSP, '') : html, { waitUntil: 'load' });

    // Assert: nothing ran, nothing was injected or fetched.
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('[onerror]').count()).toBe(0);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);

    // The comments read as the customers wrote them, visibly.
    const comments = page.locator('.comment p');
    await expect.poll(() => comments.allInnerTexts()).toContain(XSS_SCRIPT);
    const texts = await comments.allInnerTexts();
    expect(texts).toContain(`=HYPERLINK("http://evil.example","x") ${XSS_IMG}`);
    expect(texts).toContain(`${FLAG_IMG}${FLAG_SCRIPT}`);
    expect(await comments.filter({ hasText: XSS_SCRIPT }).isVisible()).toBe(true);
    expect(await comments.filter({ hasText: FLAG_IMG }).isVisible()).toBe(true);
    await page.close();
  });
});
