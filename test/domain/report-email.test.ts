import { describe, expect, it } from 'vitest';
import { buildReport } from '../../functions/domain/report/document.ts';
import { type ReportEmailInput, reportEmail } from '../../functions/domain/report/email.ts';
import { MIXED } from '../support/programme.ts';
import { answeredWithTotals, reportInvitations, reportWave, XSS_SCRIPT } from './report-fixture.ts';

// Report links as the use case makes them; a query string too, to see `&` escaped in the HTML.
const HTML_URL =
  'https://survey.example.test/r/cmVwb3J0cy9kZW1vL3JlcG9ydC5odG1s.AAAAAAAAAAAAAAAAAAAAAA?a=1&b=2';
const CSV_URL =
  'https://survey.example.test/r/cmVwb3J0cy9kZW1vL3Jlc3BvbnNlcy5jc3Y.BBBBBBBBBBBBBBBBBBBBBB?a=1&b=2';

function input(
  overrides: { language?: 'en' | 'zh-CN'; rows?: Parameters<typeof reportInvitations>[1] } = {},
) {
  const wave = reportWave({
    managers: ['boss@staff.example', 'quality@staff.example'],
    language: overrides.language ?? 'en',
  });
  const now = new Date('2025-04-10T10:00:00Z');
  return {
    report: buildReport(wave, reportInvitations(wave, overrides.rows), now),
    from: { name: 'Customer Service', address: 'survey@example.com' },
    replyTo: 'quality@example.com',
    managers: wave.campaign.report.managers,
    htmlUrl: HTML_URL,
    csvUrl: CSV_URL,
    linksExpireAt: new Date(now.getTime() + 7 * 86_400_000),
    now,
  } satisfies ReportEmailInput;
}

describe('reportEmail', () => {
  const message = reportEmail(input());

  it('should put the headline in the subject', () => {
    expect(message.subject).toBe(
      'Quarterly customer satisfaction survey report: satisfaction index 72.33 (C), return rate 50.0%',
    );
  });

  it('should write in the report’s language', () => {
    const zh = reportEmail(input({ language: 'zh-CN' }));
    expect(zh.subject).toBe('季度客户满意度调查报告：满意度指数 72.33 (C)，回收率 50.0%');
    expect(zh.html).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('满意率: 57.1%');
  });

  it('should go to the managers from the campaign’s sender', () => {
    expect(message.to).toEqual([{ address: 'boss@staff.example' }, { address: 'quality@staff.example' }]);
    expect(message.from).toEqual({ name: 'Customer Service', address: 'survey@example.com' });
    expect(message.replyTo).toEqual({ address: 'quality@example.com' });
    expect(message.messageId).toBe(
      `<report.demo-20250401T0100.${Date.parse('2025-04-10T10:00:00Z')}@example.com>`,
    );
  });

  it('should show the headline figures and a table-bar per item, without SVG', () => {
    expect(message.text).toContain('Satisfaction index: 72.33 (C)');
    expect(message.text).toContain('Satisfaction rate: 57.1%');
    expect(message.text).toContain('Return rate: 50.0% (3 / 6)');
    expect(message.text).toContain('- Delivery: 60.0% · 33.3%');
    expect(message.html).toContain('<td width="80%" height="10" bgcolor="#2f6fb0"');
    expect(message.html).not.toMatch(/<svg|<img|<script|<style/i);
  });

  it('should carry both links and say how long they work', () => {
    expect(message.text).toContain(HTML_URL);
    expect(message.text).toContain(CSV_URL);
    expect(message.html).toContain(`href="${HTML_URL.replaceAll('&', '&amp;')}"`);
    expect(message.html).toContain(`href="${CSV_URL.replaceAll('&', '&amp;')}"`);
    // 7 days after 2025-04-10 10:00 UTC, in Asia/Shanghai
    expect(message.text).toContain('Links valid until 17 April 2025, 18:00 (China Standard Time)');
  });

  it('should quote comments escaped, and no customer’s name or address', () => {
    expect(message.html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(message.html).not.toContain(XSS_SCRIPT);
    for (const part of [message.text, message.html, message.subject]) {
      expect(part).not.toMatch(/Customer [ns]\d|customer\.example/);
    }
  });

  it('should quote at most five comments, from the lowest scores', () => {
    // c0–c2 score 77 (MIXED), c3–c5 85 (price very satisfied), c6 61 (quality very dissatisfied);
    // equal scores keep the order of answering.
    const ratings = (i: number) =>
      i === 6
        ? { ...MIXED, quality: 'very-dissatisfied' }
        : i < 3
          ? MIXED
          : { ...MIXED, price: 'very-satisfied' };
    const rows = Array.from({ length: 7 }, (_, i) => ({
      customer: `c${i}`,
      department: 'North',
      ratings: ratings(i),
      comments: { suggestions: `comment ${i}` },
      answeredAt: `2025-04-0${i + 2}T08:00:00.000Z`,
    }));
    const many = reportEmail(input({ rows }));
    const quoted = [...many.text.matchAll(/\] (comment \d)/g)].map((m) => m[1]);
    expect(quoted).toEqual(['comment 6', 'comment 0', 'comment 1', 'comment 2', 'comment 3']);
  });

  it('should shorten long comments in the email (the report has them whole)', () => {
    const long = 'x'.repeat(1000);
    const one = reportEmail(
      input({
        rows: [{ customer: 'l1', department: 'North', ratings: MIXED, comments: { suggestions: long } }],
      }),
    );
    expect(one.text).toContain(`${'x'.repeat(300)}…`);
    expect(one.text).not.toContain('x'.repeat(301));
  });

  it.each([
    // 95 (A) and 94.92 (B): a mean of 94.96, just under A; one decimal would show the A threshold.
    { totals: [95, 94.92], index: '94.96 (B)', lower: '94.92 (B)' },
    // 81 (B) and 80.92 (C): a mean of 80.96, just under B.
    { totals: [81, 80.92], index: '80.96 (C)', lower: '80.92 (C)' },
  ])(
    'should show a mean of $index as graded, never the threshold with the grade below',
    ({ totals, index, lower }) => {
      // Arrange
      const base = input();
      const wave = reportWave({ managers: base.managers });
      const report = buildReport(wave, answeredWithTotals(wave, totals), base.now);

      // Act
      const message = reportEmail({ ...base, report });

      // Assert
      expect(`${report.statistics.meanTotal} (${report.statistics.grade})`).toBe(index);
      expect(message.subject).toBe(
        `Quarterly customer satisfaction survey report: satisfaction index ${index}, return rate 100.0%`,
      );
      expect(message.text).toContain(`Satisfaction index: ${index}`);
      expect(message.html).toContain(`>${index}</span>`);
      // A quoted comment's total too, as it was graded.
      expect(message.html).toContain(`Total ${lower}</div>`);
    },
  );

  it('should say so when nobody answered', () => {
    const none = reportEmail(input({ rows: [{ customer: 'q1', department: 'North' }] }));
    expect(none.subject).toBe(
      'Quarterly customer satisfaction survey report: satisfaction index –, return rate 0.0%',
    );
    expect(none.text).toContain('No responses in this wave yet.');
  });
});
