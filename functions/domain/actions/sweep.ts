import type { HolidayCalendar } from '../calendar/holiday-calendar.ts';
import {
  addWorkingDays,
  isWorkingDay,
  localDateOf,
  startOfLocalDate,
  workingDaysBetween,
} from '../calendar/working-days.ts';
import type { ActionsConfig } from './config.ts';
import {
  type ActionChange,
  closeWithoutAnswer,
  escalate,
  ownerReminded,
  verificationSent,
} from './lifecycle.ts';
import { type ActionSendJob, type CorrectiveAction, PENDING_STATUSES } from './model.ts';
import { noticeJobs, unclaimedJobs } from './notices.ts';

/*
 * The daily sweep's decisions (use-cases/action-sweep.ts), pure: what is due today for one live action of
 * a campaign, counted in working days of the campaign's actions calendar, in the action's time zone. On a
 * day off nothing is due: a reminder, an escalation or a follow-up waits for the next working day.
 */

/** How long an action may wait for its alert emails to be claimed before the sweep queues them again. */
export const ALERT_GRACE_MS = 10 * 60_000;

/** The kinds of change the sweep makes; the names are the counts it reports. */
export type SweepStepKind = 'remind' | 'escalate' | 'follow-up' | 'no-answer' | 'nobody-to-ask';

/** What the sweep does to an action today: the jobs to queue first, then the change to apply. */
export interface SweepStep {
  kind: SweepStepKind;
  jobs: ActionSendJob[];
  change: ActionChange;
}

/** What a note says when an action has nobody to ask whether it is resolved. */
export function nobodyToAskNote(action: CorrectiveAction): string {
  return action.source.kind === 'response' && action.source.anonymous
    ? 'the campaign is anonymous: there is no customer to ask'
    : 'there is no customer to ask';
}

/**
 * The step due today for `action`, or undefined. `now` is the sweep's time; the action's dates are local
 * dates of its time zone. Each step is once per round: the action records it (ownerRemindedAt,
 * escalatedAt, verification) and the change's conditions refuse a repeat.
 */
export function dueStep(
  action: CorrectiveAction,
  now: Date,
  calendar: HolidayCalendar,
  config: Pick<ActionsConfig, 'remindBeforeWorkingDays' | 'dueWorkingDays' | 'verification'>,
): SweepStep | undefined {
  const tz = action.timeZone;
  if (!isWorkingDay(now, calendar, tz)) return undefined;
  const today = localDateOf(now, tz);

  if (PENDING_STATUSES.includes(action.status)) {
    if (today > action.dueDate) {
      if (action.escalatedAt) return undefined;
      return { kind: 'escalate', jobs: noticeJobs(action, 'escalation'), change: escalate(action, now) };
    }
    const before = config.remindBeforeWorkingDays;
    if (before > 0 && !action.ownerRemindedAt) {
      const left = workingDaysBetween(now, startOfLocalDate(action.dueDate, tz), calendar, tz);
      if (left <= before) {
        return {
          kind: 'remind',
          jobs: noticeJobs(action, 'owner-reminder'),
          change: ownerReminded(action, now),
        };
      }
    }
    return undefined;
  }

  if (action.status !== 'resolved' || !action.resolvedAt) return undefined;
  const reopen = { dueWorkingDays: config.dueWorkingDays, calendar };
  if (!action.customer) {
    // A target's action is verified by the next period's figures (the report), not here.
    if (action.source.kind !== 'response') return undefined;
    return {
      kind: 'nobody-to-ask',
      jobs: [],
      change: closeWithoutAnswer(action, now, 'close-unverified', reopen, nobodyToAskNote(action)),
    };
  }
  const v = action.verification;
  if (!v) {
    const askOn = localDateOf(
      addWorkingDays(new Date(action.resolvedAt), config.verification.afterWorkingDays, calendar, tz),
      tz,
    );
    if (today < askOn) return undefined;
    const answerBy = localDateOf(
      addWorkingDays(now, config.verification.answerWorkingDays, calendar, tz),
      tz,
    );
    return {
      kind: 'follow-up',
      jobs: noticeJobs(action, 'verify'),
      change: verificationSent(action, now, answerBy),
    };
  }
  if (v.answer || today <= v.answerBy) return undefined;
  const change = closeWithoutAnswer(action, now, config.verification.onNoAnswer, reopen);
  const reopens = change.set.status === 'reopened';
  return {
    kind: 'no-answer',
    // The next round's emails: queued before the change, under the round it starts.
    jobs: reopens ? noticeJobs(action, 'reopened', action.round + 1) : [],
    change,
  };
}

/**
 * The alert emails of an action that were never claimed (the submit that opened it died before queueing
 * them, or the queue lost them), once it is older than ALERT_GRACE_MS: queued again, and the send's claim
 * keeps each to one email.
 */
export function missingAlertJobs(action: CorrectiveAction, now: Date): ActionSendJob[] {
  if (now.getTime() - Date.parse(action.openedAt) < ALERT_GRACE_MS) return [];
  return unclaimedJobs(action, noticeJobs(action, 'alert', 0));
}

/** The sweep runs daily at this time of the campaign's time zone (before the working day's mail is read). */
export const ACTIONS_SWEEP_CRON = '0 9 * * *';

/** The daily sweep's schedule of a campaign with corrective actions; undefined for one without. */
export function actionsSweepSchedule(campaign: {
  actions?: unknown;
  dispatch: { timeZone: string };
}): { cron: string; timeZone: string } | undefined {
  return campaign.actions ? { cron: ACTIONS_SWEEP_CRON, timeZone: campaign.dispatch.timeZone } : undefined;
}
