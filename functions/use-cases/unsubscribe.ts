import { type Language, toLanguage } from '../domain/language.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import { verifyToken } from '../domain/token.ts';
import { type Suppressions, suppressAddress } from './suppression.ts';
import { invitationFor, LinkUnavailableError } from './survey.ts';

export interface UnsubscribeDeps {
  store: SurveyStore;
  clock: Clock;
  /** The key unsubscribe links are signed with. */
  secret: string;
}

/**
 * GET /u/{token}: what the confirmation page needs. Changes nothing, since link scanners fetch every URL
 * in an email. Works whether or not the survey was answered or has expired.
 */
export async function openUnsubscribe(
  deps: UnsubscribeDeps,
  input: { token: string; language?: Language },
): Promise<{ language: Language; alreadyUnsubscribed: boolean }> {
  const invitation = await invitationFor(deps, 'unsubscribe', input.token);
  return {
    language: input.language ?? toLanguage(invitation.customer.language),
    alreadyUnsubscribed: Boolean(invitation.unsubscribedAt),
  };
}

/**
 * POST /u/{token} (the confirmation form or an RFC 8058 one-click POST): unsubscribes the invitation and
 * the customer, and puts the address the invitation went to on the suppression list, which outlives the
 * customer item (a re-import a year later still finds it), written first. Idempotent: one read, then
 * conditional updates.
 */
export async function unsubscribe(
  deps: UnsubscribeDeps & { suppressions: Suppressions },
  input: { token: string },
): Promise<void> {
  const id = verifyToken(deps.secret, 'unsubscribe', input.token);
  if (!id) throw new LinkUnavailableError('bad-token');
  const at = deps.clock.now().toISOString();
  // The permanent record first: if a later write fails, the POST fails (a one-click POST may never be
  // retried), but the address is already on the list that dispatch, remind and send consult.
  const invitation = await deps.store.getInvitation(id);
  if (!invitation) throw new LinkUnavailableError('unknown');
  await suppressAddress(deps.suppressions, invitation.customer.email, 'unsubscribed', at);
  if (!(await deps.store.unsubscribe(id, at))) throw new LinkUnavailableError('unknown');
}
