import { localDateOf } from '../domain/calendar/index.ts';
import { fromLocal } from '../domain/calendar/zoned-time.ts';
import type { Language } from '../domain/language.ts';
import type { Wave } from '../domain/model.ts';
import type { BlobStore, Clock, SurveyStore } from '../domain/ports.ts';
import { REPORTS_PREFIX } from '../domain/report/document.ts';
import { WaveNotFoundError } from '../domain/report/errors.ts';
import {
  addDays,
  daysFrom,
  type Period,
  parsePeriod,
  periodOf,
  periodsBefore,
} from '../domain/report/period.ts';
import {
  buildPeriodReport,
  type PeriodReportDocument,
  type RollupEntry,
} from '../domain/report/period-report.ts';
import { type DayRollup, rollupEntries } from '../domain/report/rollup.ts';
import { byCodeUnits } from '../domain/report/statistics.ts';
import { forEachLimited } from './dispatch.ts';

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

/** Where a period's files live; a department's under departments/{id}, the id its name in base64url. */
export function periodKeys(
  campaignId: string,
  period: string,
  department?: string,
): { json: string; csv: string; html: string } {
  const scope = department === undefined ? '' : `/departments/${departmentKey(department)}`;
  const prefix = `${REPORTS_PREFIX}${campaignId}/${period}${scope}`;
  return { json: `${prefix}/report.json`, csv: `${prefix}/responses.csv`, html: `${prefix}/report.html` };
}

/** A department name as one key segment of letters, digits, `-` and `_` (any name, any script). */
export const departmentKey = (department: string): string =>
  Buffer.from(department, 'utf8').toString('base64url');

/** The rollup of a day: under reports/ so the report function's write and read policies cover it. */
export const rollupKey = (campaignId: string, day: string): string =>
  `${REPORTS_PREFIX}${campaignId}/rollups/${day}.json`;

/** The instant a local day starts in a time zone. */
const dayStart = (day: string, timeZone: string): Date => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return fromLocal({ year, month, day: date, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
};

export interface PeriodFigures {
  period: Period;
  waves: Wave[];
  /** Rollup entries of every day the period's waves could be answered on (and of the trend's periods). */
  entries: RollupEntry[];
  previous: Array<{ period: Period; waves: Wave[]; entries: RollupEntry[] }>;
  /** The latest wave of the campaign: its snapshot gives the settings and names. */
  latest: Wave;
  /** Days whose rollup this run computed (closed days nobody had rolled up yet). */
  rolledUp: string[];
  /** Responses read one by one: those of days not closed yet (today's). */
  liveResponses: number;
}

/**
 * Gathers what a period's report needs, reading O(days + today's responses): the campaign's waves, the
 * rollup of every closed day from the first wave of the earliest trend period to the last deadline, and
 * today's answers. A closed day without a rollup (nobody reported since) is rolled up now and stored:
 * it never changes again, so every later report reads it instead of its responses.
 */
export async function gatherPeriod(
  deps: PeriodSource,
  input: { campaignId: string; period?: string | undefined },
): Promise<PeriodFigures> {
  const { store, blobs, clock } = deps;
  const now = clock.now();
  const all = await store.listWaves(input.campaignId);
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
  const relevant = [...waves, ...earlier.flatMap((e) => e.waves)];
  const byId = new Map(relevant.map((w) => [w.waveId, w]));

  const rolledUp: string[] = [];
  const entries: RollupEntry[] = [];
  let liveResponses = 0;
  if (relevant.length > 0) {
    const first = relevant.map((w) => localDateOf(new Date(w.createdAt), tz)).sort(byCodeUnits)[0]!;
    const lastDeadline = relevant
      .map((w) => localDateOf(new Date(w.deadline), tz))
      .sort(byCodeUnits)
      .at(-1)!;
    const last = lastDeadline < today ? lastDeadline : today;
    const closed: string[] = [];
    const open: string[] = [];
    for (const day of daysFrom(first, last)) {
      if (now.getTime() >= dayStart(addDays(day, 1), tz).getTime() + CLOSE_GRACE_MS) closed.push(day);
      else open.push(day);
    }
    const wavesById = new Map(all.map((w) => [w.waveId, w]));
    await forEachLimited(closed, READ_CONCURRENCY, async (day) => {
      const key = rollupKey(input.campaignId, day);
      const stored = await blobs.find(key);
      let rollup: DayRollup;
      if (stored !== undefined) {
        rollup = JSON.parse(stored) as DayRollup;
      } else {
        const answered = await store.listAnswered(
          input.campaignId,
          dayStart(day, tz).toISOString(),
          dayStart(addDays(day, 1), tz).toISOString(),
        );
        rollup = {
          schemaVersion: 1,
          campaignId: input.campaignId,
          day,
          responses: answered.length,
          entries: rollupEntries(wavesById, answered),
        };
        await blobs.put(key, `${JSON.stringify(rollup)}\n`, 'application/json; charset=utf-8');
        rolledUp.push(day);
      }
      entries.push(...rollup.entries.filter((e) => byId.has(e.waveId)));
    });
    if (open.length > 0) {
      const answered = await store.listAnswered(
        input.campaignId,
        dayStart(open[0]!, tz).toISOString(),
        now.toISOString(),
      );
      liveResponses = answered.length;
      entries.push(...rollupEntries(byId, answered));
    }
  }
  return {
    period,
    waves,
    entries,
    previous: earlier.map((e) => ({ ...e, entries })),
    latest,
    rolledUp: rolledUp.sort(byCodeUnits),
    liveResponses,
  };
}

/** The report document of the gathered period, for the whole campaign or one department. */
export function periodDocument(
  figures: PeriodFigures,
  options: { now: Date; language?: Language; department?: string },
): PeriodReportDocument {
  const campaign = figures.latest.campaign;
  return buildPeriodReport({
    campaignId: figures.latest.campaignId,
    campaign,
    period: figures.period,
    waves: figures.waves,
    entries: figures.entries,
    previous: figures.previous,
    department: options.department,
    now: options.now,
    language: options.language ?? campaign.report.language,
  });
}
