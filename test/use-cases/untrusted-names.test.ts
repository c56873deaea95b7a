import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { human } from '../../bin/cli/format.ts';
import { composeMime } from '../../functions/adapters/mime.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import type { SendJob, StoredResponse } from '../../functions/domain/model.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import type { ReportDocument } from '../../functions/domain/report/document.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-types.ts';
import { score } from '../../functions/domain/scoring.ts';
import { importCustomers } from '../../functions/use-cases/import-customers.ts';
import { generatePeriodReport } from '../../functions/use-cases/period-report.ts';
import { generateReport, isSkipped, type ReportDeps } from '../../functions/use-cases/report.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { dispatchNow as dispatch } from '../support/dispatch-now.ts';
import { testStore, testSuppressions } from '../support/fixtures.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';

/*
 * Departments named after Object.prototype's members, from a customer file to every figure: imported,
 * dispatched (twice: a later wave must not trip over the first), answered, shown by status, reported per
 * wave (json, csv, html) and per period. This file's table and bucket are its own.
 */
const NAMES = ['hasOwnProperty', '__proto__', 'constructor', 'toString'] as const;
/** Answers per department, of 2 invited each. (A Map: `{ __proto__: 1 }` would set a prototype.) */
const ANSWERED = new Map<string, number>([
  ['hasOwnProperty', 1],
  ['__proto__', 1],
  ['constructor', 2],
  ['toString', 0],
]);
const answeredIn = (department: string): number => ANSWERED.get(department) ?? Number.NaN;

const store = testStore();
const blobs = new S3Blobs(process.env.BUCKET_NAME!);
const s3 = await s3Client();

async function object(key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME!, Key: key }));
  return out.Body!.transformToString();
}

const { departmentHeads: _, ...report } = demoCampaign.report;
const campaign: Campaign = {
  ...demoCampaign,
  id: 'names',
  report: { ...report, period: 'month', managers: ['boss@staff.example'], language: 'en' },
  audience: { departments: [...NAMES] },
  // A plain object of targets, as the programme's parser gives: only own keys may count.
  targets: { returnRate: { default: 0.3, departments: { hasOwnProperty: 0.5, toString: 0.4 } } },
  reminders: undefined,
};
const targetOf = (department: string) =>
  department === 'hasOwnProperty' ? 0.5 : department === 'toString' ? 0.4 : 0.3;

const queue = { jobs: [] as SendJob[], enqueue: async (jobs: SendJob[]) => void queue.jobs.push(...jobs) };
const dispatchDeps = (now: string) => ({
  store,
  queue,
  clock: { now: () => new Date(now) },
  suppressions: testSuppressions(),
});

function reportDeps(now: string): ReportDeps {
  return {
    store,
    blobs,
    mailer: { send: async () => 'message-id' },
    compose: composeMime,
    clock: { now: () => new Date(now) },
    links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
  };
}

describe('departments named like Object.prototype members (dynalite, s3rver)', () => {
  it('should import, dispatch, count, show and report them like any other department', async () => {
    // Arrange: two customers per department, recent enough to be in the "new" segment.
    const csv = [
      'id,name,email,language,department,registered_at',
      ...NAMES.flatMap((d, i) =>
        [0, 1].map((k) => `n${i}-${k},N ${i} ${k},n${i}-${k}@example.test,en,${d},2026-09-25`),
      ),
    ].join('\n');
    const imported = await importCustomers({ store }, { text: csv, format: 'csv' });
    expect(imported).toMatchObject({ imported: 8, rejected: 0 });

    // Act: the first wave, answered by some.
    const first = await dispatch(dispatchDeps('2026-10-05T01:00:05Z'), {
      campaign,
      questionnaire: itss,
      scheduledTime: new Date('2026-10-05T01:00:00Z'),
    });
    const invitations = await store.listInvitations(first.waveId);
    const wave = (await store.getWave(campaign.id, first.waveId))!;
    for (const d of NAMES) {
      const mine = invitations.filter((i) => i.customer.department === d);
      for (const invitation of mine.slice(0, answeredIn(d))) {
        const response: StoredResponse = {
          answeredAt: '2026-10-06T03:00:00.000Z',
          ratings: allAt('satisfied'),
          comments: {},
          ...score(itss, allAt('satisfied')),
          language: 'en',
          questionnaireVersion: itss.version,
        };
        expect(await store.saveResponse(invitation.id, response, response.answeredAt, wave)).toBe('stored');
      }
    }
    // A later wave of another campaign (same audience, no contact rule): dispatched like the first.
    const later = await dispatch(dispatchDeps('2026-10-20T01:00:05Z'), {
      campaign: {
        ...campaign,
        id: 'names-later',
        audience: { ...campaign.audience, minDaysBetweenSurveys: 0 },
      },
      questionnaire: itss,
      scheduledTime: new Date('2026-10-20T01:00:00Z'),
    });

    // Assert: both waves invited everyone, and counted them per department.
    expect(first).toMatchObject({ invited: 8, created: 8 });
    expect(later).toMatchObject({ invited: 8, created: 8 });
    expect(wave.invitedBy).toEqual(
      [...NAMES].sort().map((department) => ({ department, all: 2, segments: { new: 2 } })),
    );
    expect(Object.hasOwn(Object.prototype, 'all')).toBe(false);

    // Status: counts and targets per department, no NaN anywhere.
    const status = await getCampaignStatus({ store }, { campaignId: campaign.id });
    expect(status.departments).toEqual(
      [...NAMES].sort().map((department) => ({
        department,
        invited: 2,
        // An answer proves the email went out (the test sends none).
        emailed: answeredIn(department),
        answered: answeredIn(department),
        returnRate: answeredIn(department) / 2,
        target: targetOf(department),
        met: answeredIn(department) / 2 >= targetOf(department),
      })),
    );
    const shown = human('status', status);
    expect(shown).not.toContain('NaN');
    expect(shown).toMatch(/hasOwnProperty +2 +1 +1 +50\.0 % +50\.0 %/);
    expect(shown).toMatch(/__proto__ +2 +1 +1 +50\.0 % +30\.0 %/);

    // The wave's report: json, csv and html.
    const waveReport = await generateReport(reportDeps('2026-10-08T02:00:00Z'), {
      campaignId: campaign.id,
      waveId: first.waveId,
    });
    if (isSkipped(waveReport)) throw new Error('the wave report was skipped');
    const doc = JSON.parse(await object(waveReport.keys.json)) as ReportDocument;
    expect(doc.statistics.departments.map((d) => [d.department, d.invited, d.answered])).toEqual(
      [...NAMES].sort().map((d) => [d, 2, answeredIn(d)]),
    );
    const csvText = await object(waveReport.keys.csv);
    for (const d of NAMES)
      expect(csvText.split('\n').filter((l) => l.includes(`,${d},`))).toHaveLength(answeredIn(d));
    const html = await object(waveReport.keys.html);
    for (const d of NAMES) expect(html).toContain(`>${d}<`);
    expect(html).not.toContain('NaN');

    // The period's report: invited from the waves' invitedBy, answers from the rollups.
    const period = await generatePeriodReport(reportDeps('2026-11-01T02:00:00Z'), {
      campaignId: campaign.id,
      period: '2026-10',
    });
    const periodDoc = JSON.parse(await object(period.keys.json)) as PeriodReportDocument;
    expect(
      periodDoc.statistics.departments.map((d) => [d.department, d.invited, d.answered, d.returnRateTarget]),
    ).toEqual([...NAMES].sort().map((d) => [d, 2, answeredIn(d), targetOf(d)]));
    expect(period.departments.sort()).toEqual([...NAMES].sort());
    expect(await object(period.keys.html)).not.toContain('NaN');
  });
});
