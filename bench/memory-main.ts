/*
 * The bounded-memory section of the bench alone (`npx tsx bench/memory-main.ts`): starts the emulators
 * as bench/run.ts does, runs bench/memory-bench.ts, prints its table and writes its figures under
 * `memory` in bench/results/latest.json (keeping the other sections there).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ensureTable } from '../local/dynamo.ts';
import { table } from './stats.ts';

const emulators = spawn(process.execPath, ['--import', 'tsx', join('bench', 'emulators.ts')], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
try {
  const [line] = (await once(createInterface({ input: emulators.stdout! }), 'line')) as [string];
  const endpoints = JSON.parse(line) as { dynamodb: string; s3: string; ses: string; events: string };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
    TABLE_NAME: 'csat-bench',
    BUCKET_NAME: 'csat-bench',
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { s3Client } = await import('../functions/adapters/s3-client.ts');
  await ensureTable(new DynamoDBClient({}), process.env.TABLE_NAME!);
  await (await s3Client()).send(new CreateBucketCommand({ Bucket: process.env.BUCKET_NAME }));

  const { MEMORY_CAPTION, memoryBench } = await import('./memory-bench.ts');
  console.log(`\n${MEMORY_CAPTION}`);
  const memory = await memoryBench();
  console.log(table(memory.rows));
  const file = join('bench', 'results', 'latest.json');
  const previous = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => ({}),
  );
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...previous, memory: memory.results }, null, 2)}\n`);
  console.log(`\nwrote ${file} (memory)`);
} finally {
  emulators.kill('SIGTERM');
}
