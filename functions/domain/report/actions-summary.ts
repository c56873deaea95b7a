import { type CorrectiveAction, PENDING_STATUSES } from '../actions/model.ts';
import { localDateOf } from '../calendar/working-days.ts';
import { byCodeUnits } from './statistics.ts';

/*
 * How the closed loop performed in a period (issue 12, "in reports"): of the corrective actions OPENED in
 * the period, how many were resolved on time or late, are overdue, verified, reopened, closed unverified
 * or still open, and the median days to resolve, per department and in total. Pure: the use case reads the
 * period's actions (ActionStore.actionPages) and passes them, with the report's time.
 */

export interface ActionCounts {
  opened: number;
  /** Resolved now (resolved, verified or closed unverified) by their round's due date. */
  resolvedOnTime: number;
  /** Resolved now, after their round's due date. */
  resolvedLate: number;
  /** Still open (open, acknowledged, reopened) and past their due date at the report's time. */
  overdue: number;
  verified: number;
  /** Reopened at least once (whatever their status now). */
  reopened: number;
  closedUnverified: number;
  /** Open, acknowledged or reopened at the report's time. */
  stillOpen: number;
  /** Calendar days from opening to the first resolution, median, one decimal; null when none resolved. */
  medianDaysToResolve: number | null;
}

export interface ActionsSummary {
  total: ActionCounts;
  /** Sorted by name (code units). */
  departments: Array<ActionCounts & { department: string }>;
  /** How many departments with actions an anonymous campaign's report does not name (withheld). */
  withheldDepartments: number;
}

const DAY_MS = 86_400_000;
const RESOLVED = new Set(['resolved', 'verified', 'closed-unverified']);

/** The median of `values` (sorted here), one decimal; null when empty. */
export function medianOneDecimal(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(median * 10) / 10;
}

/** When the action was first resolved (its history's first `resolved` line), else undefined. */
const firstResolvedAt = (action: CorrectiveAction): string | undefined =>
  action.history.find((h) => h.event === 'resolved')?.at ?? action.resolvedAt;

function countsOf(actions: readonly CorrectiveAction[], now: Date): ActionCounts {
  const counts: ActionCounts = {
    opened: actions.length,
    resolvedOnTime: 0,
    resolvedLate: 0,
    overdue: 0,
    verified: 0,
    reopened: 0,
    closedUnverified: 0,
    stillOpen: 0,
    medianDaysToResolve: null,
  };
  const days: number[] = [];
  for (const a of actions) {
    if (RESOLVED.has(a.status)) {
      if (a.resolvedOnTime === true) counts.resolvedOnTime += 1;
      else counts.resolvedLate += 1;
    }
    if (PENDING_STATUSES.includes(a.status)) counts.stillOpen += 1;
    if (isOverdue(a, now)) counts.overdue += 1;
    if (a.status === 'verified') counts.verified += 1;
    if (a.status === 'closed-unverified') counts.closedUnverified += 1;
    if (a.round > 0 || a.history.some((h) => h.event === 'reopened')) counts.reopened += 1;
    const resolvedAt = firstResolvedAt(a);
    if (resolvedAt) days.push((Date.parse(resolvedAt) - Date.parse(a.openedAt)) / DAY_MS);
  }
  counts.medianDaysToResolve = medianOneDecimal(days);
  return counts;
}

/** The summary of `actions` (those opened in the period) at `now`, per department and in total. */
export function summarizeActions(actions: readonly CorrectiveAction[], now: Date): ActionsSummary {
  // Department names are untrusted: a Map, never a plain object.
  const byDepartment = new Map<string, CorrectiveAction[]>();
  for (const a of actions) {
    const list = byDepartment.get(a.department);
    if (list) list.push(a);
    else byDepartment.set(a.department, [a]);
  }
  return {
    total: countsOf(actions, now),
    departments: [...byDepartment.keys()]
      .sort(byCodeUnits)
      .map((department) => ({ department, ...countsOf(byDepartment.get(department)!, now) })),
    withheldDepartments: 0,
  };
}

/**
 * The summary as a report shows it. The campaign's report (`department` undefined): every department,
 * except, when `shown` is given (an anonymous campaign), those it does not name: they are counted in
 * `withheldDepartments` and in the totals only, as period-withholding.ts does with responses. A
 * department's own report: that department only, its row and a total of its own.
 */
export function shownActionsSummary(
  summary: ActionsSummary,
  scope: { department?: string | undefined; shown?: ReadonlySet<string> | undefined },
): ActionsSummary {
  if (scope.department !== undefined) {
    const own = summary.departments.find((d) => d.department === scope.department);
    const { department: _, ...total } = own ?? { department: '', ...countsOf([], new Date(0)) };
    return { total, departments: own ? [own] : [], withheldDepartments: 0 };
  }
  const shown = scope.shown;
  if (!shown) return summary;
  const departments = summary.departments.filter((d) => shown.has(d.department));
  return {
    total: summary.total,
    departments,
    withheldDepartments: summary.departments.length - departments.length,
  };
}

/** Still to be resolved (open, acknowledged, reopened) and past its due date on `now`'s date in its zone. */
export const isOverdue = (action: CorrectiveAction, now: Date): boolean =>
  PENDING_STATUSES.includes(action.status) && localDateOf(now, action.timeZone) > action.dueDate;
