import type { ComposeMime } from '../domain/email/message.ts';
import type { BlobStore, Clock, Mailer, SurveyStore } from '../domain/ports.ts';
import { responsesCsv } from '../domain/report/csv.ts';
import { buildReport, reportJson, reportKeys } from '../domain/report/document.ts';
import { reportEmail } from '../domain/report/email.ts';
import { WaveNotFoundError } from '../domain/report/errors.ts';
import { reportHtml } from '../domain/report/html.ts';

export interface ReportDeps {
  store: SurveyStore;
  blobs: BlobStore;
  mailer: Mailer;
  compose: ComposeMime;
  clock: Clock;
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
  htmlUrl: string;
  /** Managers the digest was sent to. */
  emailed: number;
}

/** How long the emailed links work: the longest a SigV4 presigned URL may live (7 days). */
export const REPORT_LINK_SECONDS = 7 * 24 * 3600;

export const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

/**
 * Reports on one wave: computes its statistics, writes report.json, responses.csv and report.html
 * (overwriting an earlier run's, so running it again is safe), and emails the campaign's managers the
 * headline figures with presigned links. Everything is written before anything is sent, so a failed
 * write never announces a report that is not there.
 */
export async function generateReport(deps: ReportDeps, input: ReportInput): Promise<ReportResult> {
  const { store, blobs, mailer, compose, clock } = deps;
  const wave = input.waveId
    ? await store.getWave(input.campaignId, input.waveId)
    : (await store.listWaves(input.campaignId))[0];
  if (!wave) throw new WaveNotFoundError(input.campaignId, input.waveId);

  const invitations = await store.listInvitations(wave.waveId);
  const now = clock.now();
  const report = buildReport(wave, invitations, now);
  const keys = reportKeys(wave.campaignId, wave.waveId);
  await Promise.all([
    blobs.put(keys.json, reportJson(report), CONTENT_TYPES.json),
    blobs.put(keys.csv, responsesCsv(wave, invitations), CONTENT_TYPES.csv),
    blobs.put(keys.html, reportHtml(report), CONTENT_TYPES.html),
  ]);
  const [htmlUrl, csvUrl] = await Promise.all([
    blobs.presign(keys.html, REPORT_LINK_SECONDS),
    blobs.presign(keys.csv, REPORT_LINK_SECONDS),
  ]);

  const { sender, report: settings } = wave.campaign;
  const message = reportEmail({
    report,
    from: { name: sender.name[settings.language], address: sender.from },
    ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
    managers: settings.managers,
    htmlUrl,
    csvUrl,
    linksExpireAt: new Date(now.getTime() + REPORT_LINK_SECONDS * 1000),
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
