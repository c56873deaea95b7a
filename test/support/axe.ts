import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/*
 * What people see, checked in the real Chromium (issue 14): every page, report and email is read at a
 * phone's width and a desktop's, photographed, measured for sideways scrolling and run through axe.
 *
 *   await expectReadable(page, 'survey-page-en', () => page.goto(url));
 *
 * axe runs through page.evaluate, which the pages' Content-Security-Policy does not govern (it is the
 * test driving the browser, not the page loading a script), so the pages are checked with their CSP on.
 */

/** The rules the issue names: WCAG 2.0 A and AA, 2.1 A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

/** An iPhone 12–15's CSS width, and a laptop's. */
export const WIDTHS = [390, 1280] as const;
export type Width = (typeof WIDTHS)[number];

/** Where the screenshots go (git-ignored): `test-results/screenshots/{name}-{width}.png`. */
export const SCREENSHOTS_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/** One axe violation, short enough to read in a failed assertion. */
export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  /** The first few offending elements' selectors. */
  targets: string[];
  count: number;
}

/** axe's violations on the page as it is now, for AXE_TAGS. */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(axe.source);
  const results = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: typeof axe }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    [...AXE_TAGS],
  );
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    count: v.nodes.length,
  }));
}

/** How many CSS pixels the page is wider than the viewport (0 when nothing scrolls sideways). */
export async function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/** What one width showed. */
export interface WidthCheck {
  width: Width;
  overflow: number;
  violations: AxeFinding[];
  screenshot: string;
}

/**
 * Sets the viewport to each of WIDTHS, lets `load` (re)load or (re)render the page, photographs the whole
 * page to SCREENSHOTS_DIR and returns, per width, the sideways overflow and axe's violations. `load` runs
 * once per width so that a page laid out for one width is never measured at another.
 */
export async function checkWidths(
  page: Page,
  name: string,
  load: () => Promise<unknown>,
): Promise<WidthCheck[]> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const checks: WidthCheck[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await load();
    const screenshot = join(SCREENSHOTS_DIR, `${name}-${width}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    checks.push({
      width,
      overflow: await overflowX(page),
      violations: await axeViolations(page),
      screenshot,
    });
  }
  return checks;
}

/**
 * The check every browser test of issue 14 makes: at 390 and 1280 px the page scrolls nowhere sideways
 * and axe finds nothing. Returns the checks for further assertions.
 */
export async function expectReadable(
  page: Page,
  name: string,
  load: () => Promise<unknown>,
): Promise<WidthCheck[]> {
  const checks = await checkWidths(page, name, load);
  const problems = checks.map(({ width, overflow, violations }) => ({ width, overflow, violations }));
  expect(problems, `${name}: sideways overflow or axe violations`).toEqual(
    WIDTHS.map((width) => ({ width, overflow: 0, violations: [] })),
  );
  return checks;
}
