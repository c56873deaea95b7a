import { randomUUID } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { MAX_PRESIGN_SECONDS, S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { findCampaign } from '../../functions/domain/programme.ts';
import { handler } from '../../functions/handlers/report/index.ts';
import type { ReportResult } from '../../functions/use-cases/report.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { programme } from '../../programme/index.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { lambdaContext, testStore } from '../support/fixtures.ts';

/* The local SES mailbox is shared by every test file running at once: only look at this file's addresses. */
const TAG = randomUUID().slice(0, 8);
const MANAGERS = [`boss-${TAG}@staff.example`, `quality-${TAG}@staff.example`];
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const BUCKET = process.env.BUCKET_NAME!;
const s3: S3Client = await s3Client();
const store = testStore();

async function mailToManagers(): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.some((to) => MANAGERS.includes(to)));
}

async function getObject(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { bytes: Buffer.from(await out.Body!.transformToByteArray()), contentType: out.ContentType };
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

/** `yyyyMMddTHHmm` in UTC, as wave ids carry it. */
const stamp = (d: Date): string => d.toISOString().slice(0, 16).replace(/[-:]/g, '');

const _REPORT_LINK = /^https:\/\/survey\.example\.test\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22})$/;

describe('report handler, scheduled runs of a campaign reporting by wave (after-delivery)', () => {
  it('should send the final report of the closed latest wave once, then skip the scheduled runs', async () => {
    // Arrange
    const closed = await seed('after-delivery-20250701T0100', '2025-07-01T01:00:00.000Z', 'after-delivery');
    const mails = (await mailToManagers()).length;

    // Act
    const final = await runReport({ campaignId: 'after-delivery', trigger: 'schedule' });
    const skipped = await run({ campaignId: 'after-delivery', trigger: 'schedule' });

    // Assert
    expect(final).toMatchObject({ waveId: closed.waveId, emailed: 2, final: true });
    expect(skipped).toEqual({
      campaignId: 'after-delivery',
      skipped: 'already-final',
      waveId: closed.waveId,
      finalReportAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await mailToManagers()).toHaveLength(mails + 1);
    expect((await store.getWave('after-delivery', closed.waveId))?.finalReportAt).toBe(
      (skipped as { finalReportAt: string }).finalReportAt,
    );
  });

  it('should send a progress report on every scheduled run while the latest wave is open, not a final one', async () => {
    // Arrange: a wave dispatched just now, newer than the closed one above, open for 14 days.
    const now = new Date();
    const open = await seed(`after-delivery-${stamp(now)}`, now.toISOString(), 'after-delivery');
    const mails = (await mailToManagers()).length;

    // Act
    const first = await runReport({ campaignId: 'after-delivery', trigger: 'schedule' });
    const second = await runReport({ campaignId: 'after-delivery', trigger: 'schedule' });

    // Assert
    expect(first).toMatchObject({ waveId: open.waveId, emailed: 2, final: false });
    expect(second).toMatchObject({ waveId: open.waveId, emailed: 2, final: false });
    expect(await mailToManagers()).toHaveLength(mails + 2);
    expect((await store.getWave('after-delivery', open.waveId))?.finalReportAt).toBeUndefined();
  });
});

describe('S3Blobs', () => {
  const blobs = new S3Blobs(BUCKET);

  it('should store bytes and text with their content type', async () => {
    await blobs.put(`test/${TAG}/a.txt`, '中文 text', 'text/plain; charset=utf-8');
    const text = await getObject(`test/${TAG}/a.txt`);
    expect(text.bytes.toString('utf8')).toBe('中文 text');
    expect(text.contentType).toBe('text/plain; charset=utf-8');
    await blobs.put(`test/${TAG}/b.bin`, new Uint8Array([0, 1, 2, 255]), 'application/octet-stream');
    expect([...(await getObject(`test/${TAG}/b.bin`)).bytes]).toEqual([0, 1, 2, 255]);
  });

  it('should presign up to 7 days and refuse longer or nonsensical lifetimes', async () => {
    const url = new URL(await blobs.presign(`test/${TAG}/a.txt`, MAX_PRESIGN_SECONDS));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
    for (const seconds of [MAX_PRESIGN_SECONDS + 1, 0, -5, 1.5, Number.NaN]) {
      await expect(blobs.presign('x', seconds)).rejects.toThrow(RangeError);
    }
  });
});
