/*
 * The bounded-memory section of the bench alone (`npx tsx bench/memory-main.ts`): starts the emulators
 * as bench/run.ts does, runs bench/memory-bench.ts, prints its table and writes its figures under
 * `memory` in bench/results/latest.json (keeping the other sections there).
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ensureTable } from '../local/dynamo.ts';
import { startBenchEmulators, writeBenchSection } from './env.ts';
import { table } from './stats.ts';

const emulators = await startBenchEmulators();
try {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { s3Client } = await import('../functions/adapters/s3-client.ts');
  await ensureTable(new DynamoDBClient({}), process.env.TABLE_NAME!);
  await (await s3Client()).send(new CreateBucketCommand({ Bucket: process.env.BUCKET_NAME }));

  const { MEMORY_CAPTION, memoryBench } = await import('./memory-bench.ts');
  console.log(`\n${MEMORY_CAPTION}`);
  const memory = await memoryBench();
  console.log(table(memory.rows));
  console.log(`\nwrote ${await writeBenchSection('memory', memory.results)} (memory)`);
} finally {
  emulators.kill('SIGTERM');
}
