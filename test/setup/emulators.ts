import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamo } from '../../local/dynamo.ts';
import { startS3 } from '../../local/s3.ts';
import { startSes } from '../../local/ses-server.ts';
import { startSqs } from '../../local/sqs-server.ts';
import { reportGrantCoverage } from '../iam/coverage.ts';
import type { IamModel } from '../iam/guard.ts';
import { synthIamModel } from '../iam/model.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: { dynamodb: string; s3: string; ses: string; sqs: string };
    /** The synthesized stack's templates, which the IAM guard checks every handler's calls against. */
    iamModel: IamModel;
    /** Where each test file leaves the grants its handlers used (test/iam/coverage.ts). */
    iamUsageDir: string;
  }
}

/** Starts the real local emulators and synthesizes the CDK app, once for the whole test run. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'csat-test-'));
  const [dynamo, s3, ses, sqs] = await Promise.all([
    startDynamo(),
    startS3({ directory: join(dir, 's3'), buckets: [] }),
    startSes({ directory: join(dir, 'mail') }),
    // In memory and without consumers: tests read what was enqueued with ReceiveMessage.
    startSqs(),
  ]);
  const iamModel = synthIamModel();
  project.provide('iamModel', iamModel);
  project.provide('iamUsageDir', join(dir, 'iam-usage'));
  project.provide('endpoints', {
    dynamodb: dynamo.endpoint,
    s3: s3.endpoint,
    ses: ses.endpoint,
    sqs: sqs.endpoint,
  });
  return async () => {
    await reportGrantCoverage(iamModel, join(dir, 'iam-usage'));
    await Promise.all([dynamo.close(), s3.close(), ses.close(), sqs.close()]);
    await rm(dir, { recursive: true, force: true });
  };
}
