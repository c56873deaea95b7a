import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Survey and unsubscribe links carry `{invitationId}.{mac}`: the invitation id and a 128-bit HMAC-SHA256
 * of it under a secret key. Nothing about a token is stored; it is recomputed, so a reminder can carry the
 * same link and a repeated dispatch yields the same one. Forged or mistyped tokens are rejected before any
 * database read, and the comparison runs in constant time.
 */
const MAC_BYTES = 16;
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const MAC_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export type TokenPurpose = 'survey' | 'unsubscribe';

/** Deterministic, opaque invitation id (128 bits of SHA-256 over wave and customer). */
export function invitationId(waveId: string, customerId: string): string {
  return createHash('sha256')
    .update(`${waveId}\u0000${customerId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

function mac(secret: string, purpose: TokenPurpose, id: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${id}`).digest().subarray(0, MAC_BYTES);
}

export function signToken(secret: string, purpose: TokenPurpose, id: string): string {
  return `${id}.${mac(secret, purpose, id).toString('base64url')}`;
}

/** The invitation id a genuine token names, or undefined for anything else. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): string | undefined {
  if (typeof token !== 'string' || token.length !== 45) return undefined;
  const [id, given] = token.split('.');
  if (!id || !given || !ID_PATTERN.test(id) || !MAC_PATTERN.test(given)) return undefined;
  // Compare the text, not decoded bytes: the last base64url character carries 4 unused bits, so decoding
  // would accept 16 spellings of one mac.
  const expected = Buffer.from(mac(secret, purpose, id).toString('base64url'));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? id : undefined;
}
