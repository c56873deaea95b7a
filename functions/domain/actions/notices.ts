import {
  type ActionNoticeKind,
  type ActionRecipient,
  type ActionSendJob,
  type CorrectiveAction,
  noticeKey,
} from './model.ts';

/**
 * Who gets an action's emails of one kind, in the order `ActionSendJob.recipient` indexes:
 * - `alert`: the owners, then customer service (`notify`);
 * - `owner-reminder`: the owners;
 * - `escalation`: the managers;
 * - `verify`: the customer (none on an anonymous campaign's or a target's action);
 * - `reopened`: the managers, then the owners.
 */
export function noticeRecipients(action: CorrectiveAction, kind: ActionNoticeKind): ActionRecipient[] {
  switch (kind) {
    case 'alert':
      return [...action.owners, ...action.notify];
    case 'owner-reminder':
      return [...action.owners];
    case 'escalation':
      return [...action.managers];
    case 'verify':
      return action.customer ? [{ email: action.customer.email, language: action.customer.language }] : [];
    case 'reopened':
      return [...action.managers, ...action.owners];
  }
}

/**
 * The action-link reference (links.ts) of the `index`-th recipient of a kind: `o{i}` an owner, `n{i}`
 * customer service, `m{i}` a manager; undefined for the customer (who gets follow-up links instead).
 */
export function recipientRef(
  action: CorrectiveAction,
  kind: ActionNoticeKind,
  index: number,
): `o${number}` | `n${number}` | `m${number}` | undefined {
  const owners = action.owners.length;
  const managers = action.managers.length;
  switch (kind) {
    case 'alert':
      return index < owners ? `o${index}` : `n${index - owners}`;
    case 'owner-reminder':
      return `o${index}`;
    case 'escalation':
      return `m${index}`;
    case 'reopened':
      return index < managers ? `m${index}` : `o${index - managers}`;
    case 'verify':
      return undefined;
  }
}

/** One job per recipient of a kind of email, in `round` (the action's current one unless given). */
export function noticeJobs(
  action: CorrectiveAction,
  kind: ActionNoticeKind,
  round = action.round,
): ActionSendJob[] {
  return noticeRecipients(action, kind).map((_, recipient) => ({
    actionId: action.id,
    notice: kind,
    round,
    recipient,
  }));
}

/** The jobs whose email nobody has claimed yet (notices): what a lost queueing left unsent. */
export const unclaimedJobs = (action: CorrectiveAction, jobs: ActionSendJob[]): ActionSendJob[] =>
  jobs.filter((j) => !Object.hasOwn(action.notices ?? {}, noticeKey(j.notice, j.round, j.recipient)));
