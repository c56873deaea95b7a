import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../functions/domain/language.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { withDepartmentNames } from '../../functions/domain/report/people.ts';
import { periodReportHtml } from '../../functions/domain/report/period-html.ts';
import { periodReport } from '../domain/period-fixture.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { checkWidths } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';

/*
 * Issue 14 item 7 in a real Chromium: what a reader of report.html sees (innerText, not markup) names
 * departments, the wave, dates, the time zone and languages in the reader's language, not by ids. The
 * pages are photographed at 390 and 1280 px (test-results/screenshots); their axe and overflow figures
 * are the report-html work's to assert (test/browser of that branch), so they are only printed here.
 */
const NAMES = {
  North: { 'zh-CN': '北方大区', en: 'North region' },
  South: { 'zh-CN': '南方大区', en: 'South region' },
};

function waveReportHtml(language: Language): string {
  const template = reportWave({ language });
  const wave = { ...template, campaign: { ...template.campaign, departments: NAMES } };
  return reportHtml(buildReport(wave, reportInvitations(wave), new Date('2025-04-10T10:00:00Z')));
}

const southHeadReport = (): string =>
  periodReportHtml(withDepartmentNames(periodReport({ language: 'en', department: 'South' }), NAMES));

describe('report.html for people, in a real browser', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Shows `html` at 390 and 1280 px (screenshots), and returns what a reader sees of it. */
  async function shown(name: string, html: string): Promise<string> {
    const checks = await checkWidths(page, name, () => page.setContent(html, { waitUntil: 'load' }));
    for (const c of checks)
      console.info(`${name} @${c.width}px: overflow ${c.overflow}px, axe ${c.violations.length} rule(s)`);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees.
    return page.locator('body').innerText();
  }

  it('should show a Chinese reader names, dates and the time zone in Chinese', async () => {
    // Act
    const text = await shown('report-i18n-wave-zh', waveReportHtml('zh-CN'));

    // Assert
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(text).toContain('2025年4月1日 09:00发出的批次');
    expect(text).toContain('截止时间 2025年4月15日 09:00');
    expect(text).toContain('时间为中国标准时间');
    expect(text).toContain('北方大区');
    expect(text).toContain('南方大区 · 中文 · 总分');
    expect(text).not.toMatch(/Asia\/Shanghai|\bNorth\b|\bSouth\b|\bzh-CN\b|\ben\b/);
    // The wave's id only in the small print at the foot.
    expect(text.indexOf('demo-20250401T0100')).toBeGreaterThan(text.indexOf('满意度指数 = '));
  });

  it('should show an English reader the same in English', async () => {
    // Act
    const text = await shown('report-i18n-wave-en', waveReportHtml('en'));

    // Assert
    expect(text).toContain('Wave sent 1 April 2025, 09:00');
    expect(text).toContain('times in China Standard Time');
    expect(text).toContain('North region');
    expect(text).toContain('South region · Chinese · Total');
    expect(text).not.toMatch(/Asia\/Shanghai|[\u4e00-\u9fff]/);
  });

  it('should show an English department head their department by name, and dates in English', async () => {
    // Act
    const text = await shown('report-i18n-period-south-en', southHeadReport());

    // Assert
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(text).toContain('Department: South region');
    expect(text).toContain('Period 2025-04 (1 April 2025 – 30 April 2025)');
    expect(text).toContain('Generated 1 May 2025, 10:00 (China Standard Time)');
    expect(text).not.toMatch(/Asia\/Shanghai|Department: South\b(?! region)/);
  });
});
