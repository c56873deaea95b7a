import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { scoreText } from '../../functions/domain/report/text.ts';
import { grade } from '../../functions/domain/scoring.ts';
import {
  expectPayloadsEscaped,
  expectSelfContained,
  markup,
  REPORT_TAGS,
  tagsOf,
} from '../support/markup.ts';
import { MIXED } from '../support/programme.ts';
import { answeredWithTotals, reportInvitations, reportWave } from './report-fixture.ts';

const ALLOWED_TAGS = REPORT_TAGS;

describe('reportHtml', () => {
  const wave = reportWave();
  const invitations = reportInvitations(wave);
  const html = reportHtml(buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z')));

  it('should be one document in the report’s language', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    const zhWave = reportWave({ language: 'zh-CN' });
    const zh = reportHtml(buildReport(zhWave, reportInvitations(zhWave), new Date('2025-04-10T10:00:00Z')));
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('满意度指数');
    expect(zh).toContain('季度客户满意度调查');
  });

  it('should show the headline figures', () => {
    expect(html).toContain('<b>72.33 (C)</b>');
    expect(html).toContain('<b>57.1%</b>');
    expect(html).toContain('<b>50.0%</b>');
    expect(html).toContain('<b>3 / 6</b>');
    expect(html).toContain('1 response(s) do not fit');
  });

  it('should chart each category’s levels and each department as inline SVG, the figures as text beside', () => {
    expect(html.match(/<svg /g)).toHaveLength(7 + 5 + 2);
    // quality: 2 very satisfied, 1 dissatisfied → two segments of 66.667 and 33.333, the counts beside
    expect(html).toContain(
      '<rect x="0.000" y="0" width="66.667" height="10" fill="#2f2d4a"><title>Very satisfied: 2</title></rect>',
    );
    expect(html).toContain('<title>Dissatisfied: 1</title>');
    expect(html).toContain(
      'aria-label="Quality — Answers per level: Very satisfied 2, Satisfied 0, Basically satisfied 0, Dissatisfied 1, Very dissatisfied 0"',
    );
    expect(html).toContain('</svg><span>2 / 0 / 0 / 1 / 0</span></div></td></tr>');
    // North's mean 88.5 of 100, and the figure beside its bar
    expect(html).toContain('<rect width="88.500" height="10" fill="#3f4fa8"/></svg><span>88.50 (B)</span>');
    // No text inside a chart: it would shrink with the chart on a phone.
    expect(html).not.toMatch(/<text[\s>]/);
  });

  it('should name its landmarks and sections, and every column', () => {
    // Arrange
    const sections = [...html.matchAll(/<section aria-labelledby="h-(\w+)"><h2 id="h-(\w+)">/g)];

    // Assert: banner, main and contentinfo; each section named by its own heading; no empty header cell.
    expect(html).toMatch(/<body>\n<header>[\s\S]*<\/header>\n<main>[\s\S]*<\/main>\n<footer>/);
    expect(sections.map((m) => m[1])).toEqual(['headline', 'items', 'grades', 'departments', 'comments']);
    expect(sections.every((m) => m[1] === m[2])).toBe(true);
    expect(html.match(/<section/g)).toHaveLength(sections.length);
    expect(html).not.toMatch(/<th[^>]*><\/th>/);
    expect(html.match(/<th /g)).toHaveLength(html.match(/<th scope="(col|row)"/g)?.length ?? -1);
    expect(html).toContain(
      '<tr><th scope="row">Quality</th><td class="n" data-label="Weight">20</td><td class="n" data-label="Mean points">16.00</td>',
    );
  });

  it('should load nothing from elsewhere and forbid it', () => {
    expectSelfContained(html, ALLOWED_TAGS);
  });

  it('should show script and img payloads in comments as text', () => {
    expectPayloadsEscaped(html);
  });

  it('should escape whatever a customer or the directory writes', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (text, department) => {
          const rows = [
            { customer: 'f1', department, ratings: MIXED, comments: { suggestions: text || 'x' } },
          ];
          const out = markup(reportHtml(buildReport(wave, reportInvitations(wave, rows), new Date(0))));
          expect(tagsOf(out).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
          expect(out).not.toMatch(/<[^>]*\son\w+\s*=/i);
        },
      ),
    );
  });

  it.each([
    { totals: [95, 94.92], index: '94.96 (B)', lower: '94.92 (B)' },
    { totals: [81, 80.92], index: '80.96 (C)', lower: '80.92 (C)' },
  ])(
    'should show a mean of $index as graded, never the threshold with the grade below',
    ({ totals, index, lower }) => {
      // Arrange
      const invitations = answeredWithTotals(wave, totals);

      // Act
      const out = reportHtml(buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z')));

      // Assert: the headline, North's row (every response is North's) and a comment's total.
      expect(out).toContain(`<b>${index}</b>`);
      expect(out).toContain(`<span>${index}</span>`);
      expect(out).toContain(`Total ${lower}</small>`);
    },
  );

  it('should say so when nobody answered', () => {
    const empty = reportHtml(buildReport(wave, [], new Date('2025-04-10T10:00:00Z')));
    expect(empty).toContain('No responses in this wave yet.');
    expect(empty).toContain('<b>–</b>');
  });

  it('should differ only in the generated time when regenerated', () => {
    const again = reportHtml(buildReport(wave, [...invitations].reverse(), new Date('2025-04-12T06:30:00Z')));
    // Generated times show in the campaign's report time zone (Asia/Shanghai, UTC+8).
    expect(html).toContain('Generated 10 April 2025, 18:00');
    expect(again.replace('Generated 12 April 2025, 14:30', 'Generated 10 April 2025, 18:00')).toBe(html);
  });
});

describe('scoreText', () => {
  it('should show any two-decimal score so that, read back, it earns the grade it was given', () => {
    const { grades } = reportWave().questionnaire;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (hundredths) => {
        const total = hundredths / 100;
        const shown = scoreText(total);
        expect(Number(shown)).toBe(total);
        expect(grade(Number(shown), grades)).toBe(grade(total, grades));
      }),
    );
    expect(scoreText(94.96)).toBe('94.96');
    expect(scoreText(95)).toBe('95.00');
    expect(scoreText(null)).toBe('–');
  });
});
