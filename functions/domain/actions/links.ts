import type { Language } from '../language.ts';
import { signPayload, verifyPayload } from '../token.ts';
import type { CorrectiveAction } from './model.ts';

/*
 * Links into an action, signed like report links (token.ts signPayload): unguessable, checked in constant
 * time before any read, expiring, and naming one action only.
 * - The action link (`/a/{token}`) names the action and the one recipient it was sent to (an owner, a
 *   customer-service address or a manager, by position), so the history says who did what.
 * - The follow-up link (`/v/{token}`) names the action and the round its question was asked in: an answer
 *   to an earlier round's question does nothing.
 */
export const RECIPIENT_ROLES = { o: 'owners', n: 'notify', m: 'managers' } as const;
export type RecipientRef = `${keyof typeof RECIPIENT_ROLES}${number}`;

const REF = /^([onm])(\d{1,2})$/;

/** The recipient a reference names on this action, if there is one. */
export function recipientOf(
  action: CorrectiveAction,
  ref: string,
): { email: string; language: Language; ref: RecipientRef } | undefined {
  const m = REF.exec(ref);
  if (!m) return undefined;
  const list = action[RECIPIENT_ROLES[m[1] as keyof typeof RECIPIENT_ROLES]];
  const r = list[Number(m[2])];
  return r ? { email: r.email, language: r.language, ref: ref as RecipientRef } : undefined;
}

export const signActionLink = (
  secret: string,
  actionId: string,
  ref: RecipientRef,
  expiresAt: Date,
): string => signPayload(secret, 'action', [actionId, ref], expiresAt);

/** The action and recipient a genuine, unexpired action link names. */
export function verifyActionLink(
  secret: string,
  token: unknown,
  now: Date,
): { actionId: string; ref: string } | undefined {
  const fields = verifyPayload(secret, 'action', token, now);
  if (fields?.length !== 2) return undefined;
  return { actionId: fields[0]!, ref: fields[1]! };
}

export const signVerifyLink = (secret: string, actionId: string, round: number, expiresAt: Date): string =>
  signPayload(secret, 'verify', [actionId, String(round)], expiresAt);

/** The action and round a genuine, unexpired follow-up link names. */
export function verifyVerifyLink(
  secret: string,
  token: unknown,
  now: Date,
): { actionId: string; round: number } | undefined {
  const fields = verifyPayload(secret, 'verify', token, now);
  if (fields?.length !== 2 || !/^\d{1,3}$/.test(fields[1]!)) return undefined;
  return { actionId: fields[0]!, round: Number(fields[1]) };
}
