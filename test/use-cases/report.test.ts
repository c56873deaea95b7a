import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../functions/adapters/mime.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import { sesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { ComposeMime } from '../../functions/domain/email/message.ts';
import type { Wave } from '../../functions/domain/model.ts';
import type { Mailer, OutgoingEmail } from '../../functions/domain/ports.ts';
import { WaveNotFoundError } from '../../functions/domain/report/errors.ts';
import {
  describeReportOutcome,
  generateReport,
  type ReportDeps,
  type ReportInput,
} from '../../functions/use-cases/report.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { testStore } from '../support/fixtures.ts';

/*
 * The report's life over a wave, as the weekly schedule sees it, with a clock the test moves: the real
 * store, bucket and mail endpoint, and a mailer that notes the subject of what SES took. This file's table is its
 * own, so the demo campaign has exactly the waves seeded here.
 */
const DAY_MS = 86_400_000;
const BUCKET = process.env.BUCKET_NAME!;
const store = testStore();
const blobs = new S3Blobs(BUCKET);
const ses = new SesMailer(sesClient(), {});
const s3 = await s3Client();

/** A clock, a mailer that records subjects (and fails when told to), and the deps built on them. */
function harness() {
  let now = new Date();
  let failSends = false;
  const subjects: string[] = [];
  const composed = new WeakMap<OutgoingEmail, string>();
  const compose: ComposeMime = async (message) => {
    const email = await composeMime(message);
    composed.set(email, message.subject);
    return email;
  };
  const mailer: Mailer = {
    async send(email) {
      if (failSends) throw new Error('SES is down');
      const id = await ses.send(email);
      subjects.push(composed.get(email) ?? '?');
      return id;
    },
  };
  const deps: ReportDeps = {
    store,
    blobs,
    mailer,
    compose,
    clock: { now: () => now },
    links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
  };
  return {
    deps,
    subjects,
    at: (iso: string) => {
      now = new Date(iso);
    },
    failSends: (fail: boolean) => {
      failSends = fail;
    },
  };
}

const scheduled: ReportInput = { campaignId: 'demo', trigger: 'schedule' };
const manual: ReportInput = { campaignId: 'demo' };

async function reportObjects(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/' }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

async function seed(waveId: string, createdAt: string): Promise<Wave> {
  const wave = {
    ...reportWave({ waveId, managers: ['boss@staff.example'], language: 'en' }),
    createdAt,
    deadline: new Date(Date.parse(createdAt) + 14 * DAY_MS).toISOString(),
  };
  await store.putWave(wave);
  for (const invitation of reportInvitations(wave)) await store.putInvitation(invitation);
  return wave;
}

describe('generateReport, run by the schedule and by hand', () => {
  it('should follow a wave from no wave to progress reports to one final report', async () => {
    // Arrange: the demo campaign reports every Friday but dispatches quarterly.
    const { deps, subjects, at } = harness();

    // Act / Assert: Fridays before the first dispatch — nothing to report, and no error to retry.
    at('2025-03-21T10:00:00Z');
    expect(await generateReport(deps, scheduled)).toEqual({ campaignId: 'demo', skipped: 'no-wave' });
    await expect(generateReport(deps, manual)).rejects.toThrow(WaveNotFoundError);
    await expect(generateReport(deps, manual)).rejects.toThrow(
      'campaign "demo" has no wave yet: nothing to report',
    );
    expect(await reportObjects()).toEqual([]);
    expect(subjects).toEqual([]);

    // The wave opens on 1 April and closes on 15 April 01:00 UTC: each Friday while open, a progress report.
    const wave = await seed('demo-20250401T0100', '2025-04-01T01:00:00.000Z');
    for (const friday of ['2025-04-04T10:00:00Z', '2025-04-11T10:00:00Z']) {
      at(friday);
      expect(await generateReport(deps, scheduled)).toMatchObject({ waveId: wave.waveId, final: false });
    }
    expect(subjects).toHaveLength(2);
    expect((await store.getWave('demo', wave.waveId))?.finalReportAt).toBeUndefined();

    // The first Friday after the deadline: the final report, recorded on the wave.
    at('2025-04-18T10:00:00Z');
    expect(await generateReport(deps, scheduled)).toMatchObject({
      campaignId: 'demo',
      waveId: wave.waveId,
      emailed: 1,
      final: true,
    });
    expect(subjects).toHaveLength(3);
    expect((await store.getWave('demo', wave.waveId))?.finalReportAt).toBe('2025-04-18T10:00:00.000Z');

    // Every Friday after that until the next wave: skipped, nothing sent.
    for (const friday of ['2025-04-25T10:00:00Z', '2025-06-27T10:00:00Z']) {
      at(friday);
      expect(await generateReport(deps, scheduled)).toEqual({
        campaignId: 'demo',
        skipped: 'already-final',
        waveId: wave.waveId,
        finalReportAt: '2025-04-18T10:00:00.000Z',
      });
    }
    expect(subjects).toHaveLength(3);

    // By hand, it reports all the same; the first final report's time stays.
    expect(await generateReport(deps, manual)).toMatchObject({ waveId: wave.waveId, final: true });
    expect(subjects).toHaveLength(4);
    expect((await store.getWave('demo', wave.waveId))?.finalReportAt).toBe('2025-04-18T10:00:00.000Z');

    // The next wave starts the cycle again.
    const next = await seed('demo-20250701T0100', '2025-07-01T01:00:00.000Z');
    at('2025-07-04T10:00:00Z');
    expect(await generateReport(deps, scheduled)).toMatchObject({ waveId: next.waveId, final: false });
    expect(subjects).toHaveLength(5);
    expect(subjects.every((s) => s.includes('satisfaction index 72.33 (C)'))).toBe(true);
  });

  it('should not count a final report whose email failed, so the next run sends it', async () => {
    // Arrange: the latest wave has closed; SES fails on the first try.
    const { deps, subjects, at, failSends } = harness();
    const wave = await seed('demo-20251001T0100', '2025-10-01T01:00:00.000Z');
    at('2025-10-17T10:00:00Z');
    failSends(true);

    // Act
    await expect(generateReport(deps, scheduled)).rejects.toThrow('SES is down');
    const unmarked = await store.getWave('demo', wave.waveId);
    failSends(false);
    const retried = await generateReport(deps, scheduled);

    // Assert
    expect(unmarked?.finalReportAt).toBeUndefined();
    expect(retried).toMatchObject({ waveId: wave.waveId, final: true });
    expect(subjects).toHaveLength(1);
    expect(await generateReport(deps, scheduled)).toMatchObject({ skipped: 'already-final' });
  });

  it('should refuse an unknown named wave even on a scheduled run', async () => {
    // Arrange
    const { deps } = harness();

    // Act / Assert
    await expect(generateReport(deps, { ...scheduled, waveId: 'demo-20000101T0000' })).rejects.toThrow(
      'campaign "demo" has no wave "demo-20000101T0000"',
    );
  });
});

describe('DynamoStore.markFinalReport', () => {
  it('should record the first time only, and leave an unknown wave alone', async () => {
    // Arrange
    const wave = await seed('demo-20240101T0100', '2024-01-01T01:00:00.000Z');

    // Act
    const first = await store.markFinalReport('demo', wave.waveId, '2024-01-19T10:00:00.000Z');
    const second = await store.markFinalReport('demo', wave.waveId, '2024-01-26T10:00:00.000Z');
    const unknown = await store.markFinalReport('demo', 'demo-19990101T0000', '2024-01-26T10:00:00.000Z');

    // Assert
    expect([first, second, unknown]).toEqual([true, false, false]);
    expect(await store.getWave('demo', wave.waveId)).toEqual({
      ...wave,
      finalReportAt: '2024-01-19T10:00:00.000Z',
    });
    expect(await store.getWave('demo', 'demo-19990101T0000')).toBeUndefined();
  });
});

describe('describeReportOutcome', () => {
  it('should say in one line what a run did, skipped runs included', () => {
    // Act / Assert
    expect(describeReportOutcome({ campaignId: 'demo', skipped: 'no-wave' })).toBe(
      'Nothing to report for demo: no wave has been dispatched yet.',
    );
    expect(
      describeReportOutcome({
        campaignId: 'demo',
        skipped: 'already-final',
        waveId: 'demo-20250401T0100',
        finalReportAt: '2025-04-18T10:00:00.000Z',
      }),
    ).toBe(
      'Nothing new to report for demo: wave demo-20250401T0100 has closed and its final report went out at 2025-04-18T10:00:00.000Z.',
    );
    const keys = { json: 'a.json', csv: 'a.csv', html: 'a.html' };
    const report = { campaignId: 'demo', waveId: 'w', keys, htmlUrl: 'https://x', emailed: 2 };
    expect(describeReportOutcome({ ...report, final: false })).toBe(
      'Report of demo, wave w: emailed to 2 recipient(s).',
    );
    expect(describeReportOutcome({ ...report, final: true })).toBe(
      'Report of demo, wave w (final): emailed to 2 recipient(s).',
    );
  });
});
