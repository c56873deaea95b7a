import { describe, expect, it } from 'vitest';
import { verifyByPeriod } from '../../functions/domain/actions/lifecycle.ts';
import { targetMisses } from '../../functions/domain/actions/targets.ts';
import { WEEKENDS_ONLY } from '../../functions/domain/calendar/holiday-calendar.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { reportAction } from '../support/report-actions.ts';

const row = (department: string, rate: number | null, returnRate = 0.5) => ({
  department,
  invited: 10,
  answered: 5,
  cleaned: 0,
  returnRate,
  returnRateTarget: 0.3,
  returnRateMet: returnRate >= 0.3,
  meanTotal: 80,
  grade: 'B' as const,
  indexMet: null,
  meanRaw: null,
  targetMet: null,
  satisfactionRate: rate,
  satisfactionRateMet: rate === null ? null : rate >= 0.95,
});

const overall = (departments: ReturnType<typeof row>[]) =>
  ({
    targets: { returnRate: 0.3, satisfactionRate: 0.95, index: null, itemMean: null },
    statistics: { departments },
  }) as unknown as PeriodReportDocument;

const own = (items: Array<[string, number | null, number]>) =>
  ({
    targets: { returnRate: 0.3, satisfactionRate: 0.95, index: null, itemMean: null },
    statistics: {
      categories: items.map(([id, satisfactionRate, answers]) => ({ id, satisfactionRate, answers })),
    },
  }) as unknown as PeriodReportDocument;

describe('targetMisses', () => {
  it('should give one miss per department with its measures, and one per item below the rate target', () => {
    const misses = targetMisses(
      overall([row('__proto__', 0.5, 0.1), row('constructor', 1), row('hasOwnProperty', null)]),
      (d) =>
        d === '__proto__'
          ? own([
              ['quality', 0.9, 4],
              ['price', 1, 4],
              ['delivery', null, 0],
            ])
          : d === 'constructor'
            ? own([['quality', 0.94, 2]])
            : undefined,
    );
    expect(misses).toEqual([
      {
        department: '__proto__',
        reasons: [
          { kind: 'target', measure: 'satisfaction-rate', actual: 0.5, target: 0.95 },
          { kind: 'target', measure: 'return-rate', actual: 0.1, target: 0.3 },
        ],
      },
      {
        department: '__proto__',
        item: 'quality',
        reasons: [
          { kind: 'target', measure: 'item-satisfaction', actual: 0.9, target: 0.95, item: 'quality' },
        ],
      },
      {
        department: 'constructor',
        item: 'quality',
        reasons: [
          { kind: 'target', measure: 'item-satisfaction', actual: 0.94, target: 0.95, item: 'quality' },
        ],
      },
    ]);
  });

  it('should judge only the departments the report shows: a withheld one is never named', () => {
    // The campaign's report as an anonymous campaign shows it: "Small" is withheld, so not in it.
    const misses = targetMisses(overall([row('Big', 0.5)]), () => undefined);
    expect(misses.map((m) => m.department)).toEqual(['Big']);
    expect(JSON.stringify(misses)).not.toContain('Small');
  });
});

describe('verifyByPeriod', () => {
  const resolved = reportAction('t', {
    source: { kind: 'target', period: '2026-10' },
    status: 'resolved',
    resolved: '2026-11-10T00:00:00.000Z',
    resolvedOnTime: true,
  });
  const reopen = { dueWorkingDays: 10, calendar: WEEKENDS_ONLY };
  const at = new Date('2026-12-02T02:00:00.000Z'); // Wednesday

  it('should verify a resolved target action whose target the period met', () => {
    expect(verifyByPeriod(resolved, at, true, reopen, '2026-11')).toEqual({
      from: ['resolved'],
      round: 0,
      set: { status: 'verified', verifiedAt: at.toISOString(), closedAt: at.toISOString() },
      history: { at: at.toISOString(), by: 'csat', event: 'verified', note: 'period 2026-11 met the target' },
    });
  });

  it('should reopen it for another round, due 10 working days later, when the period missed it again', () => {
    const change = verifyByPeriod(resolved, at, false, reopen, '2026-11');
    expect(change.set).toEqual({
      status: 'reopened',
      round: 1,
      reopenedAt: at.toISOString(),
      dueDate: '2026-12-16',
    });
    expect(change.history).toMatchObject({
      event: 'reopened',
      note: 'period 2026-11 missed the target again',
    });
  });

  it('should refuse an action that is not resolved, or not a target’s', () => {
    expect(() => verifyByPeriod({ ...resolved, status: 'open' }, at, true, reopen, '2026-11')).toThrow(
      /cannot verify an action that is open/,
    );
    expect(() =>
      verifyByPeriod({ ...resolved, source: { kind: 'response', waveId: 'w' } }, at, true, reopen, '2026-11'),
    ).toThrow(/only a target action/);
  });
});
