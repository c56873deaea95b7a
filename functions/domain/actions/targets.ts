import type { PeriodReportDocument } from '../report/period-types.ts';
import type { ActionReason } from './model.ts';

/*
 * What a closed period's report says missed its target (seed 000 §6 ②), as the causes of target actions:
 * per department, its satisfaction rate, index and return rate (whatever the report judges as not met),
 * and per department and item, the item's satisfaction rate below the campaign's satisfaction-rate target.
 * Only departments the campaign's report shows are judged: an anonymous campaign's withheld departments
 * are never named by an action.
 */

export type TargetReason = Extract<ActionReason, { kind: 'target' }>;

/** One target action to open: a department's misses (`item` absent) or one item's. */
export interface TargetMiss {
  department: string;
  item?: string;
  reasons: TargetReason[];
}

type Figures = PeriodReportDocument['statistics']['departments'][number];

/** A department's own misses, from the campaign report's row of it (`targets` are the report's). */
export function departmentMisses(row: Figures, targets: PeriodReportDocument['targets']): TargetReason[] {
  const reasons: TargetReason[] = [];
  if (row.satisfactionRateMet === false && row.satisfactionRate !== null)
    reasons.push({
      kind: 'target',
      measure: 'satisfaction-rate',
      actual: row.satisfactionRate,
      target: targets.satisfactionRate,
    });
  if (row.indexMet === false && row.meanTotal !== null && targets.index !== null)
    reasons.push({ kind: 'target', measure: 'index', actual: row.meanTotal, target: targets.index });
  if (row.returnRateMet === false && row.returnRate !== null && row.returnRateTarget !== null)
    reasons.push({
      kind: 'target',
      measure: 'return-rate',
      actual: row.returnRate,
      target: row.returnRateTarget,
    });
  return reasons;
}

/** The items of a department's own report whose satisfaction rate is below the satisfaction-rate target. */
export function itemMisses(doc: PeriodReportDocument): TargetReason[] {
  const target = doc.targets.satisfactionRate;
  return doc.statistics.categories
    .filter((c) => c.satisfactionRate !== null && c.answers > 0 && c.satisfactionRate < target)
    .map((c) => ({
      kind: 'target',
      measure: 'item-satisfaction',
      actual: c.satisfactionRate!,
      target,
      item: c.id,
    }));
}

/**
 * Every miss of a period: `overall` is the campaign's report as shown (withheld departments left out),
 * `own(department)` that department's own report as shown (undefined: withheld, nothing judged).
 */
export function targetMisses(
  overall: PeriodReportDocument,
  own: (department: string) => PeriodReportDocument | undefined,
): TargetMiss[] {
  const misses: TargetMiss[] = [];
  for (const row of overall.statistics.departments) {
    const reasons = departmentMisses(row, overall.targets);
    if (reasons.length > 0) misses.push({ department: row.department, reasons });
    const doc = own(row.department);
    for (const reason of doc ? itemMisses(doc) : [])
      misses.push({ department: row.department, item: reason.item!, reasons: [reason] });
  }
  return misses;
}
