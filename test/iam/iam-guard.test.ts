import { GetObjectCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import { handler as report } from '../../functions/handlers/report/index.ts';
import { handler as send } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import { HANDLER_NAMES } from '../../lib/bundling.ts';
import { iamGuard } from '../setup/per-file.ts';
import { dispatchHandlerNow } from '../support/dispatch-tasks.ts';
import {
  httpEvent,
  lambdaContext,
  seedCustomers,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
} from '../support/fixtures.ts';
import { runAsFunction } from './scope.ts';
import type { PolicyDocument } from './template-policies.ts';
import { functionEnvironments, physicalNamesFromEnv } from './template-policies.ts';

type Statement = { Action?: string | string[] };

/** The role of `fn` without `action` anywhere (other functions keep theirs). */
const without =
  (fn: string, action: string) =>
  (name: string, docs: PolicyDocument[]): PolicyDocument[] =>
    name !== fn
      ? docs
      : docs.map((doc) => ({
          ...doc,
          Statement: (doc.Statement as Statement[])
            .map((s) => ({ ...s, Action: [s.Action ?? []].flat().filter((a) => a !== action) }))
            .filter((s) => s.Action.length > 0),
        }));

afterEach(() => {
  // These tests provoke denials on purpose and assert on them; none may leak into the per-file check.
  iamGuard.takeDenials();
});

describe('IAM guard: the synthesized roles', () => {
  it('should find the role of each of the functions in the synthesized app', () => {
    const roles = iamGuard.policiesFor(physicalNamesFromEnv());
    expect([...roles.keys()].sort()).toEqual([...HANDLER_NAMES].sort());
    for (const docs of roles.values()) expect(docs.length).toBeGreaterThan(0);
  });

  it('should resolve every ARN in them to a plain string, as AWS evaluates them', () => {
    const json = JSON.stringify([...iamGuard.policiesFor(physicalNamesFromEnv()).values()]);
    expect(json).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    expect(json).toContain(`:table/${process.env.TABLE_NAME}`);
    expect(json).toContain(`arn:aws:s3:::${process.env.BUCKET_NAME}/reports/*`);
  });
});

describe('IAM guard: what the tests cannot call for real', () => {
  // The tests hand handlers the link key directly (TOKEN_SECRET); in AWS each one that is given the
  // secret's ARN fetches it at its first request, so its role must allow that.
  it('should let every function given TOKEN_SECRET_ARN read that secret (those that sign or check links or hash addresses)', async () => {
    const names = physicalNamesFromEnv();
    const environments = functionEnvironments(inject('iamModel').templates, names);
    const readers: string[] = [];
    for (const fn of HANDLER_NAMES) {
      const arn = environments.get(fn)?.TOKEN_SECRET_ARN;
      if (!arn) continue;
      const request = { action: 'secretsmanager:GetSecretValue', resource: arn };
      expect(await iamGuard.authorize(fn, request), fn).toBeUndefined();
      readers.push(fn);
    }
    expect(readers.sort()).toEqual([
      'dispatch',
      'dispatch-worker',
      'remind',
      'report',
      'send',
      'ses-events',
      'survey-page',
    ]);
  });
});

describe('IAM guard: a grant removed turns the handler red', () => {
  it('should deny the dispatch worker claiming customers without dynamodb:UpdateItem (the grant the stack once missed)', async () => {
    await seedCustomers([
      { id: 'iam-1', name: 'IAM', email: 'iam-1@example.test', language: 'en', department: 'east-region' },
    ]);

    await iamGuard.withPolicies(without('dispatch-worker', 'dynamodb:UpdateItem'), async () => {
      await dispatchHandlerNow({ campaignId: 'demo', scheduledTime: '2025-02-03T01:00:00Z' }).catch(() => {});
    });

    const denials = iamGuard.takeDenials();
    expect(denials.length).toBeGreaterThan(0);
    expect(denials[0]).toMatchObject({
      fn: 'dispatch-worker',
      action: 'dynamodb:UpdateItem',
      resource: `arn:aws:dynamodb:us-east-1:123456789012:table/${process.env.TABLE_NAME}`,
    });
  });

  it('should deny send without ses:SendRawEmail, so the job is returned to the queue', async () => {
    const wave = await seedWave();
    const { invitation } = await seedInvitation(wave);

    const result = (await iamGuard.withPolicies(without('send', 'ses:SendRawEmail'), () =>
      send(sqsEvent(sqsRecord({ invitationId: invitation.id, step: 'invite' })), lambdaContext()),
    )) as SQSBatchResponse;

    expect(result.batchItemFailures).toHaveLength(1);
    expect(iamGuard.takeDenials()).toEqual([
      expect.objectContaining({
        fn: 'send',
        action: 'ses:SendRawEmail',
        resource: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
      }),
    ]);
  });

  it('should deny the survey page recording an unsubscribe without dynamodb:UpdateItem, and show no 5xx internals', async () => {
    const seeded = await seedInvitation(await seedWave());

    const res = await iamGuard.withPolicies(without('survey-page', 'dynamodb:UpdateItem'), () =>
      surveyPage(
        httpEvent('POST /u/{token}', { token: seeded.unsubscribeToken, form: { lang: 'en' } }),
        lambdaContext(),
      ),
    );

    expect(res).toMatchObject({ statusCode: 500 });
    expect(iamGuard.takeDenials().map((d) => `${d.fn} ${d.action}`)).toContain(
      'survey-page dynamodb:UpdateItem',
    );
  });

  it('should fail a period report without s3:ListBucket: S3 answers the missing rollup with 403, not 404', async () => {
    await seedWave({ createdAt: '2024-08-01T01:00:00.000Z', deadline: '2024-08-15T01:00:00.000Z' });

    const run = iamGuard.withPolicies(without('report', 's3:ListBucket'), () =>
      report({ campaignId: 'demo', period: '2024-08' }, lambdaContext()),
    );

    await expect(run).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  it('should let the same period report through with the role as synthesized', async () => {
    await seedWave({ createdAt: '2024-11-04T01:00:00.000Z', deadline: '2024-11-18T01:00:00.000Z' });

    await expect(report({ campaignId: 'demo', period: '2024-11' }, lambdaContext())).resolves.toMatchObject({
      period: '2024-11',
    });
    expect(iamGuard.takeDenials()).toEqual([]);
  });
});

describe('IAM guard: S3 as AWS answers a caller', () => {
  const missing = (key: string) => async () =>
    (await s3Client()).send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));

  it('should answer a missing key with 403 to a role that may not list the bucket', async () => {
    await expect(runAsFunction('import-customers', missing('imports/none.csv'))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('should answer a missing key with NoSuchKey to a role that may list the bucket, and to the tests themselves', async () => {
    await expect(runAsFunction('report', missing('reports/none.json'))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await expect(missing('reports/none.json')()).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('should refuse a call it has no IAM mapping for, naming it, rather than let it pass unchecked', async () => {
    await expect(
      runAsFunction('report', async () => (await s3Client()).send(new ListBucketsCommand({}))),
    ).rejects.toThrow(/no IAM mapping for S3 ListBuckets/);
    expect(iamGuard.takeDenials()).toEqual([
      expect.objectContaining({ fn: 'report', action: 'S3:ListBuckets' }),
    ]);
  });

  it('should deny a role a key outside its prefix, naming function, action and resource', async () => {
    await expect(runAsFunction('report', missing('imports/customers.csv'))).rejects.toThrow(
      /csat-report.*not authorized to perform: s3:GetObject on resource: arn:aws:s3:::csat-test-\w+\/imports\/customers\.csv/,
    );
  });
});

describe('IAM guard: a multipart upload that fails midway', () => {
  it('should let the report function abort the upload of a responses.csv that failed after its first part', async () => {
    const { PART_BYTES, S3Blobs } = await import('../../functions/adapters/s3-blobs.ts');
    async function* failingCsv() {
      yield 'x'.repeat(PART_BYTES + 1024);
      throw new Error('the responses could not be read');
    }

    const upload = runAsFunction('report', () =>
      new S3Blobs(process.env.BUCKET_NAME!).putStream('reports/iam/failed.csv', failingCsv(), 'text/csv'),
    );

    // s3rver has no AbortMultipartUpload (it answers 405), so the error is the emulator's; in AWS it is
    // the reader's. What matters here is that the role may make the call.
    await expect(upload).rejects.toThrow();
    const used = [...iamGuard.allowed.values()].filter((u) => u.fn === 'report').map((u) => u.action);
    expect(used).toContain('s3:AbortMultipartUpload');
  });
});

describe('IAM guard: presigned URLs', () => {
  it('should read the object from a virtual-hosted URL as from a path-style one', async () => {
    const bucket = process.env.BUCKET_NAME!;
    const hosted = `https://${bucket}.s3.us-east-1.amazonaws.com/reports/demo/2026-Q4/report.html?X-Amz-Signature=x`;
    const pathStyle = `http://127.0.0.1:1/${bucket}/reports/demo/2026-Q4/report.html?X-Amz-Signature=x`;

    expect(await iamGuard.authorizePresignedGet('survey-page', hosted)).toBeUndefined();
    expect(await iamGuard.authorizePresignedGet('survey-page', pathStyle)).toBeUndefined();
    expect(await iamGuard.authorizePresignedGet('send', hosted)).toMatch(/Denied/);
  });
});
