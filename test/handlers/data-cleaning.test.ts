import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import type { Wave } from '../../functions/domain/model.ts';
import type { ReportDocument } from '../../functions/domain/report/document.ts';
import { handler as reportHandler } from '../../functions/handlers/report/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import type { ReportResult } from '../../functions/use-cases/report.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { allAt, demoCampaign, MIXED, ratingFields } from '../support/programme.ts';

/*
 * Data cleaning end to end, on the real survey-page and report handlers against the emulators, with the
 * clock fixed: a page is opened (GET), answered some seconds later (POST), then the wave is reported.
 * Rules: straight-lining within 30 s, too fast under 10 s.
 */
const TAG = randomUUID().slice(0, 8);
const MANAGER = `cleaning-${TAG}@staff.example`;
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const store = testStore();
const T0 = Date.parse('2025-06-02T02:00:00.000Z');

const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await surveyPage(httpEvent(route, options), lambdaContext())) as HttpResult;

/** The hidden fields of the page, as a browser sends them back. */
const hiddenFields = (page: string | undefined): Record<string, string> =>
  Object.fromEntries(
    [...(page ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );

let wave: Wave;

/**
 * Opens the survey at T0 + openAt seconds and submits `ratings` at T0 + submitAt seconds, with the page's
 * hidden fields changed by `tamper`. Returns the invitation id and the POST's result.
 */
async function answer(
  ratings: Record<string, string>,
  openAt: number,
  submitAt: number,
  tamper: (hidden: Record<string, string>) => Record<string, string> = (h) => h,
): Promise<{ id: string; page: HttpResult; post: HttpResult }> {
  const { invitation, surveyToken } = await seedInvitation(wave, {
    customer: { language: 'en' },
    sent: { invite: wave.createdAt },
  });
  vi.setSystemTime(T0 + openAt * 1000);
  const page = await call('GET /s/{token}', { token: surveyToken });
  vi.setSystemTime(T0 + submitAt * 1000);
  const form = { ...tamper(hiddenFields(page.body)), ...ratingFields(ratings) };
  const post = await call('POST /s/{token}', { token: surveyToken, form });
  return { id: invitation.id, page, post };
}

describe('data cleaning through the survey page and the report', () => {
  const ids: Record<string, string> = {};
  const posts: Record<string, HttpResult> = {};
  let report: ReportDocument;
  let csv: string;
  let mail: string;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const createdAt = new Date(T0 - 3600_000).toISOString();
    wave = await seedWave({
      createdAt,
      deadline: new Date(T0 + 14 * 86_400_000).toISOString(),
      campaign: {
        ...demoCampaign,
        report: { ...demoCampaign.report, managers: [MANAGER], language: 'en' },
        cleaning: {
          rules: [
            { kind: 'straight-lining', withinSeconds: 30 },
            { kind: 'too-fast', minSeconds: 10 },
          ],
        },
      },
    });
    const runs = {
      // Every item alike, 5 s after opening: straight-lining and too fast.
      rushed: () => answer(allAt('very-satisfied'), 0, 5),
      // Every item alike but after 60 s: a customer may well be that happy. Counted (100, A).
      sameButSlow: () => answer(allAt('very-satisfied'), 10, 70),
      // Mixed, 45 s: counted (77, C).
      mixed: () => answer(MIXED, 0, 45),
      // Opened 5 s before the submit, but claiming an opening an hour earlier under the same mac.
      forged: () =>
        answer(allAt('dissatisfied'), 100, 105, (h) => ({
          ...h,
          opened: h.opened!.replace(/^\d+/, String(T0 + 100_000 - 3600_000)),
        })),
      // The opening time stripped from the form.
      stripped: () =>
        answer(allAt('dissatisfied'), 200, 205, (h) => {
          const { opened: _, ...rest } = h;
          return rest;
        }),
    };
    for (const [name, run] of Object.entries(runs)) {
      const { id, post } = await run();
      ids[name] = id;
      posts[name] = post;
    }

    vi.setSystemTime(T0 + 600_000);
    const result = (await reportHandler(
      { campaignId: wave.campaignId, waveId: wave.waveId },
      lambdaContext(),
    )) as ReportResult;
    const s3 = await s3Client();
    const read = async (key: string) =>
      (
        await (
          await s3.send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }))
        ).Body!
      ).transformToString('utf8');
    report = JSON.parse(await read(result.keys.json)) as ReportDocument;
    csv = await read(result.keys.csv);
    const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
    const message = all.find((m) => m.to.includes(MANAGER))!;
    mail = await (await fetch(`${SES}/api/messages/${encodeURIComponent(message.id)}/raw`)).text();
  });

  afterAll(() => {
    vi.useRealTimers();
  });

  it('should thank every customer the same way, flagged or not', () => {
    for (const post of Object.values(posts)) {
      expect(post.statusCode).toBe(200);
      expect(post.body).toContain('<h1>Thank you for your feedback</h1>');
    }
  });

  it('should write nothing on GET, carrying the signed opening time in the form instead', async () => {
    const { invitation, surveyToken } = await seedInvitation(wave, { sent: { invite: wave.createdAt } });
    const before = await store.getInvitation(invitation.id);
    vi.setSystemTime(T0 + 300_000);
    const page = await call('GET /s/{token}', { token: surveyToken });
    expect(hiddenFields(page.body).opened).toMatch(new RegExp(`^${T0 + 300_000}\\.[\\w-]{22}$`));
    expect(await store.getInvitation(invitation.id)).toEqual(before);
  });

  it('should keep the first opening time on a form shown again with errors', async () => {
    const { invitation, surveyToken } = await seedInvitation(wave, { sent: { invite: wave.createdAt } });
    vi.setSystemTime(T0 + 400_000);
    const first = hiddenFields((await call('GET /s/{token}', { token: surveyToken })).body);
    vi.setSystemTime(T0 + 403_000);
    const { 'r-quality': _, ...incomplete } = ratingFields(MIXED);
    const again = await call('POST /s/{token}', { token: surveyToken, form: { ...first, ...incomplete } });
    expect(again.statusCode).toBe(422);
    const hidden = hiddenFields(again.body);
    expect(hidden.opened).toBe(first.opened);

    vi.setSystemTime(T0 + 440_000);
    await call('POST /s/{token}', { token: surveyToken, form: { ...hidden, ...ratingFields(MIXED) } });
    expect((await store.getInvitation(invitation.id))?.response?.cleaning).toEqual({
      flags: [],
      secondsTaken: 40,
    });
  });

  it('should store each response with its flags and the seconds taken', async () => {
    const cleaning = async (name: string) => (await store.getInvitation(ids[name]!))?.response?.cleaning;
    expect(await cleaning('rushed')).toEqual({ flags: ['straight-lining', 'too-fast'], secondsTaken: 5 });
    expect(await cleaning('sameButSlow')).toEqual({ flags: [], secondsTaken: 60 });
    expect(await cleaning('mixed')).toEqual({ flags: [], secondsTaken: 45 });
    expect(await cleaning('forged')).toEqual({ flags: ['unverifiable-timing'] });
    expect(await cleaning('stripped')).toEqual({ flags: ['unverifiable-timing'] });
    // Kept whole, scored as any other.
    expect((await store.getInvitation(ids.rushed!))?.response).toMatchObject({
      ratings: allAt('very-satisfied'),
      total: 100,
      grade: 'A',
    });
  });

  it('should leave flagged responses out of the report’s figures, and count them', () => {
    // Counted: sameButSlow 100, mixed 77 → 88.5 (B). Answered: all 5 of 5 invited.
    expect(report.statistics).toMatchObject({
      invited: 5,
      answered: 5,
      cleaned: 3,
      excluded: 0,
      returnRate: 1,
      meanTotal: 88.5,
      grade: 'B',
      ratedAnswers: 14,
    });
    expect(report.statistics.cleaningFlags).toEqual([
      { flag: 'straight-lining', count: 1 },
      { flag: 'too-fast', count: 1 },
      { flag: 'unverifiable-timing', count: 2 },
    ]);
    expect(report.cleaning?.rules).toHaveLength(2);
  });

  it('should list every response in the CSV, flagging the excluded ones', () => {
    const lines = csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines).toHaveLength(6);
    const row = (name: string) => lines.find((l) => l.startsWith(ids[name]!)) ?? '';
    expect(row('rushed')).toMatch(/,every item at the same level and answered quickly; answered too fast$/);
    expect(row('forged')).toMatch(/,answer time unverifiable$/);
    expect(row('stripped')).toMatch(/,answer time unverifiable$/);
    expect(row('mixed')).toMatch(/,$/);
  });

  it('should tell the managers how many were excluded', () => {
    expect(mail.replace(/=\r?\n/g, '')).toContain('3 response(s) excluded by data cleaning');
  });
});
