import { localDateOf, startOfLocalDate } from '../domain/calendar/working-days.ts';
import type { Language } from '../domain/language.ts';
import type { Wave } from '../domain/model.ts';
import type { BlobStore, Clock, SurveyStore } from '../domain/ports.ts';
import { WaveNotFoundError } from '../domain/report/errors.ts';
import { keysInLanguage, type ReportKeys } from '../domain/report/keys.ts';
import { withDepartmentNames } from '../domain/report/people.ts';
import {
  addDays,
  daysFrom,
  type Period,
  parsePeriod,
  periodOf,
  periodsBefore,
} from '../domain/report/period.ts';
import { periodDigestEmail } from '../domain/report/period-email.ts';
import { periodReportHtml } from '../domain/report/period-html.ts';
import {
  cohortOf,
  inPeriod,
  type PeriodReportDocument,
  type RollupEntry,
} from '../domain/report/period-report.ts';
import { withheldDepartmentsOf, withholdPeriod } from '../domain/report/period-withholding.ts';
import {
  type DayRollup,
  mergedEntries,
  mergeEntries,
  ROLLUP_SCHEMA,
  rollupEntries,
} from '../domain/report/rollup.ts';
import { byCodeUnits } from '../domain/report/statistics.ts';
import { isDispatched } from '../domain/selection/dispatch-state.ts';
import { signReportLink } from '../domain/token.ts';
import { forEachLimited } from './concurrency.ts';
import { actionsOfReports } from './period-actions.ts';
import { periodDocument, unwithheldDocument } from './period-document.ts';
import { periodKeys, periodRollupKey, rollupKey } from './period-keys.ts';
import { writePeriodResponses } from './period-responses.ts';
import type { PeriodReportResult } from './period-result.ts';
import { CONTENT_TYPES, REPORT_LINK_SECONDS, type ReportDeps } from './report.ts';
import { targetActions } from './target-actions.ts';

export { periodDocument } from './period-document.ts';
export { departmentKey, periodKeys, periodRollupKey, rollupKey } from './period-keys.ts';
export { writePeriodResponses } from './period-responses.ts';
export type { PeriodReportResult } from './period-result.ts';

/** How many earlier periods the trend shows. */
export const TREND_PERIODS = 5;

/** A day is closed this long after its local midnight: an answer stamped 23:59:59 may be written a little later. */
export const CLOSE_GRACE_MS = 15 * 60 * 1000;

const READ_CONCURRENCY = 16;

export interface PeriodSource {
  store: SurveyStore;
  blobs: BlobStore;
  clock: Clock;
}

/** A closed period's tallies, merged once from its days' rollups (gatherPeriod). */
export interface PeriodRollup {
  schemaVersion: typeof ROLLUP_SCHEMA;
  campaignId: string;
  period: string;
  /** The ids of the waves it was made from, sorted. */
  waves: string[];
  /** The entries of the period's cohorts, in entryOrder. */
  entries: RollupEntry[];
}

const waveIds = (waves: Wave[]): string[] => waves.map((w) => w.waveId).sort(byCodeUnits);

const sameWaves = (ids: string[] | undefined, waves: Wave[]): boolean =>
  ids !== undefined && ids.join('\u0000') === waveIds(waves).join('\u0000');

export interface PeriodFigures {
  period: Period;
  waves: Wave[];
  /**
   * The tallies of the period's waves (and of the trend's periods'), one per cohort, department and segment:
   * the rollups of every day they could be answered on, merged.
   */
  entries: RollupEntry[];
  previous: Array<{ period: Period; waves: Wave[]; entries: RollupEntry[] }>;
  /** The latest wave of the campaign: its snapshot gives the settings and names. */
  latest: Wave;
  /** Days whose rollup this run computed (closed days nobody had rolled up yet). */
  rolledUp: string[];
  /** Periods read from their own rollup (closed ones: none of their days was read). */
  fromPeriodRollups: string[];
  /** Responses read one by one: those of days not closed yet (today's). */
  liveResponses: number;
}

/**
 * Gathers what a period's report needs, reading O(days + today's responses): the campaign's waves; for
 * the period and each trend period, its own rollup if it is closed, else the rollup of every closed day
 * from its first wave to its last deadline, and today's answers. A closed day without a rollup (nobody
 * reported since) is rolled up now and stored: it never changes again, so every later report reads it
 * instead of its responses. Likewise a period that is over and whose last deadline day has closed is
 * stored merged (periodRollupKey), so the trends of the periods after it read one object, not its days.
 */
export async function gatherPeriod(
  deps: PeriodSource,
  input: { campaignId: string; period?: string | undefined },
): Promise<PeriodFigures> {
  const { store, blobs, clock } = deps;
  const now = clock.now();
  // Waves still being dispatched, or empty, count for nothing yet.
  const all = (await store.listWaves(input.campaignId)).filter(isDispatched);
  const latest = all[0];
  if (!latest) throw new WaveNotFoundError(input.campaignId, undefined);
  const campaign = latest.campaign;
  const tz = campaign.report.schedule.timeZone;
  const today = localDateOf(now, tz);
  const period = input.period
    ? parsePeriod(input.period)
    : periodOf(campaign.report.period ?? 'month', addDays(today, -1));
  const previousPeriods = periodsBefore(period, TREND_PERIODS);
  const wavesOf = (p: Period): Wave[] =>
    all.filter((w) => {
      const day = localDateOf(new Date(w.createdAt), tz);
      return day >= p.first && day <= p.last;
    });
  const waves = wavesOf(period);
  const earlier = previousPeriods.map((p) => ({ period: p, waves: wavesOf(p) }));
  const rolledUp: string[] = [];
  const fromPeriodRollups: string[] = [];
  // Merged as they are read: a report holds one tally per cohort, department and segment, not one per day.
  const merged = new Map<string, RollupEntry>();
  // A closed period's tallies were merged once into its own rollup: read that instead of its days.
  const open: Array<{ period: Period; waves: Wave[] }> = [];
  await forEachLimited(
    [{ period, waves }, ...earlier].filter((p) => p.waves.length > 0),
    READ_CONCURRENCY,
    async (p) => {
      const stored = await blobs.find(periodRollupKey(input.campaignId, p.period.key));
      const rollup = stored === undefined ? undefined : (JSON.parse(stored) as PeriodRollup);
      // Made from exactly these waves: a wave the rollup does not know of (a clock set back, a time zone
      // changed) makes it stale.
      if (rollup?.schemaVersion === ROLLUP_SCHEMA && sameWaves(rollup.waves, p.waves)) {
        mergeEntries(merged, rollup.entries, () => true);
        fromPeriodRollups.push(p.period.key);
      } else open.push(p);
    },
  );
  const isClosed = (day: string) =>
    now.getTime() >= startOfLocalDate(addDays(day, 1), tz).getTime() + CLOSE_GRACE_MS;
  const relevant = open.flatMap((p) => p.waves);
  const cohorts = new Set(relevant.map((w) => cohortOf(w, tz)));
  const relevantCohort = (cohort: string) => cohorts.has(cohort);
  let liveResponses = 0;
  if (relevant.length > 0) {
    const wavesById = new Map(all.map((w) => [w.waveId, w]));
    const first = relevant.map((w) => localDateOf(new Date(w.createdAt), tz)).sort(byCodeUnits)[0]!;
    const lastDeadline = relevant
      .map((w) => localDateOf(new Date(w.deadline), tz))
      .sort(byCodeUnits)
      .at(-1)!;
    // biome-ignore lint/complexity/useMathMinMax: ISO dates as strings; Math.min would turn them into NaN.
    const last = lastDeadline < today ? lastDeadline : today;
    const closed: string[] = [];
    const openDays: string[] = [];
    for (const day of daysFrom(first, last)) (isClosed(day) ? closed : openDays).push(day);
    await forEachLimited(closed, READ_CONCURRENCY, async (day) => {
      const key = rollupKey(input.campaignId, day);
      const stored = await blobs.find(key);
      let rollup = stored === undefined ? undefined : (JSON.parse(stored) as DayRollup);
      // A rollup of an older schema is made again, from the same answers (the day is still closed).
      if (rollup?.schemaVersion !== ROLLUP_SCHEMA) {
        const answered = await store.listAnswered(
          input.campaignId,
          startOfLocalDate(day, tz).toISOString(),
          startOfLocalDate(addDays(day, 1), tz).toISOString(),
        );
        rollup = {
          schemaVersion: ROLLUP_SCHEMA,
          campaignId: input.campaignId,
          day,
          responses: answered.length,
          entries: rollupEntries(wavesById, answered, tz),
        };
        await blobs.put(key, `${JSON.stringify(rollup)}\n`, CONTENT_TYPES.json);
        rolledUp.push(day);
      }
      mergeEntries(merged, rollup.entries, relevantCohort);
    });
    if (openDays.length > 0) {
      const answered = await store.listAnswered(
        input.campaignId,
        startOfLocalDate(openDays[0]!, tz).toISOString(),
        now.toISOString(),
      );
      liveResponses = answered.length;
      mergeEntries(merged, rollupEntries(wavesById, answered, tz), relevantCohort);
    }
  }
  const entries = mergedEntries(merged);
  // A period that is over and whose waves can no longer be answered (the day of its last deadline
  // closed) never changes again: its merged tallies are stored, and later reports' trends read that.
  for (const p of open) {
    const lastDay = p.waves
      .map((w) => localDateOf(new Date(w.deadline), tz))
      .sort(byCodeUnits)
      .at(-1)!;
    // Over (no wave can be dispatched in it any more) and answered for good.
    if (!isClosed(p.period.last) || !isClosed(lastDay)) continue;
    const rollup: PeriodRollup = {
      schemaVersion: ROLLUP_SCHEMA,
      campaignId: input.campaignId,
      period: p.period.key,
      waves: waveIds(p.waves),
      entries: entries.filter((e) => inPeriod(e.cohort, p.period)),
    };
    await blobs.put(
      periodRollupKey(input.campaignId, p.period.key),
      `${JSON.stringify(rollup)}\n`,
      CONTENT_TYPES.json,
    );
  }
  return {
    period,
    waves,
    entries,
    previous: earlier.map((e) => ({ ...e, entries })),
    latest,
    rolledUp: rolledUp.sort(byCodeUnits),
    fromPeriodRollups: fromPeriodRollups.sort(byCodeUnits),
    liveResponses,
  };
}

/**
 * Reports a period (by default the one holding yesterday, of the campaign's `report.period` kind): writes
 * report.json, responses.csv and report.html for the whole campaign and for each department, then emails
 * the managers the campaign's digest and each department head their department's only, in their
 * language, with links (REPORT_LINK_SECONDS) to their own files — report.html and responses.csv in that
 * language too (a head who reads another than report.language gets them under keysInLanguage's tagged
 * keys; one report.json). Everything is written before anything is sent; running it again rewrites the same files (same bytes apart from generatedAt).
 */
export async function generatePeriodReport(
  deps: ReportDeps,
  input: { campaignId: string; period?: string | undefined },
): Promise<PeriodReportResult> {
  const figures = await gatherPeriod(deps, input);
  const { doc, minGroupSize } = unwithheldDocument(figures, { now: deps.clock.now() });
  const overall = withholdPeriod(doc, minGroupSize);
  const { report } = figures.latest.campaign;
  await writePeriodResponses(deps, figures, {
    language: report.language,
    withheld: { departments: withheldDepartmentsOf(doc, minGroupSize) },
    departments: [
      ...new Set([
        ...overall.statistics.departments.map((d) => d.department),
        ...(report.departmentHeads ?? []).map((h) => h.department),
      ]),
    ],
    // A department head who reads another language gets their department's CSV in it.
    translations: (report.departmentHeads ?? []).map((h) => ({
      department: h.department,
      language: h.language ?? report.language,
    })),
  });
  const result = await publishPeriodReport(deps, figures, overall);
  const now = deps.clock.now();
  // Withheld departments are not in `overall`, and a withheld department's own report judges nothing.
  const own = (department: string) => {
    const shown = periodDocument(figures, { now, department });
    return shown.withheld?.scope ? undefined : shown;
  };
  const targets = await targetActions({ actions: deps.actions, now }, figures, overall, own);
  return { ...result, ...(deps.actions ? { targetActions: targets } : {}) };
}

/**
 * The part of a period report that reads O(days): report.json and report.html of the campaign (`overall`,
 * periodDocument of the figures) and of each department, then the digests. responses.csv
 * (writePeriodResponses) must be written first: the digests link to it.
 */
export async function publishPeriodReport(
  deps: ReportDeps,
  figures: PeriodFigures,
  overall: PeriodReportDocument,
): Promise<PeriodReportResult> {
  const { blobs, mailer, compose, clock, links } = deps;
  const now = clock.now();
  const campaign = figures.latest.campaign;
  const language = campaign.report.language;
  const period = figures.period.key;
  const departments = overall.statistics.departments.map((d) => d.department);
  const heads = campaign.report.departmentHeads ?? [];
  const withActions = await actionsOfReports(deps, figures, now);
  // As published: with the actions, and the display names of the departments it shows.
  const finished = (shown: PeriodReportDocument) =>
    withDepartmentNames(withActions(shown), campaign.departments);
  const write = async (shown: PeriodReportDocument, department?: string) => {
    const keys = periodKeys(figures.latest.campaignId, period, department);
    const doc = finished(shown);
    await Promise.all([
      blobs.put(keys.json, `${JSON.stringify(doc, null, 2)}\n`, CONTENT_TYPES.json),
      blobs.put(keys.html, periodReportHtml(doc), CONTENT_TYPES.html),
    ]);
    return keys;
  };
  const keys = await write(overall);
  const departmentKeys = new Map<string, ReportKeys>();
  await forEachLimited(departments, 4, async (department) => {
    departmentKeys.set(department, await write(periodDocument(figures, { now, department }), department));
  });

  // Every head's files before the first email: a failed write retries the run before anyone is told.
  const headFiles: Array<{ email: string; doc: PeriodReportDocument; files: { csv: string; html: string } }> =
    [];
  for (const head of heads) {
    // A head of a department with no invitations in the period still gets its (empty) files.
    const files =
      departmentKeys.get(head.department) ??
      (await write(periodDocument(figures, { now, department: head.department }), head.department));
    departmentKeys.set(head.department, files);
    const headLanguage = head.language ?? language;
    const doc = periodDocument(figures, { now, department: head.department, language: headLanguage });
    // Theirs in their language: report.html and responses.csv (writePeriodResponses) under tagged keys.
    const own = keysInLanguage(files, headLanguage, language);
    if (own.html !== files.html)
      await blobs.put(own.html, periodReportHtml(finished(doc)), CONTENT_TYPES.html);
    headFiles.push({ email: head.email, doc, files: own });
  }

  const secret = await links.secret();
  const linksExpireAt = new Date((Math.floor(now.getTime() / 1000) + REPORT_LINK_SECONDS) * 1000);
  const base = links.baseUrl.replace(/\/+$/, '');
  const link = (key: string) => `${base}/r/${signReportLink(secret, key, linksExpireAt)}`;
  const { sender } = campaign;
  const from = (lang: Language) => ({ name: sender.name[lang], address: sender.from });
  const digest = (report: PeriodReportDocument, to: string[], files: { csv: string; html: string }) =>
    periodDigestEmail({
      report: finished(report),
      from: from(report.language),
      ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
      to,
      htmlUrl: link(files.html),
      csvUrl: link(files.csv),
      linksExpireAt,
      now,
    });
  await mailer.send(await compose(digest(overall, campaign.report.managers, keys)));
  let emailed = campaign.report.managers.length;
  for (const head of headFiles) {
    await mailer.send(await compose(digest(head.doc, [head.email], head.files)));
    emailed += 1;
  }
  return {
    campaignId: figures.latest.campaignId,
    period,
    keys,
    htmlUrl: link(keys.html),
    departments,
    emailed,
    final: overall.period.final,
    rolledUp: figures.rolledUp,
    liveResponses: figures.liveResponses,
  };
}
