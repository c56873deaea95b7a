/*
 * The period-report section of `npm run bench`: for each size, bench/period.ts seeds a quarter of that
 * many responses, then times the report and responses.csv, each in a fresh process whose peak memory
 * (maxRSS) is printed beside its time. The figure issue 4 asks for: the report of the largest size takes
 * at most 3× the smallest's, measured in the same run on the same emulators.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

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

export async function periodBench(): Promise<{
  rows: Array<Record<string, string | number>>;
  results: Record<string, unknown>;
}> {
  const rows: Array<Record<string, string | number>> = [];
  const results: Record<string, unknown> = {};
  let baseline: number | undefined;
  for (const size of PERIOD_SIZES) {
    const seed = await step('seed', size);
    const report = await step('report', size);
    const csv = await step('csv', size);
    baseline ??= report.reportMs!;
    const ratio = report.reportMs! / baseline;
    rows.push({
      responses: size,
      rollups_read: report.rollups!,
      report_ms: report.reportMs!,
      gather_ms: report.gatherMs!,
      publish_ms: report.publishMs!,
      report_peak_mb: report.peakMb!,
      ratio_to_smallest: ratio,
      target: `≤ ${REPORT_RATIO_TARGET}×`,
      met: ratio <= REPORT_RATIO_TARGET ? 'yes' : 'NO',
      csv_ms: csv.csvMs!,
      csv_mb: csv.csvMb!,
      csv_rows_per_s: Math.round((csv.rows! / csv.csvMs!) * 1000),
      csv_peak_mb: csv.peakMb!,
    });
    results[String(size)] = { seed, report, csv, ratio };
  }
  return { rows, results };
}
