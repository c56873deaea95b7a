import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, checkWidths } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';

/* The checker the issue-14 browser tests rely on can fail: it sees violations, overflow, and CSP-locked pages. */
describe('axe and width checks (test/support/axe.ts)', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('should find an image without alt text and a page 600 px wide at 390 px, and nothing on a clean page', async () => {
    // Arrange
    const page = await browser.newPage();
    const bad =
      '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>' +
      '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><div style="width:600px">wide</div></main></body></html>';
    const good =
      '<!doctype html><html lang="en"><head><title>Good</title><meta name="viewport" content="width=device-width">' +
      '</head><body><main><h1>Good</h1><p>Fine.</p></main></body></html>';

    // Act
    const badChecks = await checkWidths(page, 'axe-support-bad', () => page.setContent(bad));
    const goodChecks = await checkWidths(page, 'axe-support-good', () => page.setContent(good));

    // Assert
    expect(badChecks.map((c) => c.overflow)).toEqual([expect.any(Number), 0]);
    expect(badChecks[0]!.overflow).toBeGreaterThan(150);
    expect(badChecks[0]!.violations.map((v) => v.id)).toContain('image-alt');
    expect(goodChecks.map((c) => [c.overflow, c.violations])).toEqual([
      [0, []],
      [0, []],
    ]);
    await page.close();
  });

  it('should run axe on a page whose CSP forbids every script, as the reports do', async () => {
    // Arrange
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>Locked</title>' +
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:">` +
        '</head><body><main><h1>Locked</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>',
    );

    // Act
    const violations = await axeViolations(page);

    // Assert
    expect(violations.map((v) => v.id)).toEqual(['image-alt']);
    await page.close();
  });
});
