import { describe, expect, it } from 'vitest';
import {
  medianOneDecimal,
  shownActionsSummary,
  summarizeActions,
} from '../../functions/domain/report/actions-summary.ts';
import { fixtureActions, REPORT_NOW, reportAction } from '../support/report-actions.ts';

const zero = {
  opened: 0,
  resolvedOnTime: 0,
  resolvedLate: 0,
  overdue: 0,
  verified: 0,
  reopened: 0,
  closedUnverified: 0,
  stillOpen: 0,
  medianDaysToResolve: null,
};

describe('summarizeActions', () => {
  it('should count the hand-computed fixture per department and in total', () => {
    const summary = summarizeActions(fixtureActions(), REPORT_NOW);
    // Days to the first resolution: 2.5, 4, 1, 0.25 → median (1 + 2.5) / 2 = 1.75 → 1.8.
    expect(summary.total).toEqual({
      opened: 6,
      resolvedOnTime: 2,
      resolvedLate: 1,
      overdue: 1,
      verified: 1,
      reopened: 1,
      closedUnverified: 1,
      stillOpen: 3,
      medianDaysToResolve: 1.8,
    });
    expect(summary.departments).toEqual([
      // 2.5 and 4 → 3.25 → 3.3.
      {
        ...zero,
        department: 'Sales',
        opened: 3,
        resolvedOnTime: 1,
        resolvedLate: 1,
        overdue: 1,
        verified: 1,
        stillOpen: 1,
        medianDaysToResolve: 3.3,
      },
      { ...zero, department: '__proto__', opened: 1, reopened: 1, stillOpen: 1, medianDaysToResolve: 1 },
      {
        ...zero,
        department: 'constructor',
        opened: 1,
        resolvedOnTime: 1,
        closedUnverified: 1,
        medianDaysToResolve: 0.3,
      },
      { ...zero, department: 'hasOwnProperty', opened: 1, stillOpen: 1 },
    ]);
    expect(summary.withheldDepartments).toBe(0);
    expect(Object.hasOwn(Object.prototype, 'opened')).toBe(false);
  });

  it('should give zeros and no median without actions', () => {
    expect(summarizeActions([], REPORT_NOW)).toEqual({
      total: zero,
      departments: [],
      withheldDepartments: 0,
    });
  });

  it('should count days from opening to the FIRST resolution', () => {
    const action = reportAction('x', {
      status: 'resolved',
      round: 1,
      resolved: '2026-10-02T00:00:00.000Z',
      resolvedAt: '2026-10-09T00:00:00.000Z',
      resolvedOnTime: false,
    });
    action.history.push({ at: '2026-10-09T00:00:00.000Z', by: 'h', event: 'resolved' });
    expect(summarizeActions([action], REPORT_NOW).total).toMatchObject({
      medianDaysToResolve: 1,
      resolvedLate: 1,
      reopened: 1,
    });
  });

  it('should judge overdue by the date in the action’s time zone', () => {
    // 2026-10-10T16:30Z is already 10-11 in Shanghai: a due date of 10-10 has passed.
    const action = reportAction('x', { dueDate: '2026-10-10' });
    expect(summarizeActions([action], new Date('2026-10-10T16:30:00Z')).total.overdue).toBe(1);
    expect(summarizeActions([action], new Date('2026-10-10T15:30:00Z')).total.overdue).toBe(0);
  });
});

describe('medianOneDecimal', () => {
  it('should take the middle value or the mean of the two middle ones', () => {
    expect(medianOneDecimal([3, 1, 2])).toBe(2);
    expect(medianOneDecimal([4, 1])).toBe(2.5);
    expect(medianOneDecimal([0.04])).toBe(0);
    expect(medianOneDecimal([])).toBeNull();
  });
});

describe('shownActionsSummary', () => {
  const summary = summarizeActions(fixtureActions(), REPORT_NOW);

  it('should show a department’s own report only its department', () => {
    const own = shownActionsSummary(summary, { department: 'constructor' });
    expect(own.departments.map((d) => d.department)).toEqual(['constructor']);
    expect(own.total).toMatchObject({ opened: 1, closedUnverified: 1 });
    expect(JSON.stringify(own)).not.toContain('Sales');
  });

  it('should give a department without actions zeros', () => {
    expect(shownActionsSummary(summary, { department: 'toString' })).toEqual({
      total: zero,
      departments: [],
      withheldDepartments: 0,
    });
  });

  it('should not name the departments an anonymous report withholds, and count them', () => {
    const shown = shownActionsSummary(summary, { shown: new Set(['Sales', 'constructor']) });
    expect(shown.departments.map((d) => d.department)).toEqual(['Sales', 'constructor']);
    expect(shown.withheldDepartments).toBe(2);
    expect(shown.total.opened).toBe(6);
    expect(JSON.stringify(shown)).not.toContain('hasOwnProperty');
  });
});
