import { actionEvent } from '../domain/actions/event-types.ts';
import { targetActionId, verifyByPeriod } from '../domain/actions/lifecycle.ts';
import type { CorrectiveAction } from '../domain/actions/model.ts';
import { noticeJobs, unclaimedJobs } from '../domain/actions/notices.ts';
import { newAction } from '../domain/actions/open.ts';
import { departmentMisses, itemMisses, targetMisses } from '../domain/actions/targets.ts';
import { localDateOf } from '../domain/calendar/working-days.ts';
import { periodsBefore } from '../domain/report/period.ts';
import type { PeriodReportDocument } from '../domain/report/period-types.ts';
import type { ActionReportDeps } from './period-actions.ts';
import { periodRange, readActions } from './period-actions.ts';
import type { PeriodFigures } from './period-report.ts';

export interface TargetActionsResult {
  /** Target actions this run opened (a re-run opens none). */
  opened: number;
  /** The previous period's resolved target actions this period verified or reopened. */
  verified: number;
  reopened: number;
}

/**
 * The closed loop of a closed period's report (seed 000 §6 ②): opens a target action per department and
 * per item that missed its target (targetActionId: a re-run finds them and opens nothing), owned by the
 * department's heads, and queues its alerts; then judges the previous period's resolved target actions
 * by this period's figures: met → verified, missed again → reopened. Nothing for a campaign without
 * `actions.targets`, or a period not over yet or not final. `overall` is the campaign's report as shown
 * (an anonymous campaign's withheld departments are not in it), `own` a department's (undefined: withheld).
 */
export async function targetActions(
  deps: { actions?: ActionReportDeps | undefined; now: Date },
  figures: PeriodFigures,
  overall: PeriodReportDocument,
  own: (department: string) => PeriodReportDocument | undefined,
): Promise<TargetActionsResult> {
  const result: TargetActionsResult = { opened: 0, verified: 0, reopened: 0 };
  const campaign = figures.latest.campaign;
  const loop = deps.actions;
  const actions = campaign.actions;
  const tz = campaign.report.schedule.timeZone;
  const period = figures.period;
  if (!loop || !actions?.targets || !overall.period.final) return result;
  if (localDateOf(deps.now, tz) <= period.last) return result;
  // config.ts actionsCalendarId, which this bundle cannot import (zod): the same default chain.
  const calendarId = actions.calendar ?? campaign.reminders?.calendar ?? 'cn-mainland';
  const calendar = loop.calendars.find((c) => c.id === calendarId);
  if (!calendar) throw new RangeError(`no holiday calendar "${calendarId}"`);
  const publish = async (action: CorrectiveAction | undefined) => {
    const event = action && actionEvent(action);
    if (!event) return;
    try {
      await loop.events.publish([event]);
    } catch (e) {
      loop.warn?.('action event not published', { actionId: action.id, error: (e as Error).name });
    }
  };

  for (const miss of targetMisses(overall, own)) {
    const action = newAction({
      id: targetActionId(campaign.id, period.key, miss.department, miss.item),
      campaign: { ...campaign, actions },
      calendar,
      source: { kind: 'target', period: period.key },
      department: miss.department,
      reasons: miss.reasons,
      at: deps.now,
    });
    const opened = await loop.store.openAction(action);
    // Opened by an earlier run: its alerts are queued again unless sent (claimed) already, so a run that
    // stopped between opening and queueing loses none; the send's claim keeps a repeat from emailing twice.
    const stored = opened ? action : await loop.store.getAction(action.id);
    if (stored?.round !== 0) continue;
    const jobs = unclaimedJobs(stored, noticeJobs(stored, 'alert', 0));
    if (jobs.length > 0) await loop.queue.enqueue(jobs);
    if (!opened) continue;
    result.opened += 1;
    await publish(action);
  }

  // The previous period's target actions, resolved since: does this period meet the target again?
  const previous = periodsBefore(period, 1)[0];
  if (!previous) return result;
  const rows = new Map(overall.statistics.departments.map((d) => [d.department, d]));
  const pending = (
    await readActions(loop.store, campaign.id, { from: periodRange(previous, tz).from })
  ).filter((a) => a.source.kind === 'target' && a.source.period === previous.key && a.status === 'resolved');
  for (const action of pending) {
    const row = rows.get(action.department);
    // A department this report does not show (no responses, or withheld) cannot be judged yet.
    if (!row) continue;
    const item = action.reasons.find((r) => r.kind === 'target' && r.item !== undefined);
    let met: boolean;
    if (item?.kind === 'target' && item.item !== undefined) {
      const doc = own(action.department);
      const category = doc?.statistics.categories.find((c) => c.id === item.item);
      if (!doc || !category || category.satisfactionRate === null) continue;
      met = !itemMisses(doc).some((r) => r.item === item.item);
    } else met = departmentMisses(row, overall.targets).length === 0;
    const change = verifyByPeriod(
      action,
      deps.now,
      met,
      { dueWorkingDays: actions.dueWorkingDays, calendar },
      period.key,
    );
    if (!met) {
      // The managers and owners hear of the reopen, in the round it starts.
      await loop.queue.enqueue(noticeJobs(action, 'reopened', action.round + 1));
    }
    const updated = await loop.store.apply(action.id, change);
    if (!updated) continue;
    if (met) result.verified += 1;
    else result.reopened += 1;
    await publish(updated);
  }
  return result;
}
