import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../functions/adapters/mime.ts';
import { PART_BYTES, S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { sesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { EmailMessage } from '../../functions/domain/email/message.ts';
import type { Invitation, StoredResponse, Wave } from '../../functions/domain/model.ts';
import type { SurveyStore } from '../../functions/domain/ports.ts';
import { invitedByOf } from '../../functions/domain/report/rollup.ts';
import { waveStatistics } from '../../functions/domain/report/wave-tally.ts';
import { score } from '../../functions/domain/scoring.ts';
import {
  departmentKey,
  gatherPeriod,
  generatePeriodReport,
  periodDocument,
  periodKeys,
  periodRollupKey,
  rollupKey,
  writePeriodResponses,
} from '../../functions/use-cases/period-report.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { allAt, demoCampaign, itss, MIXED } from '../support/programme.ts';

/*
 * Period reports against the local DynamoDB and S3: a wave dispatched on Mon 5 Oct 2026 (Asia/Shanghai),
 * answered over several days. Closed days are rolled up once and read back; today's answers are read live.
 */
const blobs = new S3Blobs(process.env.BUCKET_NAME!);
const store = testStore();

/** Counts the answers read one by one (the store is the real one, on dynalite). */
function countingStore(): { store: SurveyStore; reads: string[] } {
  const reads: string[] = [];
  const counting = Object.create(store) as SurveyStore;
  counting.listAnswered = async (campaignId, from, to) => {
    const found = await store.listAnswered(campaignId, from, to);
    reads.push(`${from}..${to}: ${found.length}`);
    return found;
  };
  return { store: counting, reads };
}

async function octoberWave(
  report: Partial<Wave['campaign']['report']> = {},
): Promise<{ wave: Wave; invitations: Invitation[] }> {
  // Monthly, and no department heads unless the test names some (the demo reports by quarter to its
  // regions' heads; these rows are of North and South).
  const { departmentHeads: _, ...demoReport } = demoCampaign.report;
  const campaign = {
    ...demoCampaign,
    id: `pr-${randomUUID().slice(0, 8)}`,
    report: { ...demoReport, period: 'month' as const, ...report },
  };
  const rows = [
    { department: 'North', ratings: allAt('very-satisfied'), at: '2026-10-05T03:00:00.000Z' }, // 5 Oct 11:00
    { department: 'North', ratings: MIXED, at: '2026-10-06T15:59:00.000Z' }, // 6 Oct 23:59 local
    { department: 'South', ratings: allAt('dissatisfied'), at: '2026-10-06T16:01:00.000Z' }, // 7 Oct 00:01
    { department: 'South', ratings: undefined, at: '' },
  ];
  const customers = rows.map((r, i) => ({
    id: `c${i}`,
    name: `C ${i}`,
    email: `c${i}@example.test`,
    language: 'en' as const,
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
  const invitations: Invitation[] = [];
  for (const [i, r] of rows.entries()) {
    const { invitation } = await seedInvitation(wave, {
      customer: customers[i],
      sent: { invite: wave.createdAt },
    });
    if (r.ratings) {
      const response: StoredResponse = {
        answeredAt: r.at,
        ratings: r.ratings,
        comments: { suggestions: `comment ${i}` },
        ...score(itss, r.ratings),
        language: 'en',
        questionnaireVersion: itss.version,
      };
      expect(await store.saveResponse(invitation.id, response, r.at, wave)).toBe('stored');
      invitations.push({ ...invitation, response });
    } else invitations.push(invitation);
  }
  return { wave, invitations };
}

describe('period reports from rollups (dynalite, s3rver)', () => {
  it('should roll up each closed day once, then read the rollups instead of the responses', async () => {
    // Arrange
    const { wave, invitations } = await octoberWave();
    const now = new Date('2026-11-01T02:00:00.000Z'); // Sun 1 Nov, 10:00 in Shanghai
    const first = countingStore();

    // Act
    const figures = await gatherPeriod(
      { store: first.store, blobs, clock: { now: () => now } },
      {
        campaignId: wave.campaignId,
      },
    );
    const again = countingStore();
    const second = await gatherPeriod(
      { store: again.store, blobs, clock: { now: () => now } },
      {
        campaignId: wave.campaignId,
      },
    );

    // Assert: the report of the day before the run is October's; 5 Oct (dispatch) to 19 Oct (deadline).
    expect(figures.period.key).toBe('2026-10');
    expect(figures.rolledUp).toHaveLength(15);
    expect(figures.rolledUp[0]).toBe('2026-10-05');
    expect(first.reads).toHaveLength(15);
    expect(figures.liveResponses).toBe(0);
    expect(second.rolledUp).toEqual([]);
    expect(again.reads).toEqual([]);
    // October is closed (its deadline day, 19 Oct, is over): the second run read its period rollup only.
    expect(figures.fromPeriodRollups).toEqual([]);
    expect(second.fromPeriodRollups).toEqual(['2026-10']);
    const doc = periodDocument(figures, { now });
    expect(periodDocument(second, { now })).toEqual(doc);
    // The same figures as the wave computed from all its invitations.
    const byWave = waveStatistics(wave, invitations);
    expect(doc.statistics).toMatchObject({
      invited: 4,
      answered: 3,
      meanTotal: byWave.meanTotal,
      satisfactionRate: byWave.satisfactionRate,
      returnRate: 0.75,
    });
    expect(doc.statistics.departments.map((d) => [d.department, d.answered, d.meanTotal])).toEqual(
      byWave.departments.map((d) => [d.department, d.answered, d.meanTotal]),
    );
    // Local days: 23:59 on 6 Oct and 00:01 on 7 Oct fall in different rollups.
    const day6 = JSON.parse((await blobs.find(rollupKey(wave.campaignId, '2026-10-06')))!);
    const day7 = JSON.parse((await blobs.find(rollupKey(wave.campaignId, '2026-10-07')))!);
    expect([day6.responses, day7.responses]).toEqual([1, 1]);
    expect(day6.entries.map((e: { department: string }) => e.department)).toEqual(['North']);
  });

  it('should roll up again a day whose rollup has an older schema, and count it the same', async () => {
    // Arrange: the rollups of a first run, then 6 Oct's and October's replaced by ones of schema 1.
    const { wave } = await octoberWave();
    const now = new Date('2026-11-01T02:00:00.000Z');
    const deps = { store, blobs, clock: { now: () => now } };
    const first = await gatherPeriod(deps, { campaignId: wave.campaignId });
    const key = rollupKey(wave.campaignId, '2026-10-06');
    const stale = {
      schemaVersion: 1,
      campaignId: wave.campaignId,
      day: '2026-10-06',
      responses: 1,
      entries: [],
    };
    await blobs.put(key, JSON.stringify(stale), 'application/json');
    const october = periodRollupKey(wave.campaignId, '2026-10');
    await blobs.put(october, JSON.stringify({ ...stale, period: '2026-10' }), 'application/json');

    // Act
    const again = await gatherPeriod(deps, { campaignId: wave.campaignId });

    // Assert
    expect(again.rolledUp).toEqual(['2026-10-06']);
    expect(again.fromPeriodRollups).toEqual([]);
    expect(JSON.parse((await blobs.find(key))!).schemaVersion).toBe(2);
    expect(JSON.parse((await blobs.find(october))!).schemaVersion).toBe(2);
    expect(periodDocument(again, { now })).toEqual(periodDocument(first, { now }));
  });

  it('should read a closed earlier period from its own rollup, not from its days', async () => {
    // Arrange: October's wave, then a November wave of the same campaign (2 Nov, deadline 16 Nov).
    const { wave: october } = await octoberWave({ period: 'month' });
    const november = await seedWave({
      campaign: october.campaign,
      waveId: `${october.campaignId}-20261102T0100`,
      createdAt: '2026-11-02T01:00:00.000Z',
      deadline: '2026-11-16T01:00:00.000Z',
      questionnaire: itss,
      invited: 0,
    });
    const now = new Date('2026-11-20T02:00:00.000Z');
    const read: string[] = [];
    const counting = Object.create(blobs) as typeof blobs;
    counting.find = async (key: string) => {
      read.push(key);
      return blobs.find(key);
    };
    const deps = { store, blobs: counting, clock: { now: () => now } };

    // Act
    const first = await gatherPeriod(deps, { campaignId: november.campaignId, period: '2026-11' });
    const firstReads = read.splice(0);
    const second = await gatherPeriod(deps, { campaignId: november.campaignId, period: '2026-11' });

    // Assert: the first run read October's days (5 to 19 Oct); the second, October's period rollup and
    // November's days: November is not over (a wave may still go out in it), so it has no period rollup.
    const dayReads = (keys: string[]) => keys.filter((k) => /rollups\/\d{4}-\d{2}-\d{2}\.json$/.test(k));
    expect(dayReads(firstReads)).toContain(rollupKey(october.campaignId, '2026-10-05'));
    expect(second.fromPeriodRollups).toEqual(['2026-10']);
    expect(await blobs.find(periodRollupKey(october.campaignId, '2026-11'))).toBeUndefined();
    expect(dayReads(read).every((k) => /2026-11-\d{2}\.json$/.test(k))).toBe(true);
    expect(dayReads(read)).toContain(rollupKey(october.campaignId, '2026-11-02'));
    const trend = (f: typeof first) => periodDocument(f, { now }).statistics.trend;
    expect(trend(second)).toEqual(trend(first));
    expect(trend(first).find((t) => t.period === '2026-10')?.answered).toBe(3);

    // A wave of October the period rollup was not made from (say, a clock set back) makes it stale.
    await seedWave({
      campaign: october.campaign,
      waveId: `${october.campaignId}-20261030T0100`,
      createdAt: '2026-10-30T01:00:00.000Z',
      deadline: '2026-11-13T01:00:00.000Z',
      questionnaire: itss,
      invited: 0,
    });
    const third = await gatherPeriod(deps, { campaignId: november.campaignId, period: '2026-11' });
    expect(third.fromPeriodRollups).toEqual([]);
    expect(trend(third)).toEqual(trend(first));
  });

  it('should read today live and leave it out of the rollups until it is closed', async () => {
    // Arrange: Wed 7 Oct 2026, 15:00 in Shanghai.
    const { wave } = await octoberWave();
    const now = new Date('2026-10-07T07:00:00.000Z');
    const counting = countingStore();

    // Act
    const figures = await gatherPeriod(
      { store: counting.store, blobs, clock: { now: () => now } },
      {
        campaignId: wave.campaignId,
        period: '2026-10',
      },
    );

    // Assert: 5 and 6 Oct rolled up; 7 Oct (one answer so far) read live and not stored.
    expect(figures.rolledUp).toEqual(['2026-10-05', '2026-10-06']);
    expect(figures.liveResponses).toBe(1);
    expect(await blobs.find(rollupKey(wave.campaignId, '2026-10-07'))).toBeUndefined();
    const doc = periodDocument(figures, { now });
    expect(doc.statistics.answered).toBe(3);
    expect(doc.period.final).toBe(false);
  });

  it('should report a department with nothing of the others', async () => {
    const { wave } = await octoberWave();
    const now = new Date('2026-11-01T02:00:00.000Z');
    const figures = await gatherPeriod(
      { store, blobs, clock: { now: () => now } },
      { campaignId: wave.campaignId },
    );
    const south = periodDocument(figures, { now, department: 'South' });
    expect(south.statistics).toMatchObject({ invited: 2, answered: 1, meanTotal: 40 });
    expect(JSON.stringify(south)).not.toMatch(/North|comment 0|comment 1/);
  });

  it('should refuse a period that is not one, and a campaign without waves', async () => {
    const { wave } = await octoberWave();
    const deps = { store, blobs, clock: { now: () => new Date('2026-11-01T02:00:00.000Z') } };
    await expect(gatherPeriod(deps, { campaignId: wave.campaignId, period: '2026-13' })).rejects.toThrow(
      /not a period/,
    );
    await expect(gatherPeriod(deps, { campaignId: 'no-such-campaign' })).rejects.toThrow(/no-such-campaign/);
  });
});

describe('generatePeriodReport (dynalite, s3rver, local SES)', () => {
  it('should write the files of the campaign and of each department, and email managers and department heads their own', async () => {
    // Arrange
    const { wave } = await octoberWave({
      managers: ['gm@example.test'],
      language: 'zh-CN',
      departmentHeads: [{ department: 'South', email: 'south@example.test', language: 'en' }],
    });
    const now = new Date('2026-11-01T02:00:00.000Z');
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
      links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
    };

    // Act
    const result = await generatePeriodReport(deps, { campaignId: wave.campaignId });
    const json = await blobs.find(result.keys.json);
    const again = await generatePeriodReport(deps, { campaignId: wave.campaignId });

    // Assert
    expect(result).toMatchObject({
      period: '2026-10',
      departments: ['North', 'South'],
      emailed: 2,
      final: true,
    });
    const south = periodKeys(wave.campaignId, '2026-10', 'South');
    expect(south.html).toContain(`/departments/${departmentKey('South')}/`);
    const southFiles = await Promise.all([south.json, south.csv, south.html].map((k) => blobs.find(k)));
    for (const file of southFiles) {
      expect(file).toBeDefined();
      expect(file).not.toMatch(/North|comment 0|comment 1/);
    }
    expect([...(await blobs.get(south.csv)).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
    expect(await blobs.find(result.keys.csv)).toMatch(/comment 0[\s\S]*comment 1[\s\S]*comment 2/);
    // Same bytes apart from generatedAt.
    const strip = (s: string | undefined) => s?.replace(/"generatedAt": "[^"]+"/, '');
    expect(strip(await blobs.find(again.keys.json))).toBe(strip(json));
    // One digest to the managers in Chinese, one to the head of South in English with South only.
    const [gm, head] = sent;
    expect(gm!.to.map((a) => a.address)).toEqual(['gm@example.test']);
    expect(gm!.subject).toContain('2026-10');
    expect(gm!.html).toContain('North');
    expect(head!.to.map((a) => a.address)).toEqual(['south@example.test']);
    expect(head!.subject).toMatch(/South.*2026-10/);
    expect(`${head!.html}${head!.text}`).not.toMatch(/North|comment 0|comment 1/);
  });
});

describe('responses.csv a page at a time (dynalite, s3rver)', () => {
  it('should upload a file larger than one part in parts and read back the same bytes', async () => {
    // 12 MB of rows in 64 KB chunks: three multipart parts of S3Blobs.PART_BYTES (5 MB) on s3rver.
    const key = `reports/test/${randomUUID()}/responses.csv`;
    const line = `${'行,'.repeat(40)}\r\n`;
    const chunk = line.repeat(Math.ceil(65_536 / Buffer.byteLength(line)));
    const count = Math.ceil((12 * 1024 * 1024) / Buffer.byteLength(chunk));
    async function* chunks() {
      for (let i = 0; i < count; i++) yield chunk;
    }

    await blobs.putStream(key, chunks(), 'text/csv; charset=utf-8');

    const bytes = await blobs.get(key);
    expect(bytes.byteLength).toBe(Buffer.byteLength(chunk) * count);
    expect(bytes.byteLength).toBeGreaterThan(2 * PART_BYTES);
    expect(Buffer.from(bytes).equals(Buffer.from(chunk.repeat(count), 'utf8'))).toBe(true);
  });

  it('should write the rows of every page, and no file at all when a page cannot be read', async () => {
    // Arrange
    const { wave } = await octoberWave();
    const now = new Date('2026-11-01T02:00:00.000Z');
    const source = { store, blobs, clock: { now: () => now } };
    const figures = await gatherPeriod(source, { campaignId: wave.campaignId });
    const failing = Object.create(store) as SurveyStore;
    failing.answeredPages = async function* (campaignId, from, to) {
      for await (const page of store.answeredPages(campaignId, from, to)) {
        yield page;
        throw new Error('ProvisionedThroughputExceededException');
      }
    };

    // Act
    const read = await writePeriodResponses(source, figures, { language: 'en', departments: ['South'] });
    const broken = { ...figures, period: { ...figures.period, key: '2026-09' } };
    const failure = await writePeriodResponses({ ...source, store: failing }, broken, {
      language: 'en',
      departments: ['South'],
    }).catch((e: unknown) => e);

    // Assert
    expect(read).toBe(3);
    const csv = await blobs.find(periodKeys(wave.campaignId, '2026-10').csv);
    expect(csv?.split('\r\n').filter(Boolean)).toHaveLength(4); // header + 3 responses
    const south = await blobs.find(periodKeys(wave.campaignId, '2026-10', 'South').csv);
    expect(south?.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('ProvisionedThroughputExceededException');
    for (const department of [undefined, 'South']) {
      expect(await blobs.find(periodKeys(wave.campaignId, '2026-09', department).csv)).toBeUndefined();
    }
  });
});
