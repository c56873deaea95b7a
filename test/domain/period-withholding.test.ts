import { describe, expect, it } from 'vitest';
import type { Wave } from '../../functions/domain/model.ts';
import { periodDigestEmail } from '../../functions/domain/report/period-email.ts';
import { periodReportHtml } from '../../functions/domain/report/period-html.ts';
import type { PeriodReportDocument, TrendPoint } from '../../functions/domain/report/period-report.ts';
import { periodMinGroupSize, withholdPeriod } from '../../functions/domain/report/period-withholding.ts';
import { periodReport } from './period-fixture.ts';

const point = (period: string, answered: number): TrendPoint => ({
  period,
  invited: answered + 3,
  answered,
  returnRate: answered / (answered + 3),
  meanTotal: 81,
  grade: 'B',
  satisfactionRate: 0.9,
});

const figures = (answered: number) => ({ invited: answered + 2, answered, cleaned: 0, meanTotal: 80 });

const doc = (department: string | null, answered: number, trend: TrendPoint[]) =>
  ({
    department,
    definitions: {},
    statistics: {
      ...figures(answered),
      grades: [{ grade: 'A', count: answered }],
      cleaningFlags: [],
      categories: [{ id: 'quality' }],
      choices: [{ id: 'channel' }],
      problems: [{ id: 'quality' }],
      reminders: [{ after: 0, answered }],
      departments: department === null ? [{ department: 'east', ...figures(answered) }] : [],
      segments: [],
      trend,
      comments: [],
    },
  }) as unknown as PeriodReportDocument;

describe('withholdPeriod: trends', () => {
  const trend = [point('2025-04', 3), point('2025-05', 9), point('2025-06', 6)];

  it.each([null, 'east'])(
    'should blank every figure of a trend point of fewer responses (scope %s)',
    (dept) => {
      const shown = withholdPeriod(doc(dept, 6, trend), 5);
      expect(shown.statistics.trend[0]).toEqual({
        ...point('2025-04', 3),
        meanTotal: null,
        grade: null,
        satisfactionRate: null,
      });
      expect(shown.statistics.trend.slice(1)).toEqual(trend.slice(1));
      expect(shown.withheld?.trend).toEqual(['2025-04']);
      expect(shown.statistics.categories).toEqual([{ id: 'quality' }]);
    },
  );

  it('should keep the trend counts but not the figures of a department report under minGroupSize', () => {
    const shown = withholdPeriod(doc('east', 2, [point('2025-05', 9), point('2025-06', 2)]), 5);
    expect(shown.withheld?.scope).toBe(true);
    expect(shown.statistics.trend.map((t) => [t.answered, t.meanTotal])).toEqual([
      [9, 81],
      [2, null],
    ]);
  });

  it('should show no item, choice, problem or reminder figure of a campaign report under minGroupSize', () => {
    const shown = withholdPeriod(doc(null, 3, [point('2025-06', 3)]), 5);
    expect(shown.statistics).toMatchObject({ categories: [], choices: [], problems: [], reminders: null });
    expect(shown.statistics.answered).toBe(3);
    expect(shown.statistics.trend[0]?.meanTotal).toBeNull();
  });

  it('should leave a trend point of exactly minGroupSize, and everything when not anonymous', () => {
    const d = doc(null, 6, [point('2025-05', 5), point('2025-06', 6)]);
    expect(withholdPeriod(d, 5).statistics.trend).toEqual(d.statistics.trend);
    expect(withholdPeriod(d, undefined).statistics.reminders).toEqual([{ after: 0, answered: 6 }]);
    const small = doc(null, 6, [point('2025-05', 1)]);
    expect(withholdPeriod(small, undefined)).toBe(small);
  });
});

describe('withholdPeriod: a department the campaign’s report withholds', () => {
  it('should keep only the counts of its own report, however many responses it has', () => {
    const shown = withholdPeriod(doc('east', 9, [point('2025-06', 9)]), 5, true);
    expect(shown.withheld?.scope).toBe(true);
    expect(shown.statistics).toMatchObject({ answered: 9, meanTotal: null, categories: [], comments: [] });
    expect(withholdPeriod(doc('east', 9, []), 5, false).withheld).toBeUndefined();
  });
});

describe('withholdPeriod: reminder effect', () => {
  it('should show the reminder effect as not available in every anonymous report, withheld or not', () => {
    for (const d of [doc(null, 6, []), doc('east', 6, []), doc('east', 2, []), doc(null, 2, [])]) {
      const shown = withholdPeriod(d, 5);
      expect(shown.statistics.reminders).toBeNull();
      expect(shown.definitions['reminders[]']).toMatch(/^null: not available/);
    }
  });

  it('should say so in report.html and the digest, in the report’s language', () => {
    const en = withholdPeriod(periodReport(), 2);
    const note =
      'not available: an anonymous survey’s answers do not record how many reminders preceded them';
    expect(periodReportHtml(en)).toContain(`<p class="note">${note}</p>`);
    const digest = periodDigestEmail({
      report: en,
      from: { name: 'csat', address: 'csat@example.test' },
      to: ['m@example.test'],
      htmlUrl: 'https://r.example.test/h',
      csvUrl: 'https://r.example.test/c',
      linksExpireAt: new Date('2025-05-08T00:00:00.000Z'),
      now: new Date('2025-05-01T00:00:00.000Z'),
    });
    expect(digest.text).toContain(note);
    expect(periodReportHtml(withholdPeriod(periodReport({ language: 'zh-CN' }), 2))).toContain(
      '不可用：匿名调查',
    );
  });
});

describe('periodMinGroupSize', () => {
  const wave = (campaign: object) => ({ campaign }) as unknown as Wave;
  const open = { anonymous: false } as const;

  it('should withhold when any wave of the period was anonymous, by the largest minGroupSize', () => {
    expect(periodMinGroupSize([wave({ anonymous: true, minGroupSize: 8 }), wave(open)], open)).toBe(8);
    expect(
      periodMinGroupSize([wave({ anonymous: true }), wave({ anonymous: true, minGroupSize: 3 })], open),
    ).toBe(5);
    expect(periodMinGroupSize([wave(open)], { anonymous: true, minGroupSize: 4 })).toBe(4);
  });

  it('should withhold nothing when no wave nor the latest settings is anonymous', () => {
    expect(periodMinGroupSize([wave(open), wave({})], open)).toBeUndefined();
    expect(periodMinGroupSize([], {})).toBeUndefined();
  });
});
