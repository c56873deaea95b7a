/*
 * The dispatch section of `npm run bench`: for each size, a table of its own is seeded with that many
 * customers, then the wave is dispatched in a fresh process with its V8 heap capped (bench/dispatch.ts).
 * The figures issue 13 asks for: time per customer at the largest size against the smallest's (≤ 1.2×),
 * the peak heap of one task (flat), the longest task, and the wave's time with the shards side by side.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../local/dynamo.ts';
import { startBenchEmulators, writeBenchSection } from './env.ts';

const run = promisify(execFile);

/** BENCH_DISPATCH_SIZES=10000 for a shorter run. */
export const DISPATCH_SIZES = (process.env.BENCH_DISPATCH_SIZES ?? '10000,100000').split(',').map(Number);
export const PER_CUSTOMER_TARGET = 1.2;
/** The heap a dispatch task runs in: one that held the directory would run out of it and fail the bench. */
export const DISPATCH_HEAP_MB = 128;

async function step(
  mode: 'seed' | 'run' | 'run-events',
  size: number,
  table: string,
): Promise<Record<string, number>> {
  const args = [
    ...(mode !== 'seed' ? [`--max-old-space-size=${DISPATCH_HEAP_MB}`, '--expose-gc'] : []),
    '--import',
    'tsx',
    join('bench', 'dispatch.ts'),
    mode,
    String(size),
  ];
  const { stdout } = await run(process.execPath, args, {
    env: { ...process.env, TABLE_NAME: table, NODE_NO_WARNINGS: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

export async function dispatchBench(): Promise<{
  rows: Array<Record<string, string | number>>;
  results: Record<string, unknown>;
}> {
  const bySize: Record<string, Record<string, number>> = {};
  // The same directory's wave of an event-triggered campaign (its own table, so no claim meets the other's).
  const eventsBySize: Record<string, Record<string, number>> = {};
  for (const size of DISPATCH_SIZES) {
    const table = `csat-dispatch-${size}`;
    await ensureTable(new DynamoDBClient({}), table);
    const seeded = await step('seed', size, table);
    bySize[size] = { ...seeded, ...(await step('run', size, table)) };
    const eventsTable = `csat-dispatch-events-${size}`;
    await ensureTable(new DynamoDBClient({}), eventsTable);
    await step('seed', size, eventsTable);
    eventsBySize[size] = await step('run-events', size, eventsTable);
  }
  const smallest = bySize[DISPATCH_SIZES[0]!]!;
  const row = (wave: string, by: Record<string, Record<string, number>>, size: number) => {
    const r = by[size]!;
    const smallest = by[DISPATCH_SIZES[0]!]!;
    return {
      wave,
      customers: size,
      invited: r.invited!,
      rounds: r.rounds!,
      tasks: r.tasks!,
      'µs/customer': r.usPerCustomer!,
      'vs smallest': Math.round((r.usPerCustomer! / smallest.usPerCustomer!) * 100) / 100,
      'wall s (1 worker)': Math.round(r.sequentialMs! / 100) / 10,
      'wall s (shards parallel)': Math.round(r.parallelMs! / 100) / 10,
      'longest task ms': r.maxTaskMs!,
      'peak heap MB': r.peakHeapMb!,
    };
  };
  const rows = [
    ...DISPATCH_SIZES.map((size) => row('periodic', bySize, size)),
    ...DISPATCH_SIZES.map((size) => row('event', eventsBySize, size)),
  ];
  const largest = bySize[DISPATCH_SIZES.at(-1)!]!;
  return {
    rows,
    results: {
      sizes: bySize,
      events: eventsBySize,
      heapCapMb: DISPATCH_HEAP_MB,
      perCustomerRatio: Math.round((largest.usPerCustomer! / smallest.usPerCustomer!) * 100) / 100,
      perCustomerTarget: PER_CUSTOMER_TARGET,
    },
  };
}

// `npm run bench:dispatch`: this section alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const emulators = await startBenchEmulators();
  const { table } = await import('./stats.ts');
  const { rows, results } = await dispatchBench();
  console.log(table(rows));
  // Into bench/results/latest.json under `dispatch`, beside what the last full run wrote.
  const file = await writeBenchSection('dispatch', { when: new Date().toISOString(), ...results });
  console.log(`\nwrote ${file} (dispatch)`);
  emulators.kill('SIGTERM');
}
