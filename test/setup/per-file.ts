import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, inject } from 'vitest';
import { ensureTable } from '../../local/dynamo.ts';
import { describeDenials, IamGuard } from '../iam/guard.ts';
import { startFileEvents } from '../support/events.ts';

/*
 * Points the SDK at the emulators and gives this test file a fresh table, bucket and token secret,
 * before any handler module (which reads its environment at import) is loaded.
 */
const endpoints = inject('endpoints');
const suffix = randomUUID().slice(0, 8);
// s3rver accepts only its own key pair; the other emulators take any.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_SES: endpoints.ses,
  AWS_ENDPOINT_URL_SQS: endpoints.sqs,
  TABLE_NAME: `csat-test-${suffix}`,
  BUCKET_NAME: `csat-test-${suffix}`,
  TOKEN_SECRET: randomBytes(32).toString('base64url'),
  PUBLIC_BASE_URL: 'https://survey.example.test',
  SES_CONFIGURATION_SET: `csat-test-${suffix}`,
  // CSAT_TEST_LOG_LEVEL=INFO shows the handlers' logs when a test needs explaining.
  POWERTOOLS_LOG_LEVEL: process.env.CSAT_TEST_LOG_LEVEL ?? 'ERROR',
});

// Each file gets its own send queue and dispatch task queue on the shared local SQS endpoint.
const queueUrl = async (name: string) =>
  (await new SQSClient({}).send(new CreateQueueCommand({ QueueName: `csat-test-${suffix}-${name}` })))
    .QueueUrl;
process.env.SEND_QUEUE_URL = await queueUrl('send');
process.env.DISPATCH_QUEUE_URL = await queueUrl('dispatch');

// This file's own EventBridge endpoint: tests read what their handlers published (test/support/events.ts).
const events = await startFileEvents();
process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = events.endpoint;
afterAll(() => events.close());

await ensureTable(new DynamoDBClient({}), process.env.TABLE_NAME!);
await new S3Client({ forcePathStyle: true }).send(
  new CreateBucketCommand({ Bucket: process.env.BUCKET_NAME }),
);

/*
 * Every SDK call a handler makes is checked against its function's role as synthesized (test/iam). A
 * denied call fails the test it happened in, even when the handler caught the error.
 */
export const iamGuard = new IamGuard(inject('iamModel')).install();
afterEach(() => {
  const denials = iamGuard.takeDenials();
  if (denials.length > 0) {
    throw new Error(
      `AWS would deny ${denials.length} call(s) these handlers made:\n${describeDenials(denials)}`,
    );
  }
});
afterAll(async () => {
  const dir = inject('iamUsageDir');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${suffix}.json`), JSON.stringify([...iamGuard.allowed.values()]));
});
