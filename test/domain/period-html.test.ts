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
  const start = html.indexOf(`<h2>${h2}</h2>`);
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

    // Assert: no target line without a target; with one, a dashed line in the trend and department charts.
    expect(html).not.toContain('Index target');
    expect(out).toContain(
      '<div class="card missed"><span>Satisfaction index</span><b>72.33 (C)</b><small>target 80.00 · ✗ not reached</small></div>',
    );
    expect(out.match(/<title>Index target 80.00<\/title><\/line>/g)).toHaveLength(2);
    // 80 on the trend’s 0–100 axis from y 150 (0) to y 10 (100)
    expect(out).toContain('<line x1="50" y1="38.0" x2="540" y2="38.0" stroke="#2f6fb0"');
  });

  it('should chart and list the trend, oldest period first', () => {
    const trend = section(html, 'Trend');
    expect(trend).toContain('<svg class="plot"');
    expect(trend).toContain('<title>2025-03 Satisfaction index: 100.00 (A)</title>');
    expect(trend).toContain('<title>2025-04 Satisfaction rate: 57.1%</title>');
    expect(trend).toContain('<polyline points="50.0,10.0 540.0,48.7"');
    expect(trend).toContain('<title>Satisfaction rate target 95.0%</title>');
    expect(trend).toContain(
      '<tr><td>2025-03</td><td class="n">1 / 2</td><td class="n">50.0%</td><td class="n">100.00 (A)</td><td class="n">100.0%</td></tr>',
    );
    expect(ascending(positions(trend, ['<td>2025-03</td>', '<td>2025-04</td>']))).toBe(true);
  });

  it('should compare the departments against their own return rate targets', () => {
    const departments = section(html, 'Departments');
    expect(departments).toContain('<title>North Satisfaction index: 88.50 (B)</title>');
    expect(departments).toContain('<title>South Satisfaction rate: 0.0%</title>');
    expect(departments).toContain(
      '<tr><td>North</td><td class="n">2 / 3</td><td class="n">66.7%</td><td class="n">30.0%</td><td class="n">✓ reached</td><td class="n">88.50 (B)</td><td class="n">85.7%</td></tr>',
    );
    expect(departments).toContain('<tr><td>South</td><td class="n">1 / 3</td><td class="n">33.3%</td>');
  });

  it('should list the segments, the problems worst first, and each item’s levels', () => {
    expect(section(html, 'Customer segments')).toContain(
      '<tr><td>Key customers</td><td class="n">2 / 2</td><td class="n">100.0%</td>',
    );
    const problems = section(html, 'Problem ranking');
    expect(
      ascending(
        positions(problems, [
          '<td>Consulting</td>',
          '<td>Delivery</td>',
          '<td>Price</td>',
          '<td>Performance</td>',
          '<td>Technical support</td>',
        ]),
      ),
    ).toBe(true);
    expect(problems).toContain(
      '<td class="n">1</td><td>Consulting</td><td class="n">2 / 3</td><td class="n">53.3</td><td class="n">33.3%</td>',
    );
    const items = section(html, 'Items');
    expect(items).toContain('<li><i style="background:hsl(0 60% 45%)"></i>Very dissatisfied</li>');
    expect(items).toContain('<td class="n">1 / 0 / 0 / 1 / 1</td>');
    expect(items).toContain('<title>Very dissatisfied: 1</title>');
    expect(items.match(/<svg /g)).toHaveLength(7);
  });

  it('should show the reminder effect and the comments, worst first, with their count', () => {
    const reminders = section(html, 'Reminder effect');
    expect(reminders).toContain('<tr><td>After the invitation alone</td><td class="n">1</td>');
    expect(reminders).toContain('<tr><td>After reminder 2</td><td class="n">1</td><td class="n">33.3%</td>');
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
    expect(out).toContain('<th class="n">target 4.0</th>');
    expect(out).toContain(
      '<tr><td>Quality</td><td class="n">20</td><td class="n">16.00</td><td class="n">✓ reached</td>',
    );
    expect(out).toContain(
      '<tr><td>Price</td><td class="n">20</td><td class="n">13.33</td><td class="n">✗ not reached</td>',
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
    expect(zh).toContain('<h2>趋势</h2>');
    expect(zh).toContain('<tr><td>North</td><td class="n">2 / 3</td>');
    expect(zh).toContain('<tr><td>重点客户</td>');
    expect(
      ascending(positions(section(zh, '问题排行'), ['<td>咨询</td>', '<td>交付</td>', '<td>价格</td>'])),
    ).toBe(true);
    expect(zh).toContain('<tr><td>第 2 次提醒后回复</td>');
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
