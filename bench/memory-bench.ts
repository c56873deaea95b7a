/*
 * The bounded-memory section of `npm run bench` (issue 13): for each size, bench/memory.ts seeds a wave
 * of that many invitations, then runs remind, the wave report and `csat status` over it, each in a fresh
 * process with the V8 heap capped at HEAP_MB (a step that held the wave would run out of it and fail the
 * bench) and prints its time and the heap it took at its peak. The figure: the peak heap of the largest
 * size is about that of the smallest (flat), not N / smallest times it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** BENCH_MEMORY_SIZES=5000,100000 for another run. */
export const MEMORY_SIZES = (process.env.BENCH_MEMORY_SIZES ?? '5000,20000').split(',').map(Number);
export const MEMORY_HEAP_MB = Number(process.env.BENCH_MEMORY_HEAP_MB ?? 64);
/** The largest size's peak heap may be at most this many times the smallest's. */
export const MEMORY_RATIO_TARGET = 1.5;
const MODES = ['remind', 'report', 'status'] as const;

/** What the table says, above it. */
export const MEMORY_CAPTION =
  `Bounded memory: remind, the wave report (report.json/html, responses.csv streamed, digest) and csat status over one wave of ${MEMORY_SIZES.join(' / ')} invitations\n` +
  `(40 % answered, 8 departments). Each step in a fresh process, V8 heap capped at ${MEMORY_HEAP_MB} MB; peak_heap_mb = the most heap it took above its start.\n`;

async function step(mode: string, size: number): Promise<Record<string, number>> {
  const heap = mode === 'seed' ? [] : [`--max-old-space-size=${MEMORY_HEAP_MB}`, '--expose-gc'];
  const args = [...heap, '--import', 'tsx', join('bench', 'memory.ts'), mode, String(size)];
  const { stdout } = await run(process.execPath, args, {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

export async function memoryBench(): Promise<{
  rows: Array<Record<string, string | number>>;
  results: Record<string, unknown>;
}> {
  const measured = new Map<string, Record<string, number>>();
  const seeds: Record<string, unknown> = {};
  for (const size of MEMORY_SIZES) {
    seeds[size] = await step('seed', size);
    for (const mode of MODES) measured.set(`${mode}:${size}`, await step(mode, size));
  }
  const rows: Array<Record<string, string | number>> = [];
  const results: Record<string, unknown> = { heapCapMb: MEMORY_HEAP_MB, seeds };
  const smallest = MEMORY_SIZES[0]!;
  for (const mode of MODES) {
    const base = measured.get(`${mode}:${smallest}`)!;
    const perSize: Record<string, unknown> = {};
    for (const size of MEMORY_SIZES) {
      const m = measured.get(`${mode}:${size}`)!;
      const ratio = m.peakHeapMb! / base.peakHeapMb!;
      perSize[size] = { ...m, heapRatioToSmallest: ratio };
      rows.push({
        step: mode,
        invitations: size,
        ms: m.ms!,
        us_per_invitation: (m.ms! * 1000) / size,
        peak_heap_mb: m.peakHeapMb!,
        peak_rss_mb: m.peakRssMb!,
        heap_ratio: ratio,
        size_ratio: size / smallest,
        target: `≤ ${MEMORY_RATIO_TARGET}×`,
        met: ratio <= MEMORY_RATIO_TARGET ? 'yes' : 'NO',
      });
    }
    results[mode] = perSize;
  }
  return { rows, results };
}
