import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Language } from '../domain/language.ts';
import type { Wave } from '../domain/model.ts';
import type { BlobStore, Clock, SurveyStore } from '../domain/ports.ts';
import { periodResponsesWriter } from '../domain/report/csv.ts';
import { keysInLanguage } from '../domain/report/keys.ts';
import { byCodeUnits } from '../domain/report/statistics.ts';
import { periodKeys } from './period-keys.ts';
import type { PeriodFigures } from './period-report.ts';
import { CONTENT_TYPES } from './report.ts';

/**
 * The answer times to list the waves' answers between: nothing is answered before its wave starts or after
 * its deadline (nor after now). From the UTC midnight of the earliest wave's day, not its createdAt: an
 * anonymous answer is dated by its UTC day's midnight, so one given on a wave's first day is dated before
 * the wave started (rows of other waves that range takes in are left out by their wave id).
 */
export function answeredBounds(
  waves: ReadonlyArray<Pick<Wave, 'createdAt' | 'deadline'>>,
  now: Date,
): { from: string; until: string } {
  const first = waves.map((w) => w.createdAt).sort(byCodeUnits)[0]!;
  const last = waves
    .map((w) => w.deadline)
    .sort(byCodeUnits)
    .at(-1)!;
  const until = Math.min(new Date(last).getTime(), now.getTime()) + 1;
  return { from: `${first.slice(0, 10)}T00:00:00.000Z`, until: new Date(until).toISOString() };
}

/**
 * The period's responses.csv, for the whole campaign and for each of `departments`: the auditors' raw
 * export lists every response, so it is the one part of a report that reads O(responses) — in one pass
 * over the period's answers a page at a time (store.answeredPages), each page's rows streamed into every
 * file at once, so memory holds a page and an upload part per file whatever the period's size. Each is in
 * `language` (the campaign's report language, under the plain key); `translations` are more files, each
 * of the whole campaign (no department) or of one department, in another language (under its tagged
 * key, keysInLanguage) for the recipients who read that one.
 * Returns how many answered invitations it read.
 */
export async function writePeriodResponses(
  deps: { store: SurveyStore; blobs: BlobStore; clock: Clock },
  figures: PeriodFigures,
  options: {
    language: Language;
    departments: string[];
    translations?: ReadonlyArray<{ department?: string | undefined; language: Language }>;
    /** An anonymous campaign's withheld departments (period-withholding.ts): none of their rows anywhere. */
    withheld?: { departments: ReadonlySet<string> };
  },
): Promise<number> {
  const { store, blobs, clock } = deps;
  const { waves, latest } = figures;
  const wanted = [
    ...[undefined, ...options.departments].map((department) => ({ department, language: options.language })),
    ...(options.translations ?? []).filter((t) => t.language !== options.language),
  ].filter(
    // One file per key: two heads of a department who read the same language share theirs.
    (file, i, all) =>
      all.findIndex((f) => f.department === file.department && f.language === file.language) === i,
  );
  const files = wanted.map(({ department, language }) => {
    const channel = new PassThrough({ objectMode: true, highWaterMark: 4 });
    const keys = periodKeys(latest.campaignId, figures.period.key, department);
    return {
      writer: periodResponsesWriter(waves, {
        language,
        department,
        departmentNames: latest.campaign.departments,
        ...(options.withheld ? { withheld: options.withheld } : {}),
      }),
      channel,
      done: blobs.putStream(keysInLanguage(keys, language, options.language).csv, channel, CONTENT_TYPES.csv),
    };
  });
  const send = async (channel: PassThrough, text: string) => {
    if (text !== '' && !channel.write(text)) await once(channel, 'drain');
  };
  let read = 0;
  const feed = async () => {
    for (const f of files) await send(f.channel, f.writer.head);
    if (waves.length > 0) {
      const { from, until } = answeredBounds(waves, clock.now());
      for await (const page of store.answeredPages(latest.campaignId, from, until)) {
        read += page.length;
        for (const f of files) await send(f.channel, f.writer.rows(page));
      }
    }
    for (const f of files) f.channel.end();
  };
  try {
    await Promise.all([feed(), ...files.map((f) => f.done)]);
  } catch (e) {
    for (const f of files) f.channel.destroy(e as Error);
    throw e;
  }
  return read;
}
