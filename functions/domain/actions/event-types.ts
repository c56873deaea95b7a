import type { CorrectiveAction } from './model.ts';

/*
 * What building and publishing csat's events needs, without zod (events.ts holds the detail schemas and
 * re-exports all of this): the report function publishes target actions' events, and its bundle keeps
 * zod's schemas out (test/infra/bundling.test.ts).
 */
export const EVENT_SOURCE = 'csat';

export const DETAIL_TYPES = {
  responseSubmitted: 'Response Submitted',
  actionOpened: 'Action Opened',
  actionAcknowledged: 'Action Acknowledged',
  actionResolved: 'Action Resolved',
  actionVerified: 'Action Verified',
  actionReopened: 'Action Reopened',
  actionEscalated: 'Action Escalated',
  actionClosedUnverified: 'Action Closed Unverified',
} as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** The detail of every `Action …` event (events.ts ActionEventDetail is its schema). */
export interface ActionEventShape {
  id: string;
  actionId: string;
  campaignId: string;
  department: string;
  status: CorrectiveAction['status'];
  round: number;
  dueDate: string;
  source: 'response' | 'target';
  anonymous: boolean;
  reasons: Array<{ kind: CorrectiveAction['reasons'][number]['kind']; [key: string]: unknown }>;
  at: string;
  /** `customer`, `csat`, or the role of the person: `owner`, `customer-service`, `manager` (never an address). */
  by: string;
}

const EVENT_OF_HISTORY = {
  opened: DETAIL_TYPES.actionOpened,
  acknowledged: DETAIL_TYPES.actionAcknowledged,
  resolved: DETAIL_TYPES.actionResolved,
  verified: DETAIL_TYPES.actionVerified,
  reopened: DETAIL_TYPES.actionReopened,
  escalated: DETAIL_TYPES.actionEscalated,
  'closed-unverified': DETAIL_TYPES.actionClosedUnverified,
} as const;

/**
 * The event of the action's last history line, if that kind of change is published (reminders and
 * follow-ups sent are not). Reasons keep their kind and figures only (never a comment's keyword context).
 */
export function actionEvent(
  action: CorrectiveAction,
):
  | { detailType: Exclude<DetailType, typeof DETAIL_TYPES.responseSubmitted>; detail: ActionEventShape }
  | undefined {
  const last = action.history.at(-1);
  if (!last || !Object.hasOwn(EVENT_OF_HISTORY, last.event)) return undefined;
  const detailType = EVENT_OF_HISTORY[last.event as keyof typeof EVENT_OF_HISTORY];
  return {
    detailType,
    detail: {
      id: `${action.id}:${action.round}:${last.event}`,
      actionId: action.id,
      campaignId: action.campaignId,
      department: action.department,
      status: action.status,
      round: action.round,
      dueDate: action.dueDate,
      source: action.source.kind,
      anonymous: action.source.kind === 'response' && action.source.anonymous === true,
      reasons: action.reasons.map((r) =>
        r.kind === 'keyword' ? { kind: r.kind, keyword: r.keyword, question: r.question } : r,
      ),
      at: last.at,
      by: roleOf(action, last.by),
    },
  };
}

/**
 * Who made a change, as an event says it: `customer` and `csat` as recorded, a person by their role on the
 * action (`owner`, `customer-service`, `manager`), never their address (events may go anywhere).
 */
function roleOf(action: CorrectiveAction, by: string): string {
  if (by === 'customer' || by === 'csat') return by;
  const is = (list: ReadonlyArray<{ email: string }>) => list.some((r) => r.email === by);
  if (is(action.owners)) return 'owner';
  if (is(action.notify)) return 'customer-service';
  if (is(action.managers)) return 'manager';
  return 'staff';
}
