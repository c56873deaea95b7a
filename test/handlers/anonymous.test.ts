import { randomUUID } from 'node:crypto';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import { anonymousResponseId } from '../../functions/domain/anonymity.ts';
import { commentField } from '../../functions/domain/form-fields.ts';
import type { Wave } from '../../functions/domain/model.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import type { ReportDocument } from '../../functions/domain/report/document.ts';
import type { ShownPeriodReport } from '../../functions/domain/report/period-withholding.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { handler as remindHandler } from '../../functions/handlers/remind/index.ts';
import { handler as reportHandler } from '../../functions/handlers/report/index.ts';
import { handler as sendHandler } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import { type PeriodReportResult, periodKeys } from '../../functions/use-cases/period-report.ts';
import type { RemindResult } from '../../functions/use-cases/remind.ts';
import type { ReportResult } from '../../functions/use-cases/report.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { dispatchNow as dispatch } from '../support/dispatch-now.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  queuedSendJobs,
  type Route,
  seedCustomers,
  sqsEvent,
  sqsRecord,
  testStore,
  testSuppressions,
} from '../support/fixtures.ts';
import { allAt, demoCampaign, itss, MIXED, ratingFields } from '../support/programme.ts';
import { scanBucket, scanTable } from '../support/scan.ts';

/*
 * An anonymous campaign end to end on the emulators: dispatched, emailed by the send handler, answered
 * through the survey-page handler, reminded by the remind handler, reported by the report handler. Then
 * the whole table and bucket are scanned for any path from a stored response back to its customer.
 * east-region: 8 invited, 6 answer; north-region: 2 invited, 2 answer (a group under 5: withheld).
 */
const TAG = randomUUID().slice(0, 8);
const MANAGER = `anon-manager-${TAG}@staff.example`;
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const SECRET = process.env.TOKEN_SECRET!;
const store = testStore();

// Mon 2 June 2025 09:00 in Shanghai (a holiday there: the reminders count working days from Tue 3 June).
const T0 = Date.parse('2025-06-02T01:00:00.000Z');
const FIRST_ANSWER = T0 + 86_400_000 + 3_723_000; // Tue 3 June, 02:02:03 UTC
const campaign = {
  ...demoCampaign,
  anonymous: true,
  report: { ...demoCampaign.report, managers: [MANAGER], language: 'en' as const },
};

const pad = (n: number) => String(n).padStart(2, '0');
const customers: Customer[] = Array.from({ length: 10 }, (_, i) => ({
  id: `anon-${TAG}-c${pad(i)}`,
  name: `Anonymity Tester ${TAG} ${pad(i)}`,
  email: `anon-${TAG}-${pad(i)}@example.test`,
  language: i % 2 === 0 ? 'en' : 'zh-CN',
  department: i < 8 ? 'east-region' : 'north-region',
}));
// c00–c05 (east) and c08, c09 (north) answer; c06 and c07 (east) do not.
const ANSWERING = [0, 1, 2, 3, 4, 5, 8, 9];

const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await surveyPage(httpEvent(route, options), lambdaContext())) as HttpResult;

async function mailsTo(to: string): Promise<ParsedMail[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return Promise.all(
    all
      .filter((m) => m.to.includes(to))
      .map(async (m) => {
        const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(m.id)}/raw`);
        return simpleParser(Buffer.from(await raw.arrayBuffer()));
      }),
  );
}

const surveyTokenOf = (mail: ParsedMail): string =>
  /https:\/\/survey\.example\.test\/s\/([\w.-]+)/.exec(mail.text ?? '')![1]!;

const hiddenFields = (page: string | undefined): Record<string, string> =>
  Object.fromEntries(
    [...(page ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );

/** Sends every queued job through the send handler, one batch. */
async function deliverQueued(): Promise<number> {
  const jobs = await queuedSendJobs(QUEUE_URL);
  if (jobs.length > 0) await sendHandler(sqsEvent(...jobs.map((j) => sqsRecord(j))), lambdaContext());
  return jobs.length;
}

/** Every ISO instant written in a text. */
const instantsIn = (text: string): string[] =>
  [...text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?/g)].map((m) => m[0]);

let wave: Wave;
const tokens = new Map<number, string>();
const pages = new Map<number, HttpResult>();
const invites = new Map<number, ParsedMail>();
let remindResult: RemindResult;
const reminded = new Map<number, ParsedMail[]>();
let report: ReportDocument;
let period: ShownPeriodReport;
let periodFiles: { csv: string; html: string; north: ShownPeriodReport; northCsv: string };
let csv: string;
let html: string;
let digest: ParsedMail;

describe('anonymous campaign, end to end', () => {
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
    await seedCustomers(customers);
    const queue = new SqsSendQueue(sqsClient(), QUEUE_URL);
    const dispatched = await dispatch(
      { store, queue, clock: { now: () => new Date() }, suppressions: testSuppressions() },
      { campaign, questionnaire: itss, scheduledTime: new Date(T0) },
    );
    wave = (await store.getWave(campaign.id, dispatched.waveId))!;
    vi.setSystemTime(T0 + 60_000);
    await deliverQueued();
    for (const [i, c] of customers.entries()) {
      const [mail] = await mailsTo(c.email);
      invites.set(i, mail!);
      tokens.set(i, surveyTokenOf(mail!));
    }

    // Answers at different times of day over three days, one with a comment per department.
    for (const [k, i] of ANSWERING.entries()) {
      const token = tokens.get(i)!;
      vi.setSystemTime(FIRST_ANSWER + k * 7 * 3_600_000 + k * 61_000);
      const page = await call('GET /s/{token}', { token });
      pages.set(i, page);
      vi.setSystemTime(FIRST_ANSWER + k * 7 * 3_600_000 + k * 61_000 + 42_000);
      const form = {
        ...hiddenFields(page.body),
        ...ratingFields(k % 2 ? MIXED : allAt('satisfied')),
        ...(k === 0 || k === 7 ? { [commentField('suggestions')]: `comment number ${k}` } : {}),
      };
      const post = await call('POST /s/{token}', { token, form });
      expect(post.statusCode).toBe(200);
    }

    // Mon 9 June: three working days after the invitation; c06 and c07 are due a reminder.
    vi.setSystemTime(Date.parse('2025-06-09T02:00:00.000Z'));
    remindResult = (await remindHandler({ campaignId: campaign.id }, lambdaContext())) as RemindResult;
    await deliverQueued();
    for (const [i, c] of customers.entries()) reminded.set(i, (await mailsTo(c.email)).slice(1));

    vi.setSystemTime(Date.parse('2025-06-10T02:00:00.000Z'));
    const result = (await reportHandler(
      { campaignId: campaign.id, waveId: wave.waveId },
      lambdaContext(),
    )) as ReportResult;
    // The quarter's report too, from the daily rollups: its files must hold no customer either.
    const quarter = (await reportHandler(
      { campaignId: campaign.id, period: '2025-Q2' },
      lambdaContext(),
    )) as PeriodReportResult;
    const bucket = await scanBucket();
    period = JSON.parse(bucket.get(quarter.keys.json)!) as ShownPeriodReport;
    const northKeys = periodKeys(campaign.id, '2025-Q2', 'north-region');
    periodFiles = {
      csv: bucket.get(quarter.keys.csv)!,
      html: bucket.get(quarter.keys.html)!,
      north: JSON.parse(bucket.get(northKeys.json)!) as ShownPeriodReport,
      northCsv: bucket.get(northKeys.csv)!,
    };
    report = JSON.parse(bucket.get(result.keys.json)!) as ReportDocument;
    csv = bucket.get(result.keys.csv)!;
    html = bucket.get(result.keys.html)!;
    digest = (await mailsTo(MANAGER))[0]!;
  });

  afterAll(() => {
    vi.useRealTimers();
  });

  it('should store each answer apart from its invitation, with nothing that leads back to the customer', async () => {
    const items = await scanTable();
    const responses = items.filter((i) => String(i.pk).startsWith('ARESP#'));
    expect(responses).toHaveLength(ANSWERING.length);
    const secrets = customers.flatMap((c) => [c.id, c.email, c.name, invitationId(wave.waveId, c.id)]);
    for (const item of responses) {
      for (const [name, value] of Object.entries(item)) {
        const text = JSON.stringify(value);
        for (const s of secrets) expect(text, `${name} holds ${s}`).not.toContain(s);
        // No time finer than the day: every instant is a midnight UTC, the expiry a whole day.
        for (const at of instantsIn(text)) expect(at, name).toMatch(/T00:00:00\.000Z$/);
      }
      expect(Number(item.purgeAt) % 86_400).toBe(0);
      expect(item.response).not.toHaveProperty('cleaning.secondsTaken');
      expect(Object.keys(item).sort()).toEqual(
        [
          'campaignId',
          'department',
          'gsi1pk',
          'gsi1sk',
          'gsi2pk',
          'gsi2sk',
          'id',
          'pk',
          'purgeAt',
          'response',
          'sk',
          'waveId',
        ].sort(),
      );
    }
    // The response's id is the HMAC of its invitation's: only the secret's holder can pair them.
    const ids = new Set(responses.map((r) => r.id));
    for (const i of ANSWERING) {
      expect(ids.has(anonymousResponseId(SECRET, invitationId(wave.waveId, customers[i]!.id)))).toBe(true);
    }
  });

  it('should leave nothing on an invitation that tells whether its customer answered', async () => {
    const items = await scanTable();
    const ofWave = customers.map(
      (c) => items.find((x) => x.pk === `INV#${invitationId(wave.waveId, c.id)}`)!,
    );
    // What an invitation holds apart from its ids and its customer; of its steps, which were claimed (every
    // one of them got remind-1's claim: the answered ones' were never sent) and which kept a message id.
    // gsi1pk names the wave's shard the id falls in (dynamo-keys.ts): derived from the id, as the others.
    const ids = new Set(['pk', 'sk', 'id', 'gsi1pk', 'gsi1sk', 'gsi2sk', 'customer']);
    const shape = (item: Record<string, unknown>): string =>
      JSON.stringify(
        Object.entries(item)
          .filter(([name]) => !ids.has(name))
          .map(([name, value]) =>
            name === 'sent' || name === 'messageIds'
              ? [name, Object.keys(value as object).sort()]
              : [name, value],
          )
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
    const answered = new Set(ANSWERING.map((i) => shape(ofWave[i]!)));
    const notAnswered = new Set(ofWave.filter((_, i) => !ANSWERING.includes(i)).map(shape));
    expect([...answered]).toEqual([...notAnswered]);
    expect(answered.size).toBe(1);
    for (const i of ANSWERING) {
      const item = ofWave[i]!;
      expect(item).not.toHaveProperty('answered');
      expect(item).not.toHaveProperty('response');
      // Every instant on it was written before anyone answered, is the fixed expiry, or is the reminder
      // claim every invitation of the wave got the same day.
      const { 'remind-1': claimed, ...sent } = item.sent as Record<string, string>;
      expect(claimed).toMatch(/^2025-06-09T/);
      for (const at of instantsIn(JSON.stringify({ ...item, sent }))) {
        expect(Date.parse(at) < FIRST_ANSWER || at === item.expiresAt, at).toBe(true);
      }
    }
  });

  it('should remind those who have not answered, and only them', () => {
    // The sweep cannot tell who answered (nothing on an invitation says so): it queues all ten, and the
    // send step, which looks the response up, emails only the two who did not.
    expect(remindResult.waves[0]).toMatchObject({ queued: { 'remind-1': 10 } });
    for (const i of ANSWERING) expect(reminded.get(i)).toHaveLength(0);
    for (const i of [6, 7]) expect(reminded.get(i)).toHaveLength(1);
  });

  it('should tell the customer the survey is anonymous, in their language, in the email and on the page', () => {
    const en = 'This survey is anonymous: your answers are stored apart from your name and email';
    const zh = '本调查为匿名调查：您的回答与您的姓名、邮箱分开保存';
    for (const [i, mail] of invites) {
      const notice = customers[i]!.language === 'en' ? en : zh;
      expect(mail.text).toContain(notice);
      expect(mail.html).toContain(notice);
    }
    expect(reminded.get(6)![0]!.text).toContain(en);
    expect(reminded.get(7)![0]!.text).toContain(zh);
    expect(pages.get(0)!.body).toContain(en);
    expect(pages.get(1)!.body).toContain(zh);
  });

  it('should count every response in the totals and withhold the department of two', () => {
    const s = report.statistics;
    expect(report.anonymous).toEqual({ minGroupSize: 5 });
    expect(s).toMatchObject({ invited: 10, answered: 8, returnRate: 0.8 });
    // north-region is small; east-region, the only other, goes too: the totals minus it would be north's.
    expect(s.departments).toEqual([]);
    expect(s.withheldDepartments).toEqual({ count: 2, note: 'withheld: fewer than 5 responses' });
    expect(s.comments).toEqual([]);
    expect(JSON.stringify(report)).not.toMatch(/north-region|east-region|comment number/);
  });

  it('should count in the campaign status what the wave and period reports count', async () => {
    const status = await getCampaignStatus({ store }, { campaignId: campaign.id });
    expect(status).toMatchObject({ invited: 10, emailed: 10, answered: 8, returnRate: 0.8 });
    expect(status.departments).toEqual([
      expect.objectContaining({ department: 'east-region', invited: 8, emailed: 8, answered: 6 }),
      expect.objectContaining({ department: 'north-region', invited: 2, emailed: 2, answered: 2 }),
    ]);
    expect(report.statistics).toMatchObject({ invited: status.invited, answered: status.answered });
    expect(period.statistics).toMatchObject({ invited: status.invited, answered: status.answered });
  });

  it('should write responses.csv with no customer column and no row of a withheld department', () => {
    const rows = csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(rows).toHaveLength(1);
    expect(csv).not.toMatch(/north-region|east-region|comment number/);
  });

  it('should count the withheld departments in report.html, naming none, nor in the digest', () => {
    expect(html).toContain(
      '<tr class="withheld"><td>2</td><td colspan="4">withheld: fewer than 5 responses</td></tr>',
    );
    expect(html).not.toMatch(/north-region|east-region|comment number/);
    expect(digest.text).not.toMatch(/north-region|east-region|comment number/);
  });

  it('should count the anonymous answers in the period report, dated by their day', () => {
    expect(period.statistics).toMatchObject({ invited: 10, answered: 8 });
    // Anonymous answers record no reminder: the reminder effect is not available, not all "invitation alone".
    expect(period.statistics.reminders).toBeNull();
    for (const c of period.statistics.comments) expect(c.answeredAt).toMatch(/T00:00:00\.000Z$/);
  });

  it('should withhold the department of two from the period report, its files and its head’s report', () => {
    expect(period.withheld).toEqual({
      note: 'withheld: fewer than 5 responses',
      minGroupSize: 5,
      departments: 2,
      segments: [],
      comments: false,
      scope: false,
      trend: [],
    });
    expect(period.statistics.departments).toEqual([]);
    expect(period.statistics.comments).toEqual([]);
    const rows = periodFiles.csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(rows).toHaveLength(1);
    expect(periodFiles.csv).not.toMatch(/north-region|east-region/);
    expect(periodFiles.html).toContain(
      '<p class="note withheld">Departments: 2 — withheld: fewer than 5 responses</p>',
    );
    expect(periodFiles.html).not.toMatch(/north-region|east-region|comment number/);
    // The north head's own report: counts only, no rows.
    expect(periodFiles.north.withheld?.scope).toBe(true);
    expect(periodFiles.north.statistics).toMatchObject({ invited: 2, answered: 2, meanTotal: null });
    expect(periodFiles.north.statistics.categories).toEqual([]);
    expect(
      periodFiles.northCsv
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean),
    ).toHaveLength(1);
  });

  it('should leave no customer or invitation id, email or name anywhere in the bucket', async () => {
    const bucket = await scanBucket();
    expect(bucket.size).toBeGreaterThan(0);
    for (const [key, body] of bucket) {
      for (const c of customers) {
        for (const s of [c.id, c.email, c.name, invitationId(wave.waveId, c.id)])
          expect(body, `${key} holds ${s}`).not.toContain(s);
      }
    }
  });
});
