import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import type { ReportDocument } from '../../functions/domain/report/document.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { invitedByOf } from '../../functions/domain/report/rollup.ts';
import { handler } from '../../functions/handlers/report/index.ts';
import type { PeriodReportResult } from '../../functions/use-cases/period-report.ts';
import type { ReportResult } from '../../functions/use-cases/report.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { lambdaContext, testStore } from '../support/fixtures.ts';
import { allAt } from '../support/programme.ts';

/*
 * One denominator (report/return-rate.ts): a wave of 12 invitations, 11 emailed, 8 answered, gives the
 * same invited, answered and return rate in the wave report, the period report, csat status and both
 * digests, overall and per department.
 */
const TAG = randomUUID().slice(0, 8);
const MANAGER = `rate-boss-${TAG}@staff.example`;
const NORTH_HEAD = `rate-north-${TAG}@staff.example`;
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const BUCKET = process.env.BUCKET_NAME!;
const s3 = await s3Client();
const store = testStore();

const WAVE_ID = 'demo-20250402T0100';
const CREATED = '2025-04-02T01:00:00.000Z';

/** North: 7 invited, 5 answered, 1 never emailed (unsubscribed before the send). South: 5 / 3. */
const ROWS = [
  ...['n1', 'n2', 'n3', 'n4', 'n5'].map((customer) => ({
    customer,
    department: 'North',
    ratings: allAt('satisfied'),
    answeredAt: '2025-04-03T08:00:00.000Z',
  })),
  { customer: 'n6', department: 'North' },
  { customer: 'n7', department: 'North' },
  ...['s1', 's2', 's3'].map((customer) => ({
    customer,
    department: 'South',
    ratings: allAt('very-satisfied'),
    answeredAt: '2025-04-04T08:00:00.000Z',
  })),
  { customer: 's4', department: 'South' },
  { customer: 's5', department: 'South' },
];

async function seed(): Promise<Wave> {
  const template = reportWave({ waveId: WAVE_ID, managers: [MANAGER], language: 'en' });
  const invitations: Invitation[] = reportInvitations({ ...template, createdAt: CREATED }, ROWS).map((i) =>
    i.customer.id === 'n7' ? { ...i, sent: {}, unsubscribedAt: CREATED } : i,
  );
  const wave: Wave = {
    ...template,
    createdAt: CREATED,
    deadline: '2025-04-16T01:00:00.000Z',
    campaign: {
      ...template.campaign,
      report: {
        ...template.campaign.report,
        departmentHeads: [{ department: 'North', email: NORTH_HEAD, language: 'en' }],
      },
    },
    invited: invitations.length,
    invitedBy: invitedByOf(invitations.map((i) => i.customer)),
  };
  await store.putWave(wave);
  for (const { response, ...invitation } of invitations) {
    await store.putInvitation(invitation);
    // As the survey page stores it: indexed by answer date, which the period report's rollups read.
    if (response) await store.saveResponse(invitation.id, response, response.answeredAt, wave);
  }
  return wave;
}

async function json<T>(key: string): Promise<T> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as T;
}

async function mailTo(address: string): Promise<string[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  const mine = all.filter((m) => m.to.includes(address));
  return Promise.all(
    mine.map(async (m) => {
      const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(m.id)}/raw`);
      const mail = await simpleParser(Buffer.from(await raw.arrayBuffer()));
      return `${mail.subject}\n${mail.text}`;
    }),
  );
}

describe('the return rate', () => {
  let waveDoc: ReportDocument;
  let wave: ReportDocument['statistics'];
  let period: PeriodReportDocument;

  beforeAll(async () => {
    await seed();
    const waveRun = (await handler({ campaignId: 'demo', waveId: WAVE_ID }, lambdaContext())) as ReportResult;
    waveDoc = await json<ReportDocument>(waveRun.keys.json);
    wave = waveDoc.statistics;
    const periodRun = (await handler(
      { campaignId: 'demo', period: '2025-Q2' },
      lambdaContext(),
    )) as PeriodReportResult;
    period = await json<PeriodReportDocument>(periodRun.keys.json);
  });

  it('should count every invitation the wave created as invited, emailed or not, in the wave report', () => {
    expect(wave).toMatchObject({ invited: 12, emailed: 11, answered: 8, returnRate: 0.6667 });
  });

  it('should give the period report, csat status and the wave report the same figures, per department too', async () => {
    // Act
    const status = await getCampaignStatus({ store }, { campaignId: 'demo' });

    // Assert
    const figures = (f: { invited: number; answered: number; returnRate: number | null }) => [
      f.invited,
      f.answered,
      f.returnRate,
    ];
    expect(figures(period.statistics)).toEqual([12, 8, 0.6667]);
    expect(figures(status)).toEqual(figures(period.statistics));
    expect(figures(wave)).toEqual(figures(period.statistics));
    const perDepartment = (rows: Array<{ department: string } & Parameters<typeof figures>[0]>) =>
      rows.map((d) => [d.department, ...figures(d)]);
    expect(perDepartment(wave.departments)).toEqual([
      ['North', 7, 5, 0.7143],
      ['South', 5, 3, 0.6],
    ]);
    expect(perDepartment(status.departments)).toEqual(perDepartment(wave.departments));
    expect(perDepartment(period.statistics.departments)).toEqual(perDepartment(wave.departments));
  });

  it('should say the same in the digests: the managers’ of the wave and of the period, and the head’s', async () => {
    // Act
    const managers = await mailTo(MANAGER);
    const head = await mailTo(NORTH_HEAD);

    // Assert: one wave digest and one period digest to the manager, one department digest to the head.
    expect(managers).toHaveLength(2);
    for (const text of managers) {
      expect(text).toContain('66.7%');
      expect(text).toMatch(/8 \/ 12/);
    }
    expect(head).toHaveLength(1);
    expect(head[0]).toContain('71.4%');
    expect(head[0]).toMatch(/5 \/ 7/);
  });

  it('should define the figures once, in the same words, in both report.json files', () => {
    for (const key of ['invited', 'answered', 'returnRate'] as const) {
      expect(period.definitions[key]).toContain(waveDoc.definitions[key]);
    }
    expect(waveDoc.definitions.invited).toContain('one per invitation the wave created at dispatch');
    expect(waveDoc.definitions.emailed).toBeDefined();
  });
});
