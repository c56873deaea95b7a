import * as z from 'zod';
import { ACTION_STATUSES, type CorrectiveAction } from './model.ts';

/*
 * The events csat publishes on the default EventBridge bus, source `csat` (README "Events"), so that a rule
 * can route them to Slack, Jira or Zendesk with no code. Details carry ids, department, scores and reasons,
 * never a customer's name, address or comments: a rule's target may be anywhere. `id` in each detail is
 * stable for the transition, so a consumer can drop a repeat.
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

const Reason = z.object({ kind: z.enum(['total-below', 'rating', 'keyword', 'contact-request', 'target']) });

/** The detail of `Response Submitted`. An anonymous campaign's carries no invitation id. */
export const ResponseSubmittedDetail = z.strictObject({
  id: z.string(),
  campaignId: z.string(),
  waveId: z.string(),
  invitationId: z.string().optional(),
  anonymous: z.boolean(),
  department: z.string(),
  answeredAt: z.string(),
  total: z.number(),
  grade: z.enum(['A', 'B', 'C', 'D', 'E']),
  flagged: z.boolean(),
  /** The action it opened, if it triggered one. */
  actionId: z.string().optional(),
});
export type ResponseSubmittedDetail = z.infer<typeof ResponseSubmittedDetail>;

/** The detail of every `Action …` event. */
export const ActionEventDetail = z.strictObject({
  id: z.string(),
  actionId: z.string(),
  campaignId: z.string(),
  department: z.string(),
  status: z.enum(ACTION_STATUSES),
  round: z.number().int().min(0),
  dueDate: z.string(),
  source: z.enum(['response', 'target']),
  anonymous: z.boolean(),
  reasons: z.array(Reason.loose()),
  at: z.string(),
  /** Who made the change: an owner's address, `customer` or `csat`. */
  by: z.string(),
});
export type ActionEventDetail = z.infer<typeof ActionEventDetail>;

export type CsatEvent =
  | { detailType: typeof DETAIL_TYPES.responseSubmitted; detail: ResponseSubmittedDetail }
  | { detailType: Exclude<DetailType, typeof DETAIL_TYPES.responseSubmitted>; detail: ActionEventDetail };

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
export function actionEvent(action: CorrectiveAction): CsatEvent | undefined {
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
      by: last.by,
    },
  };
}
