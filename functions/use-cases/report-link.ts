import type { BlobStore, Clock } from '../domain/ports.ts';
import { type ReportLinkCheck, verifyReportLink } from '../domain/token.ts';

/**
 * How long the S3 URL a report link redirects to works: long enough to follow the redirect and download,
 * short enough that a copy of it (browser history, a forwarded address bar) soon stops working. Signed
 * per click, it never outlives the credentials that signed it.
 */
export const REPORT_REDIRECT_SECONDS = 5 * 60;

export interface ReportLinkDeps {
  blobs: Pick<BlobStore, 'presign'>;
  clock: Clock;
  /** The key that signs report links (the token secret). */
  secret: string;
}

/** The report link is malformed, forged, expired or names no report; the reason is for the logs. */
export class ReportLinkUnavailableError extends Error {
  constructor(readonly reason: Extract<ReportLinkCheck, { ok: false }>['reason']) {
    super(`report link unavailable: ${reason}`);
    this.name = 'ReportLinkUnavailableError';
  }
}

/**
 * Where a report link from a manager's email leads now: a fresh, short-lived S3 URL for the report file
 * it names. Reads and writes nothing, so a link scanner following it changes nothing. A HEAD request gets
 * a URL signed for HEAD: S3 signs the method, and a GET URL answers a HEAD with 403.
 */
export async function openReportLink(
  deps: ReportLinkDeps,
  input: { token: string; method?: 'GET' | 'HEAD' },
): Promise<{ key: string; location: string }> {
  const check = verifyReportLink(deps.secret, input.token, deps.clock.now());
  if (!check.ok) throw new ReportLinkUnavailableError(check.reason);
  return {
    key: check.key,
    location: await deps.blobs.presign(check.key, REPORT_REDIRECT_SECONDS, input.method),
  };
}
