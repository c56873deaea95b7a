import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysFrom,
  PeriodError,
  parsePeriod,
  periodOf,
  periodsBefore,
} from '../../functions/domain/report/period.ts';
import type { RollupEntry } from '../../functions/domain/report/period-report.ts';
import { mergedEntries, mergeEntries, rollupEntries } from '../../functions/domain/report/rollup.ts';
import { addResponse, emptyTally, meanTotal, mergeTallies } from '../../functions/domain/report/tally.ts';
import { waveStatistics } from '../../functions/domain/report/wave-tally.ts';
import { marchWave, periodReport, periodWave, TZ } from './period-fixture.ts';
import { answeredWithTotals, reportWave } from './report-fixture.ts';

describe('periods', () => {
  it.each([
    ['month', '2026-02-14', '2026-02', '2026-02-01', '2026-02-28'],
    ['month', '2024-02-29', '2024-02', '2024-02-01', '2024-02-29'],
    ['quarter', '2026-11-23', '2026-Q4', '2026-10-01', '2026-12-31'],
    ['half-year', '2026-06-30', '2026-H1', '2026-01-01', '2026-06-30'],
    ['year', '2026-07-01', '2026', '2026-01-01', '2026-12-31'],
  ] as const)('should put %s of %s in %s (%s to %s)', (kind, day, key, first, last) => {
    expect(periodOf(kind, day)).toEqual({ kind, key, first, last });
    expect(parsePeriod(key)).toEqual({ kind, key, first, last });
  });

  it.each(['2026-13', '2026-Q5', '2026-H3', '26-01', '2026-1', '', '2026-Q4 ', '2026-00'])(
    'should refuse "%s" with the forms it accepts',
    (key) => {
      expect(() => parsePeriod(key)).toThrow(PeriodError);
      expect(() => parsePeriod(key)).toThrow(/2026-11.*2026-Q4.*2026-H2.*2026/);
    },
  );

  it('should count back over year ends', () => {
    expect(periodsBefore(parsePeriod('2026-Q1'), 3).map((p) => p.key)).toEqual([
      '2025-Q2',
      '2025-Q3',
      '2025-Q4',
    ]);
    expect(periodsBefore(parsePeriod('2026-01'), 2).map((p) => p.key)).toEqual(['2025-11', '2025-12']);
  });

  it('should cover every day of a period exactly once, in order, for any day of any kind', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.constantFrom('month', 'quarter', 'half-year', 'year' as const),
        (date, kind) => {
          const day = date.toISOString().slice(0, 10);
          const p = periodOf(kind, day);
          const days = daysFrom(p.first, p.last);
          expect(days).toContain(day);
          expect(periodOf(kind, addDays(p.first, -1)).last).toBe(addDays(p.first, -1));
          expect(periodOf(kind, addDays(p.last, 1)).first).toBe(addDays(p.last, 1));
          expect(new Set(days.map((d) => periodOf(kind, d).key))).toEqual(new Set([p.key]));
        },
      ),
    );
  });
});

describe('period statistics (hand-computed from report-fixture.ts)', () => {
  const report = periodReport();
  const s = report.statistics;

  it('should give the period the wave dispatched in it, with its targets', () => {
    expect(report.period).toMatchObject({
      key: '2025-04',
      first: '2025-04-01',
      last: '2025-04-30',
      final: true,
    });
    expect(report.waves.map((w) => w.id)).toEqual(['demo-20250401T0100']);
    // demo campaign: 30 % return rate by default, seed 000's 95 % satisfaction rate.
    expect(report.targets).toEqual({ returnRate: 0.3, satisfactionRate: 0.95, index: null, itemMean: null });
  });

  it('should compute the headline figures against their targets', () => {
    // n1 100 (A), n2 77 (C), s1 40 (D); s3 answered another version: excluded. 3 of 6 answered.
    expect(s).toMatchObject({
      invited: 6,
      answered: 3,
      excluded: 1,
      returnRate: 0.5,
      returnRateMet: true,
      meanTotal: 72.33, // (100 + 77 + 40) / 3
      grade: 'C',
      // n1 7 of 7 items satisfied, n2 5 of 7, s1 0 of 7.
      ratedAnswers: 21,
      satisfiedAnswers: 12,
      satisfactionRate: 0.5714,
      satisfactionRateMet: false,
    });
  });

  it('should give each department its figures against its own target', () => {
    expect(
      s.departments.map((d) => [
        d.department,
        d.invited,
        d.answered,
        d.meanTotal,
        d.grade,
        d.satisfactionRate,
      ]),
    ).toEqual([
      ['North', 3, 2, 88.5, 'B', 0.8571],
      ['South', 3, 1, 40, 'D', 0],
    ]);
  });

  it('should give each segment the responses of the customers in it', () => {
    // active: n1, n2 (both answered); key: n1 (100) and s1 (40).
    expect(s.segments.map((x) => [x.segment, x.invited, x.answered, x.meanTotal])).toEqual([
      ['active', 2, 2, 88.5],
      ['key', 2, 2, 70],
    ]);
  });

  it('should rank the items most answered below "satisfied" first, then the lowest mean', () => {
    expect(s.problems.map((p) => [p.id, p.dissatisfied, p.meanPercent])).toEqual([
      ['consulting', 2, 53.33],
      ['delivery', 2, 60],
      ['price', 1, 66.67],
      ['performance', 1, 73.33],
      ['technical-support', 1, 73.33],
    ]);
  });

  it('should count answers after each reminder, and the trend against March', () => {
    expect(s.reminders).toEqual([
      { after: 0, answered: 1 },
      { after: 1, answered: 1 },
      { after: 2, answered: 1 },
    ]);
    expect(s.trend.map((t) => [t.period, t.answered, t.meanTotal])).toEqual([
      ['2025-03', 1, 100],
      ['2025-04', 3, 72.33],
    ]);
  });

  it('should keep the worst comments first and count them by language', () => {
    expect(s.commentCount).toBe(4);
    expect(s.commentLanguages).toEqual({ 'zh-CN': 2, en: 2 });
    expect(s.comments.map((c) => [c.department, c.total])).toEqual([
      ['South', 40],
      ['South', 40],
      ['North', 77],
      ['North', 100],
    ]);
  });

  it('should restrict a department report to that department, trend included', () => {
    const north = periodReport({ department: 'North' });
    expect(north.department).toBe('North');
    expect(north.statistics.departments).toEqual([]);
    expect(north.statistics).toMatchObject({ invited: 3, answered: 2, meanTotal: 88.5 });
    expect(JSON.stringify(north)).not.toContain('South');
    expect(north.statistics.trend.map((t) => t.answered)).toEqual([1, 2]);
  });

  it('should give the same figures as the wave report for a period of one wave', () => {
    const { wave, invitations } = periodWave();
    const byWave = waveStatistics(wave, invitations);
    expect(s.meanTotal).toBe(byWave.meanTotal);
    expect(s.satisfactionRate).toBe(byWave.satisfactionRate);
    expect(s.categories.map((c) => [c.id, c.meanPoints, c.meanPercent, c.distribution])).toEqual(
      byWave.categories.map((c) => [c.id, c.meanPoints, c.meanPercent, c.distribution]),
    );
    expect(s.departments.map((d) => d.meanTotal)).toEqual(byWave.departments.map((d) => d.meanTotal));
  });
});

describe('tallies', () => {
  const wave = reportWave();
  const totals = fc.array(
    fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
    { minLength: 1, maxLength: 40 },
  );

  it('should merge into the tally of the union, in any split and order', () => {
    fc.assert(
      fc.property(totals, fc.array(fc.nat(), { maxLength: 40 }), (ts, cuts) => {
        const invitations = answeredWithTotals(wave, ts);
        const whole = emptyTally();
        for (const i of invitations) addResponse(whole, wave.questionnaire, i);
        const parts: (typeof whole)[] = [];
        let start = 0;
        for (const cut of [...new Set(cuts.map((c) => c % invitations.length))].sort((a, b) => a - b)) {
          const part = emptyTally();
          for (const i of invitations.slice(start, cut)) addResponse(part, wave.questionnaire, i);
          parts.push(part);
          start = Math.max(start, cut);
        }
        const rest = emptyTally();
        for (const i of invitations.slice(start)) addResponse(rest, wave.questionnaire, i);
        parts.push(rest);
        expect(mergeTallies(parts.reverse())).toEqual(whole);
        // Exact: 160.70 / 4 is 40.175, which floating-point sums would round down to 40.17.
        const hundredths = ts.reduce((a, b) => a + Math.round(b * 100), 0);
        expect(meanTotal(whole)).toBe(Math.round(hundredths / ts.length) / 100);
      }),
    );
  });

  it('should tally a wave per department and segment, sorted', () => {
    const { wave: w, invitations } = periodWave();
    const entries = rollupEntries(new Map([[w.waveId, w]]), invitations, TZ);
    expect(entries.map((e) => [e.department, e.segment, e.tally.answered])).toEqual([
      ['North', null, 2],
      ['North', 'active', 2],
      ['North', 'key', 1],
      ['South', null, 1],
      ['South', 'key', 1],
    ]);
  });

  it('should tally waves by the local month they were dispatched in, the waves of a month together', () => {
    const { wave: april, invitations } = periodWave();
    // 31 Mar 17:30 UTC is 1 Apr 01:30 in Shanghai: an April wave; 31 Mar 15:00 UTC (23:00 local) is March's.
    const lateApril = { ...april, waveId: 'w-apr', createdAt: '2025-03-31T17:30:00.000Z' };
    const march = { ...april, waveId: 'w-mar', createdAt: '2025-03-31T15:00:00.000Z' };
    const again = (waveId: string) => invitations.map((i) => ({ ...i, id: `${waveId}-${i.id}`, waveId }));
    const waves = new Map([april, lateApril, march].map((w) => [w.waveId, w]));

    const entries = rollupEntries(waves, [...invitations, ...again('w-apr'), ...again('w-mar')], TZ);

    const all = (cohort: string, department: string) =>
      entries.find((e) => e.cohort === cohort && e.department === department && e.segment === null)?.tally;
    expect([...new Set(entries.map((e) => e.cohort))]).toEqual(['2025-03', '2025-04']);
    expect(all('2025-04', 'North')?.answered).toBe(4); // 2 of each April wave
    expect(all('2025-03', 'North')?.answered).toBe(2);
    expect(all('2025-04', 'South')?.answered).toBe(2);
  });

  it('should keep comments in the tallies of a scope only, not of a segment', () => {
    const { wave: w, invitations } = periodWave();
    const entries = rollupEntries(new Map([[w.waveId, w]]), invitations, TZ);
    expect(entries.filter((e) => e.segment === null).some((e) => e.tally.worst.length > 0)).toBe(true);
    for (const e of entries.filter((x) => x.segment !== null)) {
      expect(e.tally.worst).toEqual([]);
      expect(e.tally.answered).toBeGreaterThan(0);
    }
  });

  it('should merge the rollups of any split of the answers into the rollup of all of them', () => {
    const april = periodWave();
    const march = marchWave();
    const waves = new Map([april.wave, march.wave].map((w) => [w.waveId, w]));
    const all = [...april.invitations, ...march.invitations];
    const whole = rollupEntries(waves, all, TZ);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: all.length, maxLength: all.length }),
        fc.boolean(),
        (days, aprilOnly) => {
          // Each answer lands on one of four "days"; the days' rollups are merged in reverse order.
          const merged = new Map<string, RollupEntry>();
          for (const day of [3, 2, 1, 0]) {
            const rollup = rollupEntries(
              waves,
              all.filter((_, k) => days[k] === day),
              TZ,
            );
            mergeEntries(merged, structuredClone(rollup), (cohort) => !aprilOnly || cohort === '2025-04');
          }
          expect(mergedEntries(merged)).toEqual(
            aprilOnly ? whole.filter((e) => e.cohort === '2025-04') : whole,
          );
        },
      ),
    );
  });
});
