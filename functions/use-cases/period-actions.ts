import type { CorrectiveAction } from '../domain/actions/model.ts';
import type { ActionQueue, ActionStore, EventPublisher } from '../domain/actions/ports.ts';
import type { HolidayCalendar } from '../domain/calendar/holiday-calendar.ts';
import { startOfLocalDate } from '../domain/calendar/working-days.ts';
import { shownActionsSummary, summarizeActions } from '../domain/report/actions-summary.ts';
import { addDays, type Period } from '../domain/report/period.ts';
import { periodMinGroupSize, type ShownPeriodReport } from '../domain/report/period-withholding.ts';
import type { PeriodFigures } from './period-report.ts';

/** What a period report needs of the closed loop (issue 12): absent, reports show no actions. */
export interface ActionReportDeps {
  store: ActionStore;
  /** Where a target action's alerts are queued (the send queue). */
  queue: ActionQueue;
  events: EventPublisher;
  /** The working-day calendars target actions' due dates count by (programme/calendars/). */
  calendars: readonly HolidayCalendar[];
  /** Logs a failure that must not fail the report (names only, no PII). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

/** The instants `[from, to)` of a period's local days in `timeZone`. */
export const periodRange = (period: Period, timeZone: string): { from: string; to: string } => ({
  from: startOfLocalDate(period.first, timeZone).toISOString(),
  to: startOfLocalDate(addDays(period.last, 1), timeZone).toISOString(),
});

/** Every action of the campaign opened in `range`, read a page at a time. */
export async function readActions(
  store: ActionStore,
  campaignId: string,
  range: { from?: string; to?: string },
): Promise<CorrectiveAction[]> {
  const all: CorrectiveAction[] = [];
  for await (const page of store.actionPages(campaignId, range)) all.push(...page);
  return all;
}

/**
 * How each of the period's report documents gets its `actions` (actions-summary.ts): the actions opened
 * in the period, summarized once at `now`. The campaign's report names the departments it shows (an
 * anonymous campaign's withheld ones are counted, not named); a department's report shows its own only,
 * and nothing when an anonymous campaign withholds its figures. Unchanged without a closed loop.
 */
export async function actionsOfReports(
  deps: { actions?: ActionReportDeps | undefined },
  figures: PeriodFigures,
  now: Date,
): Promise<(doc: ShownPeriodReport) => ShownPeriodReport> {
  const campaign = figures.latest.campaign;
  if (!deps.actions || !campaign.actions) return (doc) => doc;
  const range = periodRange(figures.period, campaign.report.schedule.timeZone);
  const summary = summarizeActions(
    await readActions(deps.actions.store, figures.latest.campaignId, range),
    now,
  );
  const waves = [...figures.waves, ...figures.previous.flatMap((p) => p.waves)];
  const anonymous = periodMinGroupSize(waves, campaign) !== undefined;
  return (doc) => {
    if (doc.department !== null) {
      const withheld = anonymous && doc.withheld?.scope === true;
      return {
        ...doc,
        actions: withheld ? null : shownActionsSummary(summary, { department: doc.department }),
      };
    }
    const shown = anonymous ? new Set(doc.statistics.departments.map((d) => d.department)) : undefined;
    return { ...doc, actions: shownActionsSummary(summary, { shown }) };
  };
}
