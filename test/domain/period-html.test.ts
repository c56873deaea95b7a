import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodReportHtml } from '../../functions/domain/report/period-html.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import {
  expectPayloadsEscaped,
  expectSelfContained,
  markup,
  PERIOD_REPORT_TAGS,
  tagsOf,
} from '../support/markup.ts';
import { periodReport } from './period-fixture.ts';

const ALLOWED_TAGS = PERIOD_REPORT_TAGS;

/** The section under the heading `h2`, up to the next section. */
const section = (html: string, h2: string): string => {
  const start = html.search(new RegExp(`<h2 id="h-\\w+">${h2}</h2>`));
  expect(start, h2).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
};

/** Where each string first appears, to check an order. */
const positions = (html: string, strings: string[]): number[] => strings.map((s) => html.indexOf(s));

const ascending = (xs: number[]): boolean => xs.every((x, i) => x >= 0 && (i === 0 || x > xs[i - 1]!));

describe('periodReportHtml', () => {
  const report = periodReport();
  const html = periodReportHtml(report);

  it('should name the campaign, the period, whether it is final and the scope', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(
      '<title>Quarterly customer satisfaction survey — Period satisfaction report 2025-04</title>',
    );
    expect(html).toContain('Period 2025-04 (1 April 2025 – 30 April 2025) · <b>Final figures</b>');
    expect(html).toContain('<p class="meta">Whole campaign (all departments) · Waves: 1');
    expect(html).toContain('Generated 1 May 2025, 10:00 (China Standard Time)');

    const early = periodReportHtml(periodReport({ now: new Date('2025-04-10T00:00:00.000Z') }));
    expect(early).toContain('<b>In progress: the figures may still change</b>');
  });

  it('should hold each headline figure against its target, in words', () => {
    expect(html).toContain(
      '<div class="card"><span>Satisfaction index</span><b>72.33 (C)</b><small>no target</small></div>',
    );
    expect(html).toContain(
      '<div class="card missed"><span>Satisfaction rate</span><b>57.1%</b><small>target 95.0% · ✗ not reached</small></div>',
    );
    expect(html).toContain(
      '<div class="card met"><span>Return rate</span><b>50.0%</b><small>target 30.0% · ✓ reached</small></div>',
    );
    expect(html).toContain('<b>3 / 6</b>');
    expect(html).toContain('1 response(s) do not fit their wave’s questionnaire');
  });

  it('should draw the index target, met or not, in the cards and both charts', () => {
    // Arrange
    const withTarget: PeriodReportDocument = {
      ...report,
      targets: { ...report.targets, index: 80 },
      statistics: { ...report.statistics, indexMet: false },
    };

    // Act
    const out = periodReportHtml(withTarget);

    // Assert: no target mark without a target; with one, a dashed mark on each index bar of the trend
    // (2 periods) and the departments (2), and in both legends.
    expect(html).not.toContain('Index target');
    expect(out).toContain(
      '<div class="card missed"><span>Satisfaction index</span><b>72.33 (C)</b><small>target 80.00 · ✗ not reached</small></div>',
    );
    expect(out.match(/Index target 80.00<\/li>/g)).toHaveLength(2);
    expect(out.match(/<line x1="80.000" y1="0" x2="80.000" y2="10" stroke="#1a1a1a"/g)).toHaveLength(4);
  });

  it('should chart and list the trend, oldest period first', () => {
    const trend = section(html, 'Trend');
    // Each period's index and rate as bars with their figures beside them, the rate target dashed at 95.
    expect(trend).toContain(
      '<div class="pairs" role="img" aria-label="Satisfaction index and satisfaction rate per period">',
    );
    expect(trend).toMatch(
      /<div class="pair"><b>2025-03<\/b>.*?<span>100\.00 \(A\)<\/span>.*?<span>100\.0%<\/span><\/div><\/div>/,
    );
    expect(trend).toMatch(
      /<div class="pair"><b>2025-04<\/b>.*?<rect width="57\.140" height="10" fill="#b8690f"\/>/,
    );
    expect(trend).toContain('<line x1="95.000" y1="0" x2="95.000" y2="10" stroke="#1a1a1a"');
    expect(trend).toContain('Satisfaction rate target 95.0%</li>');
    expect(trend).toContain(
      '<tr><th scope="row">2025-03</th><td class="n" data-label="Answered / Invited">1 / 2</td><td class="n" data-label="Return rate">50.0%</td><td class="n" data-label="Satisfaction index">100.00 (A)</td><td class="n" data-label="Satisfaction rate">100.0%</td></tr>',
    );
    expect(
      ascending(positions(trend, ['<b>2025-03</b>', '<b>2025-04</b>', '>2025-03</th>', '>2025-04</th>'])),
    ).toBe(true);
  });

  it('should compare the departments against their own return rate targets', () => {
    const departments = section(html, 'Departments');
    expect(departments).toMatch(/<b>North<\/b>.*?<span>88\.50 \(B\)<\/span>/);
    expect(departments).toMatch(/<b>South<\/b>.*?<span>40\.00 \(D\)<\/span>.*?<span>0\.0%<\/span>/);
    expect(departments).toContain(
      '<tr><th scope="row">North</th><td class="n" data-label="Answered / Invited">2 / 3</td><td class="n" data-label="Return rate">66.7%</td><td class="n" data-label="Return rate target">30.0%</td><td class="n" data-label="Reached">✓ reached</td><td class="n" data-label="Satisfaction index">88.50 (B)</td><td class="n" data-label="Satisfaction rate">85.7%</td></tr>',
    );
    expect(departments).toContain(
      '<tr><th scope="row">South</th><td class="n" data-label="Answered / Invited">1 / 3</td><td class="n" data-label="Return rate">33.3%</td>',
    );
  });

  it('should list the segments, the problems worst first, and each item’s levels', () => {
    expect(section(html, 'Customer segments')).toContain(
      '<tr><th scope="row">Key customers</th><td class="n" data-label="Answered / Invited">2 / 2</td><td class="n" data-label="Return rate">100.0%</td>',
    );
    const problems = section(html, 'Problem ranking');
    expect(
      ascending(
        positions(problems, [
          '>Consulting</th>',
          '>Delivery</th>',
          '>Price</th>',
          '>Performance</th>',
          '>Technical support</th>',
        ]),
      ),
    ).toBe(true);
    expect(problems).toContain(
      '<th scope="row">Consulting</th><td class="n" data-label="Rank">1</td><td class="n" data-label="Dissatisfied / answers">2 / 3</td><td class="n" data-label="Score (0–100)">53.3</td><td class="n" data-label="Satisfaction rate">33.3%</td>',
    );
    const items = section(html, 'Items');
    expect(items).toContain(
      '<li><i aria-hidden="true" style="background:#4f3705"></i>Very dissatisfied</li>',
    );
    expect(items).toContain('<span>1 / 0 / 0 / 1 / 1</span>');
    expect(items).toContain('<title>Very dissatisfied: 1</title>');
    expect(items.match(/<svg /g)).toHaveLength(7);
  });

  it('should show the reminder effect and the comments, worst first, with their count', () => {
    const reminders = section(html, 'Reminder effect');
    expect(reminders).toMatch(
      /<tr><th scope="row">After the invitation alone<\/th>.*?<span>1 \(33\.3%\)<\/span>/,
    );
    expect(reminders).toMatch(/<tr><th scope="row">After reminder 2<\/th>.*?<span>1 \(33\.3%\)<\/span>/);
    const comments = section(html, 'Comments');
    expect(comments).toContain(
      '4 comment(s) in all (Chinese 2, English 2); the 4 from the lowest-scoring responses, lowest first.',
    );
    expect(comments).toContain('South · Chinese · Total 40.00 (D)');
    expect(
      ascending(
        positions(comments, ['&lt;script&gt;', '&lt;img', 'Delivery was late\nand incomplete', 'Keep it up']),
      ),
    ).toBe(true);
  });

  it('should show a Likert mean and each item against the target mean', () => {
    // Arrange: the fixture's figures on a Likert scale with a target mean of 4.
    const q = report.questionnaire!;
    const likert: PeriodReportDocument = {
      ...report,
      questionnaire: { ...q, scaleKind: 'likert', targetMean: 4 },
      targets: { ...report.targets, itemMean: 4 },
      statistics: {
        ...report.statistics,
        meanRaw: 3.5,
        targetMet: false,
        categories: report.statistics.categories.map((c) => ({ ...c, targetMet: c.id === 'quality' })),
      },
    };

    // Act
    const out = periodReportHtml(likert);

    // Assert
    expect(out).toContain('<span>Mean score</span><b>3.50 (target 4.0: not reached)</b>');
    expect(out).toContain('<th scope="col" class="n">target 4.0</th>');
    expect(out).toContain(
      '<tr><th scope="row">Quality</th><td class="n" data-label="Points range">20</td><td class="n" data-label="Mean score">16.00</td><td class="n" data-label="target 4.0">✓ reached</td>',
    );
    expect(out).toContain(
      '<tr><th scope="row">Price</th><td class="n" data-label="Points range">20</td><td class="n" data-label="Mean score">13.33</td><td class="n" data-label="target 4.0">✗ not reached</td>',
    );
  });

  it('should be written in Chinese for a Chinese report', () => {
    const zh = periodReportHtml(periodReport({ language: 'zh-CN' }));
    expect(zh.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
    expect(zh).toContain('<title>季度客户满意度调查 — 满意度周期报告 2025-04</title>');
    expect(zh).toContain('统计周期 2025-04 (2025年4月1日 – 2025年4月30日) · <b>最终数据</b>');
    expect(zh).toContain('<p class="meta">整个调查（全部部门） · 批次: 1');
    expect(zh).toContain('<span>满意率</span><b>57.1%</b><small>目标 95.0% · ✗ 未达到</small>');
    expect(zh).toContain('<span>回收率</span><b>50.0%</b><small>目标 30.0% · ✓ 已达到</small>');
    expect(zh).toContain('<small>未设目标</small>');
    expect(zh).toContain('<h2 id="h-trend">趋势</h2>');
    expect(zh).toContain('<tr><th scope="row">North</th><td class="n" data-label="回收 / 发放">2 / 3</td>');
    expect(zh).toContain('<tr><th scope="row">重点客户</th>');
    expect(ascending(positions(section(zh, '问题排行'), ['>咨询</th>', '>交付</th>', '>价格</th>']))).toBe(
      true,
    );
    expect(zh).toContain('<tr><th scope="row">第 2 次提醒后回复</th>');
    expect(zh).toContain('共 4 条意见（中文 2 条，英文 2 条）');
    expect(zh).not.toMatch(/Satisfaction|Return rate|Reminder/);
  });

  it('should show a department’s report nothing of another department', () => {
    // Act
    const north = periodReportHtml(periodReport({ department: 'North' }));

    // Assert
    expect(north).toContain(
      '<title>Quarterly customer satisfaction survey — Period satisfaction report 2025-04 — Department: North</title>',
    );
    expect(north).toContain('<p class="meta">Department: North · Waves: 1');
    expect(north).not.toContain('South');
    expect(north).not.toContain('<h2>Departments</h2>');
    expect(north).not.toContain('&lt;script&gt;');
    expect(north).not.toContain('&lt;img');
    expect(north).toContain('2 comment(s) in all (Chinese 0, English 2)');
    expect(north).toContain('<b>2 / 3</b>');
  });

  it('should differ only in the generated time when regenerated', () => {
    const again = periodReportHtml(periodReport({ now: new Date('2025-05-03T06:30:00.000Z') }));
    expect(again).toContain('Generated 3 May 2025, 14:30');
    expect(again.replace('Generated 3 May 2025, 14:30', 'Generated 1 May 2025, 10:00')).toBe(html);
    expect(periodReportHtml(periodReport())).toBe(html);
  });

  it('should load nothing from elsewhere and forbid it', () => {
    expectSelfContained(html, ALLOWED_TAGS);
  });

  it('should show script and img payloads in comments as text', () => {
    expectPayloadsEscaped(html);
    expect(html).toContain('<p>&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;</p>');
    expect(markup(html)).not.toMatch(/<script|<img/i);
  });

  it('should escape whatever a customer, the directory or the programme writes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 40 }), (text, name) => {
        const s = report.statistics;
        const doc: PeriodReportDocument = {
          ...report,
          campaign: { ...report.campaign, name: { 'zh-CN': name, en: name } },
          department: name,
          statistics: {
            ...s,
            departments: s.departments.map((d) => ({ ...d, department: name })),
            trend: s.trend.map((p) => ({ ...p, period: name })),
            comments: s.comments.map((c) => ({ ...c, text, department: name })),
          },
        };
        const out = markup(periodReportHtml(doc));
        expect(tagsOf(out).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
        expect(out).not.toMatch(/<[^>]*\son\w+\s*=/i);
      }),
    );
  });
});
