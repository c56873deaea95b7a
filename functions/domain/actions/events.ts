import * as z from 'zod';
import type { DETAIL_TYPES, DetailType } from './event-types.ts';
import { ACTION_STATUSES } from './model.ts';

// Zod-free (event-types.ts): the report function publishes events and bundles no zod schemas.
export { actionEvent, DETAIL_TYPES, type DetailType, EVENT_SOURCE } from './event-types.ts';

/*
 * The events csat publishes on the default EventBridge bus, source `csat` (README "Events"), so that a rule
 * can route them to Slack, Jira or Zendesk with no code. Details carry ids, department, scores and reasons,
 * never a customer's name, address or comments: a rule's target may be anywhere. `id` in each detail is
 * stable for the transition, so a consumer can drop a repeat.
 */

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
