import { anonymousResponseId } from '../domain/anonymity.ts';
import type { SurveyStore } from '../domain/ports.ts';
import type { Suppressions } from './suppression.ts';

/**
 * Which of these invitations of an anonymous campaign were answered: their response ids, computed with
 * the link key, looked up in batches. Nothing stored says so otherwise (domain/anonymity.ts).
 */
export async function answeredAnonymously(
  deps: { store: Pick<SurveyStore, 'anonymousResponsesAmong'>; suppressions: Pick<Suppressions, 'secret'> },
  invitationIds: readonly string[],
): Promise<Set<string>> {
  if (invitationIds.length === 0) return new Set();
  const secret = await deps.suppressions.secret();
  const byResponse = new Map(invitationIds.map((id) => [anonymousResponseId(secret, id), id]));
  const found = await deps.store.anonymousResponsesAmong([...byResponse.keys()]);
  return new Set([...found].map((r) => byResponse.get(r)!));
}
