import { type Language, toLanguage } from '../domain/language.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import { verifyToken } from '../domain/token.ts';
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
 * the customer. Idempotent; one conditional update, no read first.
 */
export async function unsubscribe(deps: UnsubscribeDeps, input: { token: string }): Promise<void> {
  const id = verifyToken(deps.secret, 'unsubscribe', input.token);
  if (!id) throw new LinkUnavailableError('bad-token');
  const outcome = await deps.store.unsubscribe(id, deps.clock.now().toISOString());
  if (outcome !== 'done') throw new LinkUnavailableError('unknown');
}
