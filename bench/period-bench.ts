/*
 * The period-report section of `npm run bench`: for each size, bench/period.ts seeds a quarter of that
 * many responses, then times the report (ROUNDS fresh processes per size, interleaved; the median) and
 * responses.csv, each in a fresh process whose peak memory (maxRSS) is printed beside its time. The figure issue 4 asks for: the report of the largest size takes
 * at most 3× the smallest's, measured in the same run on the same emulators.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median } from './stats.ts';

const run = promisify(execFile);

/** BENCH_PERIOD_SIZES=1000,100000 for a shorter run. */
export const PERIOD_SIZES = (process.env.BENCH_PERIOD_SIZES ?? '1000,100000,1000000').split(',').map(Number);
export const REPORT_RATIO_TARGET = 3;

/**
 * The V8 heap the report and responses.csv steps run in: a step that held the period's responses would
 * run out of it and fail the bench, rather than just show a bigger figure.
 */
export const HEAP_MB = 256;

async function step(mode: string, size: number): Promise<Record<string, number>> {
  const heap = mode === 'seed' ? [] : [`--max-old-space-size=${HEAP_MB}`];
  const args = [...heap, '--import', 'tsx', join('bench', 'period.ts'), mode, String(size)];
  const { stdout } = await run(process.execPath, args, {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** Report runs per size, interleaved across the sizes so drift in the machine's load hits all alike. */
const ROUNDS = 3;

export async function periodBench(): Promise<{
  rows: Array<Record<string, string | number>>;
  results: Record<string, unknown>;
}> {
  const seeds = new Map<number, Record<string, number>>();
  for (const size of PERIOD_SIZES) seeds.set(size, await step('seed', size));
  const reports = new Map<number, Array<Record<string, number>>>(PERIOD_SIZES.map((s) => [s, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of PERIOD_SIZES) reports.get(size)!.push(await step('report', size));
  }
  const reportMs = (size: number) => median(reports.get(size)!.map((r) => r.reportMs!));
  const of = (size: number, key: string) => median(reports.get(size)!.map((r) => r[key]!));
  const baseline = reportMs(PERIOD_SIZES[0]!);
  const rows: Array<Record<string, string | number>> = [];
  const results: Record<string, unknown> = {};
  for (const size of PERIOD_SIZES) {
    const csv = await step('csv', size);
    const ratio = reportMs(size) / baseline;
    rows.push({
      responses: size,
      rollups_read: of(size, 'rollups'),
      rollups_mb: seeds.get(size)!.rollupMb!,
      report_ms: reportMs(size),
      gather_ms: of(size, 'gatherMs'),
      publish_ms: of(size, 'publishMs'),
      report_peak_mb: Math.max(...reports.get(size)!.map((r) => r.peakMb!)),
      ratio_to_smallest: ratio,
      target: `≤ ${REPORT_RATIO_TARGET}×`,
      met: ratio <= REPORT_RATIO_TARGET ? 'yes' : 'NO',
      csv_ms: csv.csvMs!,
      csv_mb: csv.csvMb!,
      csv_rows_per_s: Math.round((csv.rows! / csv.csvMs!) * 1000),
      csv_peak_mb: csv.peakMb!,
    });
    results[String(size)] = { seed: seeds.get(size), reports: reports.get(size), csv, ratio };
  }
  return { rows, results };
}
