import { createHash } from 'node:crypto';
import type { HolidayCalendar } from '../calendar/holiday-calendar.ts';
import { addWorkingDays, localDateOf } from '../calendar/working-days.ts';
import type { Verification } from './config.ts';
import {
  type ActionHistoryEntry,
  type ActionStatus,
  type CorrectiveAction,
  PENDING_STATUSES,
} from './model.ts';

/*
 * The action's state machine as pure changes: each function checks what it can from the action it was
 * given and returns the conditional update that makes the transition (ActionStore.apply). The store applies
 * it only if the stored action still satisfies `from`, `round`, `absent` and `present`, so of concurrent
 * clicks, retries and sweeps exactly one makes each transition, and the history gets one line for it.
 */

/** A conditional update of one action. Paths may be nested one level (`verification.answer`). */
export interface ActionChange {
  /** The stored status must be one of these. */
  from: readonly ActionStatus[];
  /** The stored round must be this one (a change meant for an earlier round does nothing). */
  round: number;
  /** Attributes that must not be stored yet: each change happens once per round. */
  absent?: readonly string[];
  /** Attributes that must be stored already. */
  present?: readonly string[];
  set: Record<string, unknown>;
  remove?: readonly string[];
  history: ActionHistoryEntry;
}

/** A transition the action's state does not allow, or input it cannot take: a clear 4xx, nothing changed. */
export class ActionChangeError extends Error {
  constructor(
    readonly reason: 'status' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ActionChangeError';
  }
}

/** The longest root cause or action text kept. */
export const MAX_ACTION_TEXT = 2000;

/** 128 bits of SHA-256 over a purpose and its parts, base64url: action ids that repeat for the same cause. */
function digestId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16).toString('base64url');
}

/**
 * The action of a response: the same for every retry or redelivery of its submit, so one response opens one
 * action. An anonymous response passes its response id (an HMAC already), never the invitation's.
 */
export const responseActionId = (responseId: string): string => digestId('action-response', responseId);

/** The action of a department (and item) missing a target in a closed period: one per period and cause. */
export const targetActionId = (campaignId: string, period: string, department: string, item = ''): string =>
  digestId('action-target', campaignId, period, department, item);

/** The last day to resolve an action opened (or reopened) at `at`: `n` working days later, local date. */
export function dueDateOf(at: Date, n: number, calendar: HolidayCalendar, timeZone: string): string {
  return localDateOf(addWorkingDays(at, n, calendar, timeZone), timeZone);
}

const entry = (at: Date, by: string, event: ActionHistoryEntry['event'], note?: string) => ({
  at: at.toISOString(),
  by,
  event,
  ...(note ? { note } : {}),
});

function requireStatus(action: CorrectiveAction, from: readonly ActionStatus[], what: string): void {
  if (!from.includes(action.status)) {
    throw new ActionChangeError('status', `cannot ${what} an action that is ${action.status}`);
  }
}

/** The owner has seen it and is on it. */
export function acknowledge(action: CorrectiveAction, by: string, at: Date): ActionChange {
  const from: ActionStatus[] = ['open', 'reopened'];
  requireStatus(action, from, 'acknowledge');
  return {
    from,
    round: action.round,
    set: { status: 'acknowledged', acknowledgedAt: at.toISOString() },
    history: entry(at, by, 'acknowledged'),
  };
}

/** Text for a record: trimmed, with line breaks kept and other control characters gone; undefined if empty. */
export function actionText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
    .trim();
  return text.length > 0 ? text : undefined;
}

/** Resolving needs the root cause and the action taken (Qmeter requires the cause; seed 003 both). */
export function resolve(
  action: CorrectiveAction,
  by: string,
  at: Date,
  input: { rootCause: unknown; actionTaken: unknown },
): ActionChange {
  requireStatus(action, PENDING_STATUSES, 'resolve');
  const rootCause = actionText(input.rootCause);
  const actionTaken = actionText(input.actionTaken);
  const missing = [!rootCause && 'rootCause', !actionTaken && 'actionTaken'].filter(Boolean);
  if (missing.length > 0)
    throw new ActionChangeError('invalid', `required to resolve: ${missing.join(', ')}`);
  for (const [name, text] of [
    ['rootCause', rootCause],
    ['actionTaken', actionTaken],
  ] as const) {
    if (text && text.length > MAX_ACTION_TEXT)
      throw new ActionChangeError('invalid', `${name} is longer than ${MAX_ACTION_TEXT} characters`);
  }
  return {
    from: PENDING_STATUSES,
    round: action.round,
    set: {
      status: 'resolved',
      resolvedAt: at.toISOString(),
      resolvedOnTime: localDateOf(at, action.timeZone) <= action.dueDate,
      rootCause,
      actionTaken,
    },
    history: entry(at, by, 'resolved'),
  };
}

/** Owners reminded of the coming due date: once per round. */
export function ownerReminded(action: CorrectiveAction, at: Date): ActionChange {
  requireStatus(action, PENDING_STATUSES, 'remind the owners of');
  return {
    from: PENDING_STATUSES,
    round: action.round,
    absent: ['ownerRemindedAt'],
    set: { ownerRemindedAt: at.toISOString() },
    history: entry(at, 'csat', 'owner-reminded'),
  };
}

/** Overdue and not resolved: escalated to the managers, once per round. */
export function escalate(action: CorrectiveAction, at: Date): ActionChange {
  requireStatus(action, PENDING_STATUSES, 'escalate');
  return {
    from: PENDING_STATUSES,
    round: action.round,
    absent: ['escalatedAt'],
    set: { escalatedAt: at.toISOString() },
    history: entry(at, 'csat', 'escalated'),
  };
}

/** The customer's follow-up goes out; they may answer until `answerBy` (a local date). */
export function verificationSent(action: CorrectiveAction, at: Date, answerBy: string): ActionChange {
  requireStatus(action, ['resolved'], 'ask the customer about');
  if (!action.customer) throw new ActionChangeError('invalid', 'the action has no customer to ask');
  return {
    from: ['resolved'],
    round: action.round,
    absent: ['verification'],
    set: { verification: { sentAt: at.toISOString(), answerBy } },
    history: entry(at, 'csat', 'verification-sent'),
  };
}

/** Starts the next round: a new due date, and the round's reminder, escalation and follow-up to come. */
function reopenChange(
  action: CorrectiveAction,
  at: Date,
  by: string,
  note: string,
  dueDate: string,
  from: readonly ActionStatus[],
  extra: Pick<ActionChange, 'absent' | 'present'>,
): ActionChange {
  return {
    from,
    round: action.round,
    ...extra,
    set: { status: 'reopened', round: action.round + 1, reopenedAt: at.toISOString(), dueDate },
    remove: ['escalatedAt', 'ownerRemindedAt', 'acknowledgedAt', 'verification'],
    history: entry(at, by, 'reopened', note),
  };
}

/**
 * The customer's one-click answer to the follow-up, counted once: yes verifies the action, no reopens it
 * with a new due date (`dueWorkingDays` from now). An answer after `answerBy` is refused like a second one.
 */
export function answerVerification(
  action: CorrectiveAction,
  answer: 'yes' | 'no',
  at: Date,
  reopen: { dueWorkingDays: number; calendar: HolidayCalendar },
): ActionChange {
  requireStatus(action, ['resolved'], 'verify');
  const v = action.verification;
  if (!v || v.answer) throw new ActionChangeError('status', 'the follow-up is not waiting for an answer');
  if (localDateOf(at, action.timeZone) > v.answerBy)
    throw new ActionChangeError('status', 'the time to answer the follow-up is over');
  const guard = { absent: ['verification.answer'], present: ['verification'] };
  if (answer === 'yes') {
    return {
      from: ['resolved'],
      round: action.round,
      ...guard,
      set: {
        status: 'verified',
        verifiedAt: at.toISOString(),
        closedAt: at.toISOString(),
        'verification.answer': 'yes',
        'verification.answeredAt': at.toISOString(),
      },
      history: entry(at, 'customer', 'verified'),
    };
  }
  const due = dueDateOf(at, reopen.dueWorkingDays, reopen.calendar, action.timeZone);
  return reopenChange(
    action,
    at,
    'customer',
    'the customer said it is not resolved',
    due,
    ['resolved'],
    guard,
  );
}

/**
 * The follow-up went unanswered until `answerBy`, or there is nobody to ask (an anonymous or a target's
 * action): closed as resolved but unverified, or reopened, as the campaign says.
 */
export function closeWithoutAnswer(
  action: CorrectiveAction,
  at: Date,
  onNoAnswer: Verification['onNoAnswer'],
  reopen: { dueWorkingDays: number; calendar: HolidayCalendar },
  note = 'the customer did not answer the follow-up',
): ActionChange {
  requireStatus(action, ['resolved'], 'close');
  const guard = action.verification ? { absent: ['verification.answer'], present: ['verification'] } : {};
  if (onNoAnswer === 'reopen' && action.customer) {
    const due = dueDateOf(at, reopen.dueWorkingDays, reopen.calendar, action.timeZone);
    return reopenChange(action, at, 'csat', note, due, ['resolved'], guard);
  }
  return {
    from: ['resolved'],
    round: action.round,
    ...guard,
    set: { status: 'closed-unverified', closedAt: at.toISOString() },
    history: entry(at, 'csat', 'closed-unverified', note),
  };
}

/**
 * A resolved target action (opened because a period missed a target) judged by the next closed period:
 * the department or item met the target again → verified; else reopened with a new due date. `period` is
 * the key of the period that judged it, for the history.
 */
export function verifyByPeriod(
  action: CorrectiveAction,
  at: Date,
  met: boolean,
  reopen: { dueWorkingDays: number; calendar: HolidayCalendar },
  period: string,
): ActionChange {
  requireStatus(action, ['resolved'], 'verify');
  if (action.source.kind !== 'target')
    throw new ActionChangeError('invalid', 'only a target action is verified by a period');
  if (met) {
    return {
      from: ['resolved'],
      round: action.round,
      set: { status: 'verified', verifiedAt: at.toISOString(), closedAt: at.toISOString() },
      history: entry(at, 'csat', 'verified', `period ${period} met the target`),
    };
  }
  const due = dueDateOf(at, reopen.dueWorkingDays, reopen.calendar, action.timeZone);
  return reopenChange(action, at, 'csat', `period ${period} missed the target again`, due, ['resolved'], {});
}
