import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../functions/domain/language.ts';
import { periodDigestEmail } from '../../functions/domain/report/period-email.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { periodReport } from '../domain/period-fixture.ts';
import { XSS_IMG, XSS_SCRIPT } from '../domain/report-fixture.ts';
import { launchChromium } from '../support/chromium.ts';

/*
 * The period digest's HTML part in a real Chromium (test/support/chromium.ts finds one):
 * comments full of markup must stay text, with scripts enabled, the way a webmail shows the message.
 */
// Payloads that would leave a trace without a dialog, next to the fixture's alert() ones.
const FLAG_IMG = '<img src=x onerror="window.__xss=1">';
const FLAG_SCRIPT = '<script>window.__xss=2</script>';
const FLAG_SVG = '<svg onload="window.__xss=3"></svg>';

function digestHtml(report: PeriodReportDocument): string {
  const now = new Date('2025-05-01T03:00:00.000Z');
  return periodDigestEmail({
    report,
    from: { name: 'Customer Service', address: 'survey@example.com' },
    to: ['boss@staff.example'],
    htmlUrl: 'https://survey.example.test/r/report?a=1&b=2',
    csvUrl: 'https://survey.example.test/r/csv',
    linksExpireAt: new Date(now.getTime() + 7 * 86_400_000),
    now,
  }).html;
}

/** The whole campaign's report with a further comment and department name carrying the flag payloads. */
function hostileReport(language: Language): PeriodReportDocument {
  const r = periodReport({ language });
  const first = r.statistics.comments[0]!;
  return {
    ...r,
    statistics: {
      ...r.statistics,
      comments: [
        { ...first, total: 1, text: `${FLAG_IMG}${FLAG_SCRIPT}${FLAG_SVG}` },
        ...r.statistics.comments,
      ],
      departments: r.statistics.departments.map((d, i) => (i === 0 ? { ...d, department: FLAG_IMG } : d)),
    },
  };
}

describe('period digest in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(['en', 'zh-CN'] as const)(
    'should show the comments as text and run nothing (%s)',
    async (language) => {
      // Arrange
      const context = await browser.newContext({ javaScriptEnabled: true });
      const page = await context.newPage();
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      page.on('pageerror', (err) => errors.push(err.message));

      // Act
      await page.setContent(digestHtml(hostileReport(language)), { waitUntil: 'load' });

      // Assert: no dialog, no flag, no element made from comment text.
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('svg').count()).toBe(0);
      expect(await page.locator('[onerror], [onload]').count()).toBe(0);
      // The payloads are there, as the literal text the customer typed.
      for (const literal of [XSS_SCRIPT, `${FLAG_IMG}${FLAG_SCRIPT}${FLAG_SVG}`]) {
        await expect.poll(() => page.getByText(literal, { exact: true }).isVisible()).toBe(true);
      }
      await expect.poll(() => page.getByText(XSS_IMG).first().isVisible()).toBe(true);
      await expect.poll(() => page.getByText(FLAG_IMG, { exact: true }).isVisible()).toBe(true);
      await context.close();
    },
  );

  it('should show a department digest’s own comment as text', async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.setContent(digestHtml(periodReport({ department: 'South' })), { waitUntil: 'load' });
    expect(dialogs).toBe(0);
    expect(await page.locator('img, script').count()).toBe(0);
    await expect.poll(() => page.getByText(XSS_SCRIPT, { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('North').count()).toBe(0);
    await page.close();
  });
});
