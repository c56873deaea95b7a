import type { Clock, SurveyStore } from '../domain/ports.ts';
import { type Suppressions, suppressAddress } from './suppression.ts';

/**
 * What SES reports about an email sent through csat's configuration set, reduced to what decides
 * suppression. `invitationId` is the email's `csat-invitation` tag (send.ts INVITATION_TAG), if it had one.
 */
export type SesFeedback =
  | { kind: 'bounce'; bounceType: 'Permanent' | 'Transient' | 'Undetermined'; invitationId?: string }
  | { kind: 'complaint'; invitationId?: string };

export type SesFeedbackOutcome =
  /** The customer is suppressed now (or already was: the first time stays). */
  | 'suppressed'
  /** A transient or undetermined bounce: the address may work next time, so nothing changes. */
  | 'not-permanent'
  /** No invitation tag: not a survey email (a report to managers, say), or sent before tagging. */
  | 'untagged'
  /** The tag names no stored invitation (purged after the retention period, or another stack's). */
  | 'unknown-invitation'
  /** The invitation's customer is no longer in the directory (their address is suppressed all the same). */
  | 'unknown-customer';

/**
 * Stops all survey email to a customer whose address bounced permanently or who complained: SES's own
 * suppression list already drops the address, but csat must stop counting them as invited and stop
 * claiming them for waves. The invitation named by the tag says who the customer is; the address in the
 * event is never used, so a customer sharing an address with another is not suppressed by mistake.
 */
export async function recordSesFeedback(
  deps: { store: SurveyStore; clock: Clock; suppressions: Suppressions },
  feedback: SesFeedback,
): Promise<SesFeedbackOutcome> {
  if (feedback.kind === 'bounce' && feedback.bounceType !== 'Permanent') return 'not-permanent';
  if (!feedback.invitationId) return 'untagged';
  const invitation = await deps.store.getInvitation(feedback.invitationId);
  if (!invitation) return 'unknown-invitation';
  const at = deps.clock.now().toISOString();
  // The address the email went to (frozen on the invitation), for good: it outlives the customer item.
  const reason = feedback.kind === 'bounce' ? 'bounced' : 'complained';
  await suppressAddress(deps.suppressions, invitation.customer.email, reason, at);
  const done = await deps.store.suppressCustomer(invitation.customer.id, at);
  return done ? 'suppressed' : 'unknown-customer';
}
