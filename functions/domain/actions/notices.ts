import type { ActionNoticeKind, ActionRecipient, CorrectiveAction } from './model.ts';

/**
 * The recipients of a kind of action email, in the order an ActionSendJob's `recipient` indexes them
 * (the issue-12 contract): alert → owners then customer service; owner-reminder → owners; escalation →
 * managers; verify → the customer (none on an anonymous or a target's action); reopened → managers then
 * owners.
 */
export function noticeRecipients(action: CorrectiveAction, kind: ActionNoticeKind): ActionRecipient[] {
  switch (kind) {
    case 'alert':
      return [...action.owners, ...action.notify];
    case 'owner-reminder':
      return action.owners;
    case 'escalation':
      return action.managers;
    case 'verify':
      return action.customer ? [action.customer] : [];
    case 'reopened':
      return [...action.managers, ...action.owners];
  }
}
