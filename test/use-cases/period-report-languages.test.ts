import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../functions/adapters/mime.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { sesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { EmailMessage } from '../../functions/domain/email/message.ts';
import type { StoredResponse } from '../../functions/domain/model.ts';
import { invitedByOf } from '../../functions/domain/report/rollup.ts';
import { score } from '../../functions/domain/scoring.ts';
import { verifyReportLink } from '../../functions/domain/token.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import { generatePeriodReport, periodKeys } from '../../functions/use-cases/period-report.ts';
import {
  type HttpResult,
  httpEvent,
  lambdaContext,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { allAt, demoCampaign, itss, MIXED } from '../support/programme.ts';

/*
 * Issue 14 item 6: every file a recipient is sent is in their language. A campaign reporting in Chinese
 * whose head of South reads English: the managers' digest links Chinese files, the head's English ones,
 * and the links are followed through the real report-link handler (GET /r/{token}) to the bucket.
 */
const blobs = new S3Blobs(process.env.BUCKET_NAME!);
const store = testStore();
const SECRET = process.env.TOKEN_SECRET!;
const LINK = /https:\/\/survey\.example\.test\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22})/g;

/** Every report link of a message's text part, as the key it names and the file it leads to. */
async function followAll(message: EmailMessage, now: Date): Promise<Array<{ key: string; body: string }>> {
  const tokens = [...message.text.matchAll(LINK)].map((m) => m[1]!);
  expect(tokens.length).toBeGreaterThan(0);
  return Promise.all(
    tokens.map(async (token) => {
      const check = verifyReportLink(SECRET, token, now);
      expect(check.ok).toBe(true);
      const res = (await surveyPage(httpEvent('GET /r/{token}', { token }), lambdaContext())) as HttpResult;
      expect(res.statusCode).toBe(302);
      const file = await fetch(String(res.headers?.location));
      expect(file.status).toBe(200);
      return { key: check.ok ? check.key : '', body: await file.text() };
    }),
  );
}

async function chineseCampaignWithEnglishHead() {
  const campaign = {
    ...demoCampaign,
    id: `pl-${randomUUID().slice(0, 8)}`,
    report: {
      ...demoCampaign.report,
      period: 'month' as const,
      managers: ['gm@example.test'],
      language: 'zh-CN' as const,
      departmentHeads: [{ department: 'South', email: 'south.head@example.test', language: 'en' as const }],
    },
    departments: {
      North: { 'zh-CN': '北方大区', en: 'North region' },
      South: { 'zh-CN': '南方大区', en: 'South region' },
    },
  };
  const rows = [
    {
      department: 'North',
      ratings: allAt('very-satisfied'),
      at: '2026-10-05T03:00:00.000Z',
      language: 'zh-CN',
    },
    { department: 'South', ratings: MIXED, at: '2026-10-06T03:00:00.000Z', language: 'en' },
  ] as const;
  const customers = rows.map((r, i) => ({
    id: `c${i}`,
    name: `C ${i}`,
    email: `c${i}@example.test`,
    language: r.language,
    department: r.department,
  }));
  const wave = await seedWave({
    campaign,
    createdAt: '2026-10-05T01:00:00.000Z',
    deadline: '2026-10-19T01:00:00.000Z',
    questionnaire: itss,
    invited: rows.length,
    invitedBy: invitedByOf(customers),
  });
  for (const [i, r] of rows.entries()) {
    const { invitation } = await seedInvitation(wave, {
      customer: customers[i],
      sent: { invite: wave.createdAt },
    });
    const response: StoredResponse = {
      answeredAt: r.at,
      ratings: r.ratings,
      comments: { suggestions: `comment ${i}` },
      ...score(itss, r.ratings),
      language: r.language,
      questionnaireVersion: itss.version,
    };
    expect(await store.saveResponse(invitation.id, response, r.at, wave)).toBe('stored');
  }
  return wave;
}

const HAN = /[\u4e00-\u9fff]/;

describe('period report files per language (dynalite, s3rver, local SES, report links)', () => {
  it('should link an English department head to English files only, and the managers to Chinese ones', async () => {
    // Arrange
    const wave = await chineseCampaignWithEnglishHead();
    // Now: the report-link handler checks the links' expiry against the real clock.
    const now = new Date();
    const sent: EmailMessage[] = [];
    const deps = {
      store,
      blobs,
      mailer: new SesMailer(sesClient(), {}),
      compose: async (message: EmailMessage) => {
        sent.push(message);
        return composeMime(message);
      },
      clock: { now: () => now },
      links: { secret: async () => SECRET, baseUrl: 'https://survey.example.test' },
    };

    // Act
    const result = await generatePeriodReport(deps, { campaignId: wave.campaignId, period: '2026-10' });
    const [managers, head] = sent;
    const managersFiles = await followAll(managers!, now);
    const headFiles = await followAll(head!, now);

    // Assert: the head's digest, report.html and responses.csv are English, under the tagged keys.
    const south = periodKeys(wave.campaignId, '2026-10', 'South');
    expect(head!.to.map((a) => a.address)).toEqual(['south.head@example.test']);
    expect(head!.subject).toContain('South region');
    expect(headFiles.map((f) => f.key)).toEqual([
      south.html.replace(/report\.html$/, 'report.en.html'),
      south.csv.replace(/responses\.csv$/, 'responses.en.csv'),
    ]);
    const [headHtml, headCsv] = headFiles.map((f) => f.body);
    expect(headHtml).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(headHtml).toContain('Department: South region');
    expect(headHtml).not.toMatch(HAN);
    expect(headCsv?.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(
      /^Wave,Invitation,Department,Department id,Language,Answered at,Total,Grade,/,
    );
    expect(headCsv).toContain(',South region,South,English,');
    expect(headCsv).not.toMatch(HAN);
    // The managers': Chinese files under the plain keys, departments by their Chinese names.
    expect(managersFiles.map((f) => f.key)).toEqual([result.keys.html, result.keys.csv]);
    const [html, csv] = managersFiles.map((f) => f.body);
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<th scope="row">北方大区</th>');
    expect(html).not.toMatch(/<t[dh][^>]*>North<\/t[dh]>/);
    expect(csv?.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^批次,邀请编号,部门,部门编号,语言,/);
    expect(csv).toContain(',南方大区,South,英文,');
    // The department's own Chinese files are still there, and one report.json serves both.
    expect(await blobs.find(south.html)).toMatch(/<html lang="zh-CN">/);
    expect(await blobs.find(south.csv)).toMatch(/^\uFEFF?批次,/);
    expect(await blobs.find(south.json.replace(/report\.json$/, 'report.en.json'))).toBeUndefined();
  });
});
