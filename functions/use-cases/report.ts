import { AnonymousStandIns, asAnsweredInvitation, isAnonymous, minGroupSizeOf } from '../domain/anonymity.ts';
import type { ComposeMime } from '../domain/email/message.ts';
import type { Wave } from '../domain/model.ts';
import type { BlobStore, Clock, Mailer, SurveyStore } from '../domain/ports.ts';
import { waveResponsesWriter } from '../domain/report/csv.ts';
import { reportJson, reportKeys, waveReport } from '../domain/report/document.ts';
import { reportEmail } from '../domain/report/email.ts';
import { WaveNotFoundError } from '../domain/report/errors.ts';
import { reportHtml } from '../domain/report/html.ts';
import { WaveTally } from '../domain/report/wave-tally.ts';
import { withheldGroups } from '../domain/report/withholding.ts';
import { isDispatched } from '../domain/selection/dispatch-state.ts';
import { signReportLink } from '../domain/token.ts';
import type { ActionReportDeps } from './period-actions.ts';

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
  /** The closed loop (issue 12): period reports show its actions and open target actions. */
  actions?: ActionReportDeps;
}

export interface ReportInput {
  campaignId: string;
  /** The latest wave of the campaign when absent. */
  waveId?: string | undefined;
  /**
   * 'schedule': a run of the campaign's report schedule, which may have nothing to report (see
   * ReportSkipped). Absent: a person asked (CLI, console), and gets a report or an error.
   */
  trigger?: 'schedule' | undefined;
}

export interface ReportResult {
  campaignId: string;
  waveId: string;
  keys: { json: string; csv: string; html: string };
  /** The emailed link to report.html: `${PUBLIC_BASE_URL}/r/{token}`, working for REPORT_LINK_SECONDS. */
  htmlUrl: string;
  /** Managers the digest was sent to. */
  emailed: number;
  /** The wave had closed (its deadline passed), so these figures are its last; false for a progress report. */
  final: boolean;
}

/**
 * A scheduled run that wrote and sent nothing, because there is nothing new to report:
 * - `no-wave`: the campaign has not been dispatched yet (its report schedule may tick long before its
 *   first dispatch);
 * - `already-final`: the latest wave has closed and its final report went out at `finalReportAt`; the
 *   next wave's reports start once it is dispatched.
 * Not an error, so it neither retries nor raises the failed-runs alarm.
 */
export interface ReportSkipped {
  campaignId: string;
  skipped: 'no-wave' | 'already-final';
  /** With `already-final`: the closed wave. */
  waveId?: string;
  /** With `already-final`: when its final report was sent. */
  finalReportAt?: string;
}

export type ReportOutcome = ReportResult | ReportSkipped;

export const isSkipped = (outcome: object): outcome is ReportSkipped => 'skipped' in outcome;

/** One line for people (CLI, local stack log): what a run did. */
export function describeReportOutcome(outcome: ReportOutcome): string {
  if (!isSkipped(outcome)) {
    return `Report of ${outcome.campaignId}, wave ${outcome.waveId}${outcome.final ? ' (final)' : ''}: emailed to ${outcome.emailed} recipient(s).`;
  }
  return outcome.skipped === 'no-wave'
    ? `Nothing to report for ${outcome.campaignId}: no wave has been dispatched yet.`
    : `Nothing new to report for ${outcome.campaignId}: wave ${outcome.waveId} has closed and its final report went out at ${outcome.finalReportAt}.`;
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
 *
 * A report made after the wave's deadline is final (no answer can arrive any more): once it has been
 * emailed, the wave records `finalReportAt`. A scheduled run (`trigger: 'schedule'`) reports the latest
 * wave while it is open (progress), sends its final report on the first run after the deadline, and
 * then, as before the first wave, returns a ReportSkipped instead of the same report every time. A run
 * without a trigger always reports, and fails with WaveNotFoundError when there is no such wave.
 */
export async function generateReport(deps: ReportDeps, input: ReportInput): Promise<ReportOutcome> {
  const { store, blobs, mailer, compose, clock, links } = deps;
  const scheduled = input.trigger === 'schedule';
  const wave = input.waveId
    ? await store.getWave(input.campaignId, input.waveId)
    : // The latest wave with invitations: one still being dispatched, or empty, is not reported.
      (await store.listWaves(input.campaignId)).find(isDispatched);
  if (!wave) {
    if (scheduled && !input.waveId) return { campaignId: input.campaignId, skipped: 'no-wave' };
    throw new WaveNotFoundError(input.campaignId, input.waveId);
  }
  const now = clock.now();
  // Sends are claimed and answers saved only while `expiresAt > now`: at the deadline the wave is closed.
  const final = now.getTime() >= Date.parse(wave.deadline);
  if (scheduled && final && wave.finalReportAt) {
    return {
      campaignId: wave.campaignId,
      skipped: 'already-final',
      waveId: wave.waveId,
      finalReportAt: wave.finalReportAt,
    };
  }
  const secret = await links.secret();

  const tally = await tallyWave(store, wave);
  const report = waveReport(wave, tally, now);
  const keys = reportKeys(wave.campaignId, wave.waveId);
  await Promise.all([
    blobs.put(keys.json, reportJson(report), CONTENT_TYPES.json),
    blobs.putStream(keys.csv, responsesCsv(store, wave, tally), CONTENT_TYPES.csv),
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
  // Recorded only once the email is out: a run that fails before is retried and sends it then. A run
  // that fails after it (or a run alongside) may send the final report twice, never not at all.
  if (final) await store.markFinalReport(wave.campaignId, wave.waveId, now.toISOString());

  return {
    campaignId: wave.campaignId,
    waveId: wave.waveId,
    keys,
    htmlUrl,
    emailed: settings.managers.length,
    final,
  };
}

/**
 * The statistics of a wave, read a page of invitations at a time: memory holds a page and the sums
 * (WaveTally), whatever the wave's size. An anonymous campaign's answers are not on its invitations
 * (domain/anonymity.ts): its responses are read a page at a time too, each standing in for an invitation.
 */
export async function tallyWave(
  store: Pick<SurveyStore, 'invitationPages' | 'anonymousResponsePages'>,
  wave: Wave,
): Promise<WaveTally> {
  const tally = new WaveTally(wave.questionnaire, minGroupSizeOf(wave.campaign));
  if (!isAnonymous(wave.campaign)) {
    for await (const page of store.invitationPages(wave.waveId))
      for (const invitation of page) tally.addInvitation(invitation);
    return tally;
  }
  const standIns = new AnonymousStandIns();
  for await (const page of store.invitationPages(wave.waveId))
    for (const invitation of page) standIns.addInvitation(invitation);
  for await (const page of store.anonymousResponsePages(wave.waveId)) {
    for (const response of page) {
      standIns.take(response);
      tally.addInvitation(asAnsweredInvitation(response));
    }
  }
  for (const { department, invited, emailed } of standIns.remaining())
    tally.addUnanswered(department, invited, emailed);
  return tally;
}

/**
 * The wave's responses.csv as it is written (BlobStore.putStream): the header, then the rows of the
 * campaign's answers a page at a time (store.answeredPages, in answer order) between the first and the
 * last answer the tally saw, leaving out other waves' answers. An anonymous campaign's departments that
 * the tally withholds have no row.
 */
export async function* responsesCsv(
  store: Pick<SurveyStore, 'answeredPages'>,
  wave: Wave,
  tally: WaveTally,
): AsyncIterable<string> {
  const writer = waveResponsesWriter(
    wave,
    withheldGroups(tally.answeredByDepartment(), minGroupSizeOf(wave.campaign)),
  );
  yield writer.head;
  const between = tally.answeredBetween();
  if (!between) return;
  const until = new Date(Date.parse(between.last) + 1).toISOString();
  for await (const page of store.answeredPages(wave.campaignId, between.first, until)) {
    const rows = writer.rows(page.filter((i) => i.waveId === wave.waveId));
    if (rows !== '') yield rows;
  }
}
