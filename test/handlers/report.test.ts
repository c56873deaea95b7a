import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type ParsedMail, simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import { localDateOf } from '../../functions/domain/calendar/index.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { findCampaign } from '../../functions/domain/programme.ts';
import type { ReportDocument } from '../../functions/domain/report/document.ts';
import { addDays, periodOf } from '../../functions/domain/report/period.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { verifyReportLink } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/report/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import type { PeriodReportResult } from '../../functions/use-cases/period-report.ts';
import { REPORT_LINK_SECONDS, type ReportResult } from '../../functions/use-cases/report.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { programme } from '../../programme/index.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { type HttpResult, httpEvent, lambdaContext, testStore } from '../support/fixtures.ts';
import { demoCampaign } from '../support/programme.ts';

/* The local SES mailbox is shared by every test file running at once: only look at this file's addresses. */
const TAG = randomUUID().slice(0, 8);
const MANAGERS = [`boss-${TAG}@staff.example`, `quality-${TAG}@staff.example`];
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const BUCKET = process.env.BUCKET_NAME!;
const s3: S3Client = await s3Client();
const store = testStore();

const LATEST = 'demo-20250701T0100';
const OLDER = 'demo-20250401T0100';

async function mailToManagers(): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.some((to) => MANAGERS.includes(to)));
}

async function parse(message: StoredMessage): Promise<ParsedMail> {
  const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(message.id)}/raw`);
  return simpleParser(Buffer.from(await raw.arrayBuffer()));
}

async function getObject(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { bytes: Buffer.from(await out.Body!.transformToByteArray()), contentType: out.ContentType };
}

async function reportKeysInBucket(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/' }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/**
 * A wave of report-fixture.ts. The demo campaign reports by quarter (its report.period), so the runs of
 * its schedule make period reports; after-delivery reports by wave.
 */
async function seed(waveId: string, createdAt: string, campaignId = 'demo'): Promise<Wave> {
  const template = reportWave({ waveId, managers: MANAGERS, language: 'en' });
  const campaign = findCampaign(programme, campaignId)!;
  const wave = {
    ...template,
    campaignId,
    ...(campaignId === 'demo'
      ? {}
      : {
          campaign: {
            ...campaign,
            report: { ...campaign.report, managers: MANAGERS, language: 'en' as const },
          },
        }),
    createdAt,
    deadline: new Date(Date.parse(createdAt) + 14 * 86_400_000).toISOString(),
  };
  await store.putWave(wave);
  for (const invitation of reportInvitations(wave)) await store.putInvitation(invitation);
  return wave;
}

const run = (event: unknown) => handler(event, lambdaContext());

/** A run that must report (not skip): the report's result. */
async function runReport(event: unknown): Promise<ReportResult> {
  const result = await run(event);
  expect(result).not.toHaveProperty('skipped');
  return result as ReportResult;
}

const REPORT_LINK = /^https:\/\/survey\.example\.test\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22})$/;

/** Clicks a report link: GET /r/{token} through the survey-page handler, then the redirect it answers. */
async function follow(link: string): Promise<Response> {
  const token = REPORT_LINK.exec(link)?.[1];
  expect(token, link).toBeDefined();
  const res = (await surveyPage(
    httpEvent('GET /r/{token}', { token: token! }),
    lambdaContext(),
  )) as HttpResult;
  expect(res.statusCode).toBe(302);
  return fetch(res.headers!.location as string);
}

describe('report handler', () => {
  it.each([
    ['by quarter', 'demo'],
    ['by wave', 'after-delivery'],
  ])(
    'should skip a scheduled run before the first wave of a campaign reporting %s: no error to retry or alarm on, nothing written or sent',
    async (_kind, campaignId) => {
      // Act
      const result = await run({ campaignId, trigger: 'schedule' });

      // Assert
      expect(result).toEqual({ campaignId, skipped: 'no-wave' });
      expect(await reportKeysInBucket()).toEqual([]);
      expect(await mailToManagers()).toEqual([]);
    },
  );

  it('should refuse a campaign without any wave, writing and sending nothing', async () => {
    await expect(run({ campaignId: 'demo' })).rejects.toThrow(
      'campaign "demo" has no wave yet: nothing to report',
    );
    expect(await reportKeysInBucket()).toEqual([]);
    expect(await mailToManagers()).toEqual([]);
  });

  describe('with waves', () => {
    let result: ReportResult;

    beforeAll(async () => {
      await seed(OLDER, '2025-04-01T01:00:00.000Z');
      await seed(LATEST, '2025-07-01T01:00:00.000Z');
      result = await runReport({ campaignId: 'demo' });
    });

    it('should report on the latest wave and say where the files are', () => {
      expect(result).toEqual({
        campaignId: 'demo',
        waveId: LATEST,
        keys: {
          json: `reports/demo/${LATEST}/report.json`,
          csv: `reports/demo/${LATEST}/responses.csv`,
          html: `reports/demo/${LATEST}/report.html`,
        },
        htmlUrl: expect.stringMatching(REPORT_LINK),
        emailed: 2,
        // Its deadline has passed: these figures are its last.
        final: true,
      });
    });

    it('should write the three files with their content types', async () => {
      const json = await getObject(result.keys.json);
      const csv = await getObject(result.keys.csv);
      const html = await getObject(result.keys.html);
      expect(json.contentType).toBe('application/json; charset=utf-8');
      expect(csv.contentType).toBe('text/csv; charset=utf-8');
      expect(html.contentType).toBe('text/html; charset=utf-8');

      const report = JSON.parse(json.bytes.toString('utf8')) as ReportDocument;
      expect(report).toMatchObject({ schemaVersion: 1, wave: { id: LATEST }, language: 'en' });
      expect(report.statistics).toMatchObject({ invited: 6, answered: 3, meanTotal: 72.33, grade: 'C' });
      expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.bytes.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(4);
      expect(html.bytes.toString('utf8')).toContain('<html lang="en">');
      expect(html.bytes.toString('utf8')).toContain('&lt;script&gt;');
    });

    it('should give a signed link to the HTML that works for 7 days and leads to the file', async () => {
      // Arrange
      const token = REPORT_LINK.exec(result.htmlUrl)![1]!;

      // Act
      const check = verifyReportLink(process.env.TOKEN_SECRET!, token, new Date());
      const response = await follow(result.htmlUrl);

      // Assert
      expect(check).toMatchObject({ ok: true, key: result.keys.html });
      const lifetime = check.ok ? check.expiresAt.getTime() - Date.now() : 0;
      expect(lifetime).toBeGreaterThan((REPORT_LINK_SECONDS - 300) * 1000);
      expect(lifetime).toBeLessThanOrEqual(REPORT_LINK_SECONDS * 1000);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toBe((await getObject(result.keys.html)).bytes.toString('utf8'));
    });

    it('should email the managers the headline and working links', async () => {
      const messages = await mailToManagers();
      expect(messages).toHaveLength(1);
      expect([...messages[0]!.to].sort()).toEqual([...MANAGERS].sort());
      const mail = await parse(messages[0]!);
      expect(mail.subject).toBe(
        'Quarterly customer satisfaction survey report: satisfaction index 72.33 (C), return rate 50.0%',
      );
      expect(mail.from?.value[0]?.address).toBe('survey@example.com');
      expect(mail.text).toContain('Satisfaction rate: 57.1%');
      expect(mail.html).not.toMatch(/customer\.example|Customer [ns]\d/);

      const links = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) =>
        m[1]!.replaceAll('&amp;', '&'),
      );
      expect(links).toContain(result.htmlUrl);
      const csvLink = links.find((l) => REPORT_LINK.test(l) && l !== result.htmlUrl);
      expect(csvLink).toBeDefined();
      expect(mail.text).toContain(csvLink);
      // In the managers' language and the campaign's time zone, named as people name it.
      expect(mail.text).toMatch(
        /Links valid until \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d \(China Standard Time\)/,
      );
      const csv = await follow(csvLink!);
      expect(csv.status).toBe(200);
      expect(Buffer.from(await csv.arrayBuffer())).toEqual((await getObject(result.keys.csv)).bytes);
    });

    it('should report on a named wave', async () => {
      const older = await runReport({ campaignId: 'demo', waveId: OLDER });
      expect(older.waveId).toBe(OLDER);
      expect(older.keys.html).toBe(`reports/demo/${OLDER}/report.html`);
      const report = JSON.parse((await getObject(older.keys.json)).bytes.toString('utf8')) as ReportDocument;
      expect(report.wave.id).toBe(OLDER);
    });

    it('should give the same bytes apart from the generated time when run again', async () => {
      const before = await Promise.all(
        Object.values(result.keys).map(async (k) => (await getObject(k)).bytes),
      );
      const again = await runReport({ campaignId: 'demo', waveId: LATEST });
      const after = await Promise.all(Object.values(again.keys).map(async (k) => (await getObject(k)).bytes));

      const [jsonBefore, csvBefore, htmlBefore] = before.map((b) => b.toString('utf8')) as [
        string,
        string,
        string,
      ];
      const [jsonAfter, csvAfter, htmlAfter] = after.map((b) => b.toString('utf8')) as [
        string,
        string,
        string,
      ];
      const generated = (json: string) => (JSON.parse(json) as ReportDocument).generatedAt;
      expect(jsonAfter.replace(generated(jsonAfter), generated(jsonBefore))).toBe(jsonBefore);
      expect(after[1]).toEqual(before[1]);
      expect(csvAfter).toBe(csvBefore);
      // The generated time is written for people ("Generated 3 December 2026, 14:33 (times in …)"):
      // the only part allowed to differ between two runs, which may fall in different minutes.
      const generatedTime = /Generated \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d/g;
      expect(htmlBefore.match(generatedTime)).toHaveLength(1);
      expect(htmlAfter.match(generatedTime)).toHaveLength(1);
      const withoutGenerated = (html: string) => html.replace(generatedTime, 'Generated');
      expect(withoutGenerated(htmlAfter)).toBe(withoutGenerated(htmlBefore));
    });

    it('should report a period over the waves dispatched in it, to the managers and the department heads', async () => {
      // Arrange
      const mails = (await mailToManagers()).length;

      // Act: LATEST went out on 1 July 2025 (Shanghai), OLDER in April.
      const period = (await run({ campaignId: 'demo', period: '2025-Q3' })) as PeriodReportResult;

      // Assert: demo.json's two department heads get their own digest besides the managers' one. (The
      // figures are period-report.test.ts's: these seeded waves carry no invitedBy and no rollup index.)
      expect(period).toMatchObject({
        campaignId: 'demo',
        period: '2025-Q3',
        keys: {
          json: 'reports/demo/2025-Q3/report.json',
          csv: 'reports/demo/2025-Q3/responses.csv',
          html: 'reports/demo/2025-Q3/report.html',
        },
        htmlUrl: expect.stringMatching(REPORT_LINK),
        emailed: 2 + demoCampaign.report.departmentHeads!.length,
        final: true,
      });
      const doc = JSON.parse(
        (await getObject(period.keys.json)).bytes.toString('utf8'),
      ) as PeriodReportDocument;
      expect(doc).toMatchObject({ schemaVersion: 2, period: { key: '2025-Q3' } });
      expect(doc.waves.map((w) => w.id)).toEqual([LATEST]);
      const page = await follow(period.htmlUrl);
      expect(await page.text()).toBe((await getObject(period.keys.html)).bytes.toString('utf8'));
      const digests = (await mailToManagers()).slice(mails);
      expect(digests).toHaveLength(1);
      expect((await parse(digests[0]!)).subject).toContain('2025-Q3');
    });

    it('should make a scheduled run of the demo, which reports by quarter, report the quarter holding yesterday', async () => {
      // Arrange
      const tz = demoCampaign.report.schedule.timeZone;
      const yesterday = addDays(localDateOf(new Date(), tz), -1);

      // Act
      const result = await run({ campaignId: 'demo', trigger: 'schedule' });

      // Assert: a period report, not the latest wave's.
      expect(result).toMatchObject({ campaignId: 'demo', period: periodOf('quarter', yesterday).key });
      expect(result).not.toHaveProperty('waveId');
    });

    it.each([
      ['no event', undefined, /invalid report request: campaignId: must be the id of a campaign/],
      ['a string', 'demo', /invalid report request: event: /],
      ['no campaign', {}, /campaignId: must be the id of a campaign/],
      [
        'an unknown campaign',
        { campaignId: 'nope' },
        /campaignId: no such campaign in the programme \(known: demo, after-delivery\)/,
      ],
      ['a misspelt field', { campaignId: 'demo', waveID: LATEST }, /waveID/],
      ['a malformed wave id', { campaignId: 'demo', waveId: '../../etc' }, /waveId: must be a wave id/],
      ['a number as campaign', { campaignId: 42 }, /campaignId: must be the id of a campaign/],
      ['an unknown trigger', { campaignId: 'demo', trigger: 'cron' }, /trigger: must be "schedule"/],
      [
        'a month 13',
        { campaignId: 'demo', period: '2025-13' },
        /period: "2025-13" is not a period: write a month \(2026-11\), a quarter \(2026-Q4\)/,
      ],
      [
        'a period of another shape',
        { campaignId: 'demo', period: 'Q3-2025' },
        /period: "Q3-2025" is not a period/,
      ],
      [
        'a period that is no string',
        { campaignId: 'demo', period: 2025 },
        /period: must be a period such as/,
      ],
      [
        'a wave and a period at once',
        { campaignId: 'demo', waveId: LATEST, period: '2025-Q3' },
        /period: a wave report \(waveId\) or a period report \(period\), not both/,
      ],
      [
        'an unknown wave',
        { campaignId: 'demo', waveId: 'demo-20000101T0000' },
        /campaign "demo" has no wave "demo-20000101T0000"/,
      ],
    ])('should refuse %s with a clear error and change nothing', async (_name, event, message) => {
      const keys = await reportKeysInBucket();
      const mails = (await mailToManagers()).length;
      await expect(run(event)).rejects.toThrow(message);
      expect(await reportKeysInBucket()).toEqual(keys);
      expect(await mailToManagers()).toHaveLength(mails);
    });
  });
});
