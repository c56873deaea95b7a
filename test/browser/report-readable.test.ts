import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../functions/domain/language.ts';
import type { ActionCounts, ActionsSummary } from '../../functions/domain/report/actions-summary.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { periodReportHtml } from '../../functions/domain/report/period-html.ts';
import { periodReport } from '../domain/period-fixture.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { expectReadable, overflowX, SCREENSHOTS_DIR } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';

/*
 * report.html read as people read it (issue 14): the wave's report in both languages and the period's,
 * for the whole campaign and for one department, at a phone's width and a laptop's: nothing scrolls
 * sideways, axe finds nothing, no text is smaller than 12 px, and no item name is squeezed into a column
 * a few characters wide. Screenshots in test-results/screenshots.
 */

const counts = (opened: number, stillOpen: number): ActionCounts => ({
  opened,
  resolvedOnTime: opened - stillOpen,
  resolvedLate: 0,
  overdue: stillOpen,
  verified: 0,
  reopened: 0,
  closedUnverified: 0,
  stillOpen,
  medianDaysToResolve: opened > stillOpen ? 3.5 : null,
});

/** Corrective actions for the campaign's period report, so its widest table is on the page too. */
const ACTIONS: ActionsSummary = {
  total: counts(5, 2),
  departments: [
    { department: 'North', ...counts(3, 1) },
    { department: 'South', ...counts(2, 1) },
  ],
  withheldDepartments: 0,
};

function waveReport(language: Language, answered = true): string {
  const wave = reportWave({ language });
  const invitations = answered ? reportInvitations(wave) : [];
  return reportHtml(buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z')));
}

/** The period's report on a Likert scale with a target mean: the items' table has a column more. */
function likertPeriodReport(): string {
  const report = periodReport();
  const q = report.questionnaire!;
  return periodReportHtml({
    ...report,
    questionnaire: { ...q, scaleKind: 'likert', targetMean: 4 },
    targets: { ...report.targets, itemMean: 4, index: 80 },
    statistics: {
      ...report.statistics,
      meanRaw: 3.5,
      targetMet: false,
      indexMet: false,
      categories: report.statistics.categories.map((c) => ({ ...c, targetMet: c.id === 'quality' })),
    },
    actions: null,
  });
}

/** What the page shows that a reader may find too small: the smallest text, and the narrowest name cell. */
async function measure(page: Page): Promise<{ smallestText: number; narrowestName: number }> {
  return page.evaluate(() => {
    let smallestText = Number.POSITIVE_INFINITY;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim()) continue;
      const rects = Array.from(parent.getClientRects());
      if (rects.every((r) => r.width === 0 || r.height === 0)) continue;
      if (getComputedStyle(parent).clip === 'rect(0px, 0px, 0px, 0px)') continue;
      // SVG text is scaled with its drawing: its size on screen is its font size times the scale.
      const svg = parent.closest('svg');
      const scale = svg ? svg.getBoundingClientRect().width / (svg.viewBox.baseVal?.width || 1) : 1;
      smallestText = Math.min(smallestText, Number.parseFloat(getComputedStyle(parent).fontSize) * scale);
    }
    const names = Array.from(document.querySelectorAll('tbody th, tbody td:first-child'));
    const narrowestName = Math.min(...names.map((c) => c.getBoundingClientRect().width));
    return { smallestText, narrowestName };
  });
}

/** How many of each table role Chromium's accessibility tree holds (the tree screen readers read). */
async function tableRoles(page: Page): Promise<Record<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: Array<{ role?: { value: string }; ignored: boolean }>;
  };
  await cdp.detach();
  const roles: Record<string, number> = { table: 0, row: 0, columnheader: 0, rowheader: 0, cell: 0 };
  for (const node of nodes) {
    const role = node.role?.value;
    if (!node.ignored && role && role in roles) roles[role]! += 1;
  }
  return roles;
}

/** The pages checked: the wave's report in both languages, the period's for the campaign and a department. */
const REPORTS = [
  { name: 'report-wave-en', html: () => waveReport('en') },
  { name: 'report-wave-zh', html: () => waveReport('zh-CN') },
  { name: 'report-period-campaign', html: () => periodReportHtml({ ...periodReport(), actions: ACTIONS }) },
  { name: 'report-period-zh', html: () => periodReportHtml(periodReport({ language: 'zh-CN' })) },
  { name: 'report-period-north', html: () => periodReportHtml(periodReport({ department: 'North' })) },
  { name: 'report-wave-empty', html: () => waveReport('en', false) },
  { name: 'report-period-likert', html: likertPeriodReport },
];

describe('report.html at a phone’s width and a laptop’s', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(REPORTS)(
    '$name: no sideways scrolling, no axe violation, text of 12 px or more',
    async ({ name, html }) => {
      // Arrange
      const page = await browser.newPage();
      const content = html();
      const sizes: Array<{ smallestText: number; narrowestName: number }> = [];
      const roles: Array<Record<string, number>> = [];

      // Act
      await expectReadable(page, name, async () => {
        await page.setContent(content, { waitUntil: 'load' });
        sizes.push(await measure(page));
        roles.push(await tableRoles(page));
      });

      // Assert: at both widths, text a phone can read and names with room for a word per line; the
      // tables reflowed at 390 px are still tables, with their headers, to a screen reader.
      for (const size of sizes) {
        expect(size.smallestText).toBeGreaterThanOrEqual(12);
        expect(size.narrowestName).toBeGreaterThanOrEqual(96);
      }
      expect(roles[0]).toEqual(roles[1]);
      expect(roles[0]!.table).toBeGreaterThan(0);
      expect(roles[0]!.columnheader).toBeGreaterThan(roles[0]!.table!);
      await page.close();
    },
  );

  it('should scroll nowhere sideways at the widths between a phone’s and a laptop’s', async () => {
    // Arrange
    const page = await browser.newPage();
    const overflows: string[] = [];

    // Act
    for (const { name, html } of REPORTS) {
      const content = html();
      for (const width of [320, 480, 640, 700, 800, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        await page.setContent(content, { waitUntil: 'load' });
        const overflow = await overflowX(page);
        if (overflow > 0) overflows.push(`${name} at ${width} px: ${overflow} px`);
      }
    }

    // Assert
    expect(overflows).toEqual([]);
    await page.close();
  });

  it('should print on A4 as tables, bars in colour, nothing cut off at the side', async () => {
    // Arrange: an A4 page's printable width at Chromium's default margins, in CSS pixels.
    const page = await browser.newPage({ viewport: { width: 718, height: 1000 } });
    await page.setContent(periodReportHtml({ ...periodReport(), actions: ACTIONS }), { waitUntil: 'load' });

    // Act
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'report-period-print-718.png'), fullPage: true });
    const printed = await page.evaluate(() => ({
      tables: Array.from(document.querySelectorAll('table:not(.wide)'), (t) => getComputedStyle(t).display),
      wide: Array.from(document.querySelectorAll('table.wide'), (t) => getComputedStyle(t).display),
      colourAdjust: getComputedStyle(document.body).getPropertyValue('print-color-adjust'),
    }));
    const pdf = await page.pdf({ format: 'A4' });

    // Assert
    expect(await overflowX(page)).toBe(0);
    expect(new Set(printed.tables)).toEqual(new Set(['table']));
    // Tables of many columns (departments, segments: 7; actions: 10) do not fit A4's width as tables: one
    // block per row.
    expect(printed.wide).toEqual(['block', 'block', 'block']);
    expect(printed.colourAdjust).toBe('exact');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
