import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMime } from '../../functions/adapters/mime.ts';
import type { Language } from '../../functions/domain/language.ts';
import { type PeriodDigestInput, periodDigestEmail } from '../../functions/domain/report/period-email.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { periodReport } from './period-fixture.ts';
import { XSS_IMG, XSS_SCRIPT } from './report-fixture.ts';

// Links as the use case makes them; a query string too, to see `&` escaped in the HTML.
const HTML_URL = 'https://survey.example.test/r/cmVwb3J0Lmh0bWw.AAAAAAAAAAAAAAAAAAAAAA?a=1&b=2';
const CSV_URL = 'https://survey.example.test/r/cmVzcG9uc2VzLmNzdg.BBBBBBBBBBBBBBBBBBBBBB?a=1&b=2';
const NOW = new Date('2025-05-01T03:00:00.000Z');

function input(report: PeriodReportDocument): PeriodDigestInput {
  return {
    report,
    from: { name: 'Customer Service', address: 'survey@example.com' },
    replyTo: 'quality@example.com',
    to: ['boss@staff.example'],
    htmlUrl: HTML_URL,
    csvUrl: CSV_URL,
    linksExpireAt: new Date(NOW.getTime() + 7 * 86_400_000),
    now: NOW,
  };
}

const digest = (options: { language?: Language; department?: string } = {}) =>
  periodDigestEmail(input(periodReport(options)));

/** The report with every target reached: satisfaction rate target lowered to 50 %. */
function allMet(language: Language): PeriodReportDocument {
  const r = periodReport({ language });
  return {
    ...r,
    targets: { ...r.targets, satisfactionRate: 0.5 },
    statistics: { ...r.statistics, satisfactionRateMet: true },
  };
}

/** Every part of a message a reader or a client could see. */
const parts = (m: { subject: string; text: string; html: string }) => [m.subject, m.text, m.html];

describe('periodDigestEmail', () => {
  const all = digest();

  it('should carry the headline and the missed target in the subject', () => {
    expect(all.subject).toBe(
      'Quarterly customer satisfaction survey 2025-04: index 72.33 (C), satisfaction rate 57.1% — below target 95%',
    );
    expect(digest({ language: 'zh-CN' }).subject).toBe(
      '季度客户满意度调查 2025-04：满意度指数 72.33 (C)，满意率 57.1%（未达目标 95%）',
    );
  });

  it('should say in the subject when the targets were met', () => {
    expect(periodDigestEmail(input(allMet('en'))).subject).toBe(
      'Quarterly customer satisfaction survey 2025-04: index 72.33 (C), satisfaction rate 57.1% — targets met',
    );
    expect(periodDigestEmail(input(allMet('zh-CN'))).subject).toBe(
      '季度客户满意度调查 2025-04：满意度指数 72.33 (C)，满意率 57.1%（均达到目标）',
    );
  });

  it('should name every missed target in the subject, next to its figure', () => {
    const r = periodReport();
    const missed: PeriodReportDocument = {
      ...r,
      targets: { ...r.targets, index: 80 },
      statistics: { ...r.statistics, indexMet: false, returnRateTarget: 0.6, returnRateMet: false },
    };
    expect(periodDigestEmail(input(missed)).subject).toBe(
      'Quarterly customer satisfaction survey 2025-04: index 72.33 (C) — below target 80.00, satisfaction rate 57.1% — below target 95%, return rate 50.0% — below target 60%',
    );
  });

  it('should name the department in a department digest', () => {
    expect(digest({ department: 'South' }).subject).toBe(
      'Quarterly customer satisfaction survey — South 2025-04: index 40.00 (D), satisfaction rate 0.0% — below target 95%',
    );
    expect(digest({ language: 'zh-CN', department: 'North' }).subject).toContain(
      '季度客户满意度调查（North）',
    );
  });

  it('should show the key figures against their targets, with arrows against the previous period', () => {
    expect(all.text).toContain(
      'Satisfaction index: 72.33 (C) · no target · ▼ down 27.67 on 2025-03 (100.00 (A))',
    );
    expect(all.text).toContain(
      'Satisfaction rate: 57.1% · target 95%: not reached · ▼ down 42.9 pts on 2025-03 (100.0%)',
    );
    expect(all.text).toContain('Return rate: 50.0% · target 30%: reached · = unchanged on 2025-03 (50.0%)');
    expect(all.text).toContain('Answered / invited: 3 / 6 · ▲ up 2 on 2025-03 (1 / 2)');
    // The arrow is decoration; the words next to it say the same.
    expect(all.html).toMatch(
      /<span aria-hidden="true" style="color:#b42318;">▼<\/span> down 27\.67 on 2025-03/,
    );
    expect(all.html).toMatch(/<span aria-hidden="true" style="color:#0e7c3a;">▲<\/span> up 2 on 2025-03/);
    const zh = digest({ language: 'zh-CN' });
    expect(zh.text).toContain('满意率: 57.1% · 目标 95%：未达到 · ▼ 较 2025-03（100.0%）下降 42.9 个百分点');
  });

  it('should say there is no previous period rather than draw an arrow', () => {
    const r = periodReport();
    const first: PeriodReportDocument = {
      ...r,
      statistics: { ...r.statistics, trend: r.statistics.trend.slice(-1) },
    };
    const m = periodDigestEmail(input(first));
    expect(m.html).toContain('no previous period');
    expect(m.text).not.toMatch(/[▲▼]/);
  });

  it('should mark preliminary figures, and compare nothing with a period that invited nobody', () => {
    const early = periodDigestEmail(input(periodReport({ now: new Date('2025-04-10T00:00:00.000Z') })));
    expect(early.text).toContain('Preliminary: some of the period’s waves are still open.');
    expect(all.text).not.toContain('Preliminary');
    // South invited nobody in March: its digest has no arrow for the count.
    const south = digest({ department: 'South' });
    expect(south.text).toContain('Answered / invited: 1 / 3\n');
  });

  it('should table the departments, with bars of table cells, only in the whole campaign’s digest', () => {
    expect(all.text).toContain(
      '- South: 40.00 (D) · Return rate 33.3% (target 30%: reached) · Satisfaction rate 0.0% (target 95%: not reached)',
    );
    expect(all.text).toContain('Lowest department: South — 40.00 (D)');
    expect(all.html).toContain('>Departments</h2>');
    // North 88.50: a bar of 89 %, South 40.
    expect(all.html).toContain('<td width="89%" height="10" bgcolor="#2f6fb0"');
    expect(all.html).toContain('<td width="40%" height="10" bgcolor="#2f6fb0"');
    expect(all.html).toContain('role="img" aria-label="not reached" title="not reached"');
    for (const department of ['North', 'South']) {
      const own = digest({ department });
      expect(own.html).not.toContain('>Departments</h2>');
      expect(own.text).not.toContain('Departments:');
      expect(own.text).not.toContain('Lowest department');
    }
  });

  it('should put nothing of another department in a department’s digest', () => {
    const north = digest({ department: 'North' });
    const south = digest({ department: 'South' });
    for (const part of parts(north)) {
      expect(part).not.toMatch(/South|xss|HYPERLINK|&lt;script/);
    }
    for (const part of parts(south)) {
      expect(part).not.toMatch(/North|Delivery was late|Keep it up/);
    }
    expect(north.text).toContain('Delivery was late and incomplete');
    expect(south.html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    // Even a comment of another department that slipped into the report stays out.
    const r = periodReport({ department: 'North' });
    const stray = periodReport().statistics.comments.find((c) => c.department === 'South');
    const leaky: PeriodReportDocument = {
      ...r,
      statistics: { ...r.statistics, comments: [stray!, ...r.statistics.comments] },
    };
    for (const part of parts(periodDigestEmail(input(leaky)))) expect(part).not.toMatch(/South|xss/);
  });

  it('should draw no SVG and no CSS-only bars: every bar is a table of bgcolor cells', () => {
    for (const m of [all, digest({ language: 'zh-CN' }), digest({ department: 'South' })]) {
      expect(m.html).not.toMatch(/<svg|<img|<script|<style|background-image|gradient/i);
      const bars = [...m.html.matchAll(/<td[^>]*bgcolor="#2f6fb0"[^>]*>/g)];
      expect(bars.length).toBeGreaterThan(0);
      for (const bar of bars) expect(bar[0]).toMatch(/width="\d+%"/);
      // Each filled cell sits in a presentation table's row, hidden from screen readers (the number is
      // written beside it), as wide as the cell it is in.
      expect(m.html).toMatch(
        /<table role="presentation" aria-hidden="true" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:4px 0 0 0;"><tr><td width="\d+%" height="10" bgcolor="#2f6fb0"/,
      );
    }
  });

  it('should list the problems, the worst comments and the reminder effect', () => {
    expect(all.text).toContain(
      'Where it falls short:\n- Consulting: 53.3% · Satisfaction rate 33.3% · 2 of 3 ratings below “Basically satisfied”',
    );
    expect(all.text).toContain(
      'Most dissatisfied item: Consulting — 2 of 3 ratings below “Basically satisfied”',
    );
    expect(all.text).toContain(
      '- [If anything fell short, please tell us why · South · Total 40.00 (D) · Chinese] <script>alert("xss")</script>',
    );
    expect(all.html).toContain('<div lang="zh-CN">&lt;script&gt;');
    expect(all.text).toContain(
      'Reminder effect: 1 after the invitation alone, 1 after reminder 1, 1 after reminder 2 — 2 of 3 answered after a reminder',
    );
    expect(digest({ language: 'zh-CN' }).text).toContain(
      '提醒效果: 仅凭邀请 1 份，第 1 次提醒后 1 份，第 2 次提醒后 1 份；共 2 / 3 份在提醒后回复',
    );
  });

  it('should quote at most five comments, shortened', () => {
    const r = periodReport();
    const base = r.statistics.comments[3]!;
    const comments = Array.from({ length: 8 }, (_, i) => ({
      ...base,
      total: 50 + i,
      text: i === 0 ? 'y'.repeat(1000) : `comment ${i}`,
    }));
    const m = periodDigestEmail(input({ ...r, statistics: { ...r.statistics, comments } }));
    expect(m.text).toContain(`${'y'.repeat(300)}…`);
    expect(m.text).not.toContain('y'.repeat(301));
    const quoted = [...m.text.matchAll(/\] (comment \d)/g)].map((x) => x[1]);
    expect(quoted).toEqual(['comment 1', 'comment 2', 'comment 3', 'comment 4']);
  });

  it('should carry a text part with the same content, and both links with their expiry', () => {
    expect(all.text).toContain('Quarterly customer satisfaction survey — Satisfaction survey report');
    expect(all.text).toContain('Period 2025-04 (1 April 2025 – 30 April 2025)');
    expect(all.text).toContain(HTML_URL);
    expect(all.text).toContain(CSV_URL);
    // 7 days after 2025-05-01 03:00 UTC, in Asia/Shanghai.
    expect(all.text).toContain('Links valid until 8 May 2025, 11:00 (China Standard Time)');
    expect(all.html).toContain(`href="${HTML_URL.replaceAll('&', '&amp;')}"`);
    expect(all.html).toContain(`href="${CSV_URL.replaceAll('&', '&amp;')}"`);
    expect(all.html).toContain('<html lang="en">');
    expect(digest({ language: 'zh-CN' }).html).toContain('<html lang="zh-CN">');
    expect(all.to).toEqual([{ address: 'boss@staff.example' }]);
    expect(all.replyTo).toEqual({ address: 'quality@example.com' });
    expect(all.messageId).toBe(`<period.demo.2025-04.${NOW.getTime()}@example.com>`);
    expect(digest({ department: 'North' }).messageId).toMatch(
      /^<period\.demo\.2025-04\.[0-9a-f]{16}\.\d+@example\.com>$/,
    );
  });

  it('should escape every comment and name', () => {
    expect(all.html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(all.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(all.html).not.toContain(XSS_SCRIPT);
    expect(all.html).not.toContain(XSS_IMG);
    const r = periodReport();
    const evil: PeriodReportDocument = {
      ...r,
      campaign: { ...r.campaign, name: { ...r.campaign.name, en: `Survey ${XSS_IMG}` } },
      statistics: {
        ...r.statistics,
        departments: r.statistics.departments.map((d) => ({
          ...d,
          department: `${d.department}${XSS_SCRIPT}`,
        })),
      },
    };
    const m = periodDigestEmail(input(evil));
    expect(m.html).not.toMatch(/<img|<script/i);
    expect(m.html).toContain('Survey &lt;img src=x onerror=alert(1)&gt;');
  });

  it('should keep every header on one line, whatever the names hold', async () => {
    const r = periodReport({ department: 'North' });
    const evil: PeriodReportDocument = {
      ...r,
      campaign: { ...r.campaign, name: { ...r.campaign.name, en: 'Survey\r\nBcc: victim@evil.example' } },
      department: 'North\r\nX-Injected: yes\nCc: other@evil.example',
    };
    const m = periodDigestEmail({
      ...input(evil),
      from: { name: 'Service\r\nBcc: from@evil.example', address: 'survey@example.com' },
    });
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.from.name).not.toMatch(/[\r\n]/);
    expect(m.messageId).toMatch(/^<[\x21-\x7e]+>$/);
    const parsed = await simpleParser(Buffer.from(await buildMime(m)));
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('cc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.subject).toBe(
      'Survey Bcc: victim@evil.example — North X-Injected: yes Cc: other@evil.example 2025-04: index 88.50 (B), satisfaction rate 85.7% — below target 95%',
    );
  });
});
