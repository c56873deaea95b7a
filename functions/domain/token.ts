import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isReportKey } from './report/keys.ts';

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
/** The purpose is part of what is signed, so a token made for one purpose never passes for another. */
type MacPurpose = TokenPurpose | 'report-link' | 'opened' | 'suppression' | PayloadPurpose;
/** Links whose token carries its own fields and expiry (signPayload). */
export type PayloadPurpose = 'action' | 'verify';

/** Deterministic, opaque invitation id (128 bits of SHA-256 over wave and customer). */
export function invitationId(waveId: string, customerId: string): string {
  return createHash('sha256')
    .update(`${waveId}\u0000${customerId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

function mac(secret: string, purpose: MacPurpose, id: string, bytes = MAC_BYTES): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${id}`).digest().subarray(0, bytes);
}

/** An email address as suppression compares it: Unicode NFC, no surrounding blanks, lower case. */
export const normaliseAddress = (address: string): string => address.normalize('NFC').trim().toLowerCase();

/**
 * The key of an address's suppression record (domain/suppression.ts): the full HMAC-SHA256, base64url, of
 * the normalised address under the link key, for the purpose 'suppression'. Without the key it cannot be
 * reversed or matched against a list of addresses; with it, only an address already known can be checked.
 * Replacing the key therefore forgets every suppression (README: never replace the token secret).
 */
export function addressHash(secret: string, address: string): string {
  return mac(secret, 'suppression', normaliseAddress(address), 32).toString('base64url');
}

/** Constant-time check of a mac given as base64url text against the one `text` should carry. */
function macMatches(secret: string, purpose: MacPurpose, text: string, given: string): boolean {
  // Compare the text, not decoded bytes: the last base64url character carries 4 unused bits, so decoding
  // would accept 16 spellings of one mac.
  const expected = Buffer.from(mac(secret, purpose, text).toString('base64url'));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function signToken(secret: string, purpose: TokenPurpose, id: string): string {
  return `${id}.${mac(secret, purpose, id).toString('base64url')}`;
}

/** The invitation id a genuine token names, or undefined for anything else. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): string | undefined {
  if (typeof token !== 'string' || token.length !== 45) return undefined;
  const [id, given] = token.split('.');
  if (!id || !given || !ID_PATTERN.test(id) || !MAC_PATTERN.test(given)) return undefined;
  return macMatches(secret, purpose, id, given) ? id : undefined;
}

/*
 * The survey form carries the moment its page was served as `{epoch milliseconds}.{mac}`, the mac a 128-bit
 * HMAC-SHA256 of `{invitationId}:{milliseconds}` for the purpose 'opened'. Data cleaning measures the time
 * a customer took from it without the GET writing anything; the mac keeps a submit from claiming an
 * earlier opening (to look slow) or borrowing another invitation's.
 */
const OPENED_PATTERN = /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/;

/** The hidden form value recording that the page for invitation `id` was opened at `at`. */
export function signOpenedAt(secret: string, id: string, at: Date): string {
  const ms = at.getTime();
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError('an opening time needs a valid date');
  return `${ms}.${mac(secret, 'opened', `${id}:${ms}`).toString('base64url')}`;
}

/** When the page was opened, if `value` is a genuine opening time of invitation `id`; else undefined. */
export function verifyOpenedAt(secret: string, id: string, value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = OPENED_PATTERN.exec(value);
  if (!parts) return undefined;
  const ms = parts[1]!;
  // The mac covers the digits as written, so `007` never passes for a signed `7`.
  if (!macMatches(secret, 'opened', `${id}:${ms}`, parts[2]!)) return undefined;
  const at = new Date(Number(ms));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/*
 * Report links carry `{payload}.{mac}`: the payload is base64url of `{expiry epoch seconds}:{object key}`,
 * the mac a 128-bit HMAC-SHA256 of the payload's text under the same key as survey links, for the purpose
 * 'report-link'. Unlike a presigned S3 URL, which dies with the temporary credentials that signed it, the
 * link lives exactly as long as its expiry says; the survey page signs a fresh, short S3 URL per click.
 */
const MAX_REPORT_TOKEN_LENGTH = 2048;
const REPORT_TOKEN_PATTERN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/;
const REPORT_PAYLOAD_PATTERN = /^(\d{1,12}):(.+)$/s;

export type ReportLinkCheck =
  | { ok: true; key: string; expiresAt: Date }
  /** Why, for the logs only: the caller is told the same whatever it was. */
  | { ok: false; reason: 'malformed' | 'forged' | 'not-a-report' | 'expired' };

/** Signs a link to the report object `key` that works until `expiresAt` (to the second, rounded down). */
export function signReportLink(secret: string, key: string, expiresAt: Date): string {
  if (!isReportKey(key)) throw new RangeError(`a report link may only name a key under reports/: ${key}`);
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 999_999_999_999) {
    throw new RangeError('a report link needs a valid expiry time');
  }
  const payload = Buffer.from(`${seconds}:${key}`, 'utf8').toString('base64url');
  return `${payload}.${mac(secret, 'report-link', payload).toString('base64url')}`;
}

/** The report key a genuine, unexpired link names at `now`; otherwise why not. */
export function verifyReportLink(secret: string, token: string, now: Date): ReportLinkCheck {
  if (typeof token !== 'string' || token.length > MAX_REPORT_TOKEN_LENGTH) return refused('malformed');
  const parts = REPORT_TOKEN_PATTERN.exec(token);
  if (!parts) return refused('malformed');
  const payload = parts[1]!;
  const given = parts[2]!;
  // The mac covers the payload as written, so no other spelling of the same bytes passes either.
  if (!macMatches(secret, 'report-link', payload, given)) return refused('forged');
  const fields = REPORT_PAYLOAD_PATTERN.exec(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!fields) return refused('malformed');
  const seconds = fields[1]!;
  const key = fields[2]!;
  // Never signed, but a link must not reach outside reports/ even if one were.
  if (!isReportKey(key)) return refused('not-a-report');
  const expiresAt = new Date(Number(seconds) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return refused('expired');
  return { ok: true, key, expiresAt };
}

const refused = (reason: Extract<ReportLinkCheck, { ok: false }>['reason']): ReportLinkCheck => ({
  ok: false,
  reason,
});

/*
 * Action and follow-up links (domain/actions/links.ts) carry `{payload}.{mac}` like report links: the
 * payload is base64url of `{expiry epoch seconds}:{field}:{field}…`, the mac a 128-bit HMAC-SHA256 of the
 * payload's text for the link's purpose. Fields are ids: [A-Za-z0-9_-] only.
 */
const PAYLOAD_TOKEN_PATTERN = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{22})$/;
const FIELD_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function signPayload(
  secret: string,
  purpose: PayloadPurpose,
  fields: readonly string[],
  expiresAt: Date,
): string {
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 999_999_999_999) {
    throw new RangeError('a link needs a valid expiry time');
  }
  if (!fields.every((f) => FIELD_PATTERN.test(f))) throw new RangeError('link fields must be ids');
  const payload = Buffer.from([seconds, ...fields].join(':'), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, purpose, payload).toString('base64url')}`;
}

/** The fields of a genuine, unexpired payload token of `purpose` at `now`, or undefined for anything else. */
export function verifyPayload(
  secret: string,
  purpose: PayloadPurpose,
  token: unknown,
  now: Date,
): string[] | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = PAYLOAD_TOKEN_PATTERN.exec(token);
  if (!parts || !macMatches(secret, purpose, parts[1]!, parts[2]!)) return undefined;
  const [seconds, ...fields] = Buffer.from(parts[1]!, 'base64url').toString('utf8').split(':');
  if (!seconds || !/^\d{1,12}$/.test(seconds) || !fields.every((f) => FIELD_PATTERN.test(f)))
    return undefined;
  return now.getTime() < Number(seconds) * 1000 ? fields : undefined;
}
