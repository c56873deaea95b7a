import { type ActionsConfig, actionsCalendarId } from '../domain/actions/config.ts';
import { actionEvent, type CsatEvent } from '../domain/actions/events.ts';
import type { ActionSendJob, CorrectiveAction } from '../domain/actions/model.ts';
import { noticeJobs } from '../domain/actions/notices.ts';
import { actionResponseOf, responseAction } from '../domain/actions/open.ts';
import type { ActionQueue, ActionStore, EventPublisher } from '../domain/actions/ports.ts';
import { ALERT_GRACE_MS, dueStep, missingAlertJobs, type SweepStep } from '../domain/actions/sweep.ts';
import { isAnonymous } from '../domain/anonymity.ts';
import { findCalendar, type HolidayCalendar, isWorkingDay } from '../domain/calendar/index.ts';
import type { Invitation, Wave } from '../domain/model.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import type { Campaign } from '../domain/programme.ts';

export interface ActionSweepDeps {
  actions: ActionStore;
  queue: ActionQueue;
  events: EventPublisher;
  /** The campaign's answers (for responses whose action never opened) and their waves. */
  store: Pick<SurveyStore, 'answeredPages' | 'getWave'>;
  clock: Clock;
  /** The programme's working-day calendars; the campaign's actions name the one they count by. */
  calendars: readonly HolidayCalendar[];
}

/** What a run did: counts of actions (and of alert emails queued again), nothing about anyone. */
export interface ActionSweepResult {
  campaignId: string;
  /** Whether today is a working day of the actions calendar: reminders, escalations and follow-ups wait if not. */
  workingDay: boolean;
  /** Owners reminded of a coming due date. */
  reminded: number;
  /** Overdue actions escalated to the managers. */
  escalated: number;
  /** Follow-ups queued to customers. */
  followUps: number;
  /** Actions closed unverified: the follow-up went unanswered, or there is nobody to ask. */
  closed: number;
  /** Actions reopened because the follow-up went unanswered (onNoAnswer: reopen). */
  reopened: number;
  /** Actions opened from stored responses whose submit never opened them. */
  recovered: number;
  /** Alert emails queued again because nothing claimed them. */
  alertsRequeued: number;
  /** Events that could not be published (their changes stand). */
  unpublished: number;
  /** The names of the errors publishing met, for the log. */
  publishErrors?: string[];
}

/** How far back the sweep looks for triggering answers without an action. */
export const RECOVERY_WINDOW_MS = 2 * 86_400_000;

const COUNT_OF: Record<SweepStep['kind'], 'reminded' | 'escalated' | 'followUps' | 'closed'> = {
  remind: 'reminded',
  escalate: 'escalated',
  'follow-up': 'followUps',
  'no-answer': 'closed',
  'nobody-to-ask': 'closed',
};

/**
 * The daily sweep of a campaign's corrective actions (run by its schedule at 09:00 local time, or by hand):
 * on a working day of its actions calendar, reminds owners before the due date, escalates overdue actions
 * to the managers, asks customers whether a resolved action fixed it, and closes or reopens follow-ups
 * left unanswered (domain/actions/sweep.ts); every day, it queues alert emails nothing claimed and opens
 * the actions of answers whose submit died before it did. Jobs are queued before the change they go with
 * is applied: a crash in between leaves the change to the next run, and the send's claim keeps each email
 * to one. Each change is conditional, so running the sweep twice changes (and emails) nothing twice.
 */
export async function sweepActions(
  deps: ActionSweepDeps,
  input: { campaign: Campaign },
): Promise<ActionSweepResult> {
  const { campaign } = input;
  const now = deps.clock.now();
  const calendar = findCalendar(deps.calendars, actionsCalendarId(campaign));
  const result: ActionSweepResult = {
    campaignId: campaign.id,
    workingDay: false,
    reminded: 0,
    escalated: 0,
    followUps: 0,
    closed: 0,
    reopened: 0,
    recovered: 0,
    alertsRequeued: 0,
    unpublished: 0,
  };
  const config = campaign.actions;
  if (!config) return result;
  result.workingDay = isWorkingDay(now, calendar, campaign.dispatch.timeZone);

  for await (const page of deps.actions.liveActionPages(campaign.id)) {
    const steps: Array<{ action: CorrectiveAction; step: SweepStep }> = [];
    const jobs: ActionSendJob[] = [];
    for (const action of page) {
      const alerts = missingAlertJobs(action, now);
      result.alertsRequeued += alerts.length;
      jobs.push(...alerts);
      const step = dueStep(action, now, calendar, config);
      if (!step) continue;
      steps.push({ action, step });
      jobs.push(...step.jobs);
    }
    if (jobs.length > 0) await deps.queue.enqueue(jobs);
    const events: CsatEvent[] = [];
    for (const { action, step } of steps) {
      const updated = await deps.actions.apply(action.id, step.change);
      if (!updated) continue;
      if (updated.status === 'reopened') result.reopened += 1;
      else result[COUNT_OF[step.kind]] += 1;
      // Escalations and closes are published; reminders and follow-ups sent are not (events.ts).
      const event = actionEvent(updated);
      if (event) events.push(event);
    }
    await publish(deps, events, result);
  }

  await recoverResponses(deps, campaign, config, calendar, now, result);
  return result;
}

async function publish(deps: ActionSweepDeps, events: CsatEvent[], result: ActionSweepResult): Promise<void> {
  if (events.length === 0) return;
  try {
    await deps.events.publish(events);
  } catch (e) {
    result.unpublished += events.length;
    const name = e instanceof Error ? e.name : 'Error';
    result.publishErrors = [...new Set([...(result.publishErrors ?? []), name])];
  }
}

/**
 * Answers of the last two days that trigger an action none was opened for (the submit stored the answer
 * and died): the action opens now, with its alerts and its event. Answers younger than ALERT_GRACE_MS are
 * left to the submit still at work. An anonymous answer comes without a customer, and its action too.
 */
async function recoverResponses(
  deps: ActionSweepDeps,
  campaign: Campaign,
  actions: ActionsConfig,
  calendar: HolidayCalendar,
  now: Date,
  result: ActionSweepResult,
): Promise<void> {
  // From midnight UTC: an anonymous answer is dated at its day's midnight.
  const from = `${new Date(now.getTime() - RECOVERY_WINDOW_MS).toISOString().slice(0, 10)}T00:00:00.000Z`;
  const to = new Date(now.getTime() - ALERT_GRACE_MS).toISOString();
  const waves = new Map<string, Promise<Wave | undefined>>();
  const waveOf = (id: string) => {
    let wave = waves.get(id);
    if (!wave) {
      wave = deps.store.getWave(campaign.id, id);
      waves.set(id, wave);
    }
    return wave;
  };
  for await (const page of deps.store.answeredPages(campaign.id, from, to)) {
    const events: CsatEvent[] = [];
    for (const answered of page) {
      const action = await actionOf(campaign, actions, calendar, answered, await waveOf(answered.waveId));
      if (!action || !(await deps.actions.openAction(action))) continue;
      result.recovered += 1;
      const alerts = noticeJobs(action, 'alert', 0);
      if (alerts.length > 0) await deps.queue.enqueue(alerts);
      const event = actionEvent(action);
      if (event) events.push(event);
    }
    await publish(deps, events, result);
  }
}

/** The action a stored answer opens, as the submit would have opened it; undefined when nothing triggers. */
function actionOf(
  campaign: Campaign,
  actions: ActionsConfig,
  calendar: HolidayCalendar,
  answered: Invitation,
  wave: Wave | undefined,
): CorrectiveAction | undefined {
  const response = answered.response;
  // An erased customer's answer lost its comments and contact: nothing to act on or to ask.
  if (!wave || !response || answered.erasedAt) return undefined;
  const anonymous = isAnonymous(wave.campaign) || answered.customer.id === '';
  const { id, name, email, language, department } = answered.customer;
  return responseAction({
    campaign: { ...campaign, actions },
    questionnaire: wave.questionnaire,
    calendar,
    waveId: answered.waveId,
    responseId: answered.id,
    anonymous,
    department,
    ...(anonymous ? {} : { customer: { id, name, email, language } }),
    response: actionResponseOf(response),
    at: new Date(response.answeredAt),
  });
}

/** One line for people (CLI, local stack log): what a sweep did. */
export function describeSweep(r: ActionSweepResult): string {
  return (
    `${r.campaignId}: ${r.reminded} reminded, ${r.escalated} escalated, ${r.followUps} follow-up(s), ` +
    `${r.closed} closed, ${r.reopened} reopened, ${r.recovered} recovered` +
    (r.alertsRequeued > 0 ? `, ${r.alertsRequeued} alert email(s) queued again` : '') +
    (r.workingDay ? '' : ' (not a working day: reminders, escalations and follow-ups wait)') +
    (r.unpublished > 0 ? `; ${r.unpublished} event(s) not published` : '')
  );
}
