import type { ComposeMime } from '../domain/email/message.ts';
import type { BlobStore, Clock, Mailer, SurveyStore } from '../domain/ports.ts';
import { responsesCsv } from '../domain/report/csv.ts';
import { buildReport, reportJson, reportKeys } from '../domain/report/document.ts';
import { reportEmail } from '../domain/report/email.ts';
import { WaveNotFoundError } from '../domain/report/errors.ts';
import { reportHtml } from '../domain/report/html.ts';
import { signReportLink } from '../domain/token.ts';

export interface ReportDeps {
  store: SurveyStore;
  blobs: BlobStore;
  mailer: Mailer;
  compose: ComposeMime;
  clock: Clock;
  links: {
    /** The key that signs survey, unsubscribe and report links. */
    secret: () => Promise<string>;
    /** PUBLIC_BASE_URL: the origin of the survey page, which also answers report links (`/r/{token}`). */
    baseUrl: string;
  };
}

export interface ReportInput {
  campaignId: string;
  /** The latest wave of the campaign when absent. */
  waveId?: string | undefined;
}

export interface ReportResult {
  campaignId: string;
  waveId: string;
  keys: { json: string; csv: string; html: string };
  /** The emailed link to report.html: `${PUBLIC_BASE_URL}/r/{token}`, working for REPORT_LINK_SECONDS. */
  htmlUrl: string;
  /** Managers the digest was sent to. */
  emailed: number;
}

/**
 * How long the emailed links work: 7 days, as long as a SigV4 presigned URL may claim to live. They are
 * not presigned URLs, though: one signed with a Lambda role's temporary credentials stops working when
 * those expire, after hours. The link is a signed token instead, and each click gets a fresh, short one.
 */
export const REPORT_LINK_SECONDS = 7 * 24 * 3600;

export const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

/**
 * Reports on one wave: computes its statistics, writes report.json, responses.csv and report.html
 * (overwriting an earlier run's, so running it again is safe), and emails the campaign's managers the
 * headline figures with links to the HTML and the CSV (see REPORT_LINK_SECONDS). Everything is written
 * before anything is sent, so a failed write never announces a report that is not there.
 */
export async function generateReport(deps: ReportDeps, input: ReportInput): Promise<ReportResult> {
  const { store, blobs, mailer, compose, clock, links } = deps;
  const wave = input.waveId
    ? await store.getWave(input.campaignId, input.waveId)
    : (await store.listWaves(input.campaignId))[0];
  if (!wave) throw new WaveNotFoundError(input.campaignId, input.waveId);
  const secret = await links.secret();

  const invitations = await store.listInvitations(wave.waveId);
  const now = clock.now();
  const report = buildReport(wave, invitations, now);
  const keys = reportKeys(wave.campaignId, wave.waveId);
  await Promise.all([
    blobs.put(keys.json, reportJson(report), CONTENT_TYPES.json),
    blobs.put(keys.csv, responsesCsv(wave, invitations), CONTENT_TYPES.csv),
    blobs.put(keys.html, reportHtml(report), CONTENT_TYPES.html),
  ]);
  // Whole seconds, as the links carry it, so the email states exactly when they stop working.
  const linksExpireAt = new Date((Math.floor(now.getTime() / 1000) + REPORT_LINK_SECONDS) * 1000);
  const base = links.baseUrl.replace(/\/+$/, '');
  const link = (key: string) => `${base}/r/${signReportLink(secret, key, linksExpireAt)}`;
  const htmlUrl = link(keys.html);
  const csvUrl = link(keys.csv);

  const { sender, report: settings } = wave.campaign;
  const message = reportEmail({
    report,
    from: { name: sender.name[settings.language], address: sender.from },
    ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
    managers: settings.managers,
    htmlUrl,
    csvUrl,
    linksExpireAt,
    now,
  });
  await mailer.send(await compose(message));

  return {
    campaignId: wave.campaignId,
    waveId: wave.waveId,
    keys,
    htmlUrl,
    emailed: settings.managers.length,
  };
}
