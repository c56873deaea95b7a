import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  BUNDLE_ESBUILD_OPTIONS,
  BUNDLE_SIZE_LIMIT_BYTES,
  HANDLER_NAMES,
  HANDLERS,
  PROJECT_ROOT,
} from '../lib/bundling.ts';
import { buildIsolated, type LoadResult, loadInIsolation } from '../test/support/isolated-bundle.ts';
import { median, percentile, round } from './stats.ts';

/*
 * Cold init of each Lambda bundle loaded in isolation, as test/infra/bundling.test.ts loads it: the
 * bundle alone in a temp dir outside the repo, a fresh `node` per run with the function's NODE_OPTIONS
 * (source maps on) and init environment. init = the child's `await import(bundle)`: reading, compiling
 * and evaluating the bundle, which is what our code and its dependencies cost; node_start is Node's own
 * startup before it, shown apart (on Lambda the runtime's bootstrap takes its place).
 * Beside it, two figures to decide by: the same bundle without --enable-source-maps, and the bundle as
 * it was built before (SDK and Smithy external, loaded from the repo where node_modules resolves them).
 */

/** The goal per function: median init at most this. */
export const INIT_GOAL_MS = 150;
const SDK_EXTERNAL = ['@aws-sdk/*', '@smithy/*'];

function timed(load: () => LoadResult, runs: number, label: string): { init: number[]; start: number[] } {
  const init: number[] = [];
  const start: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = load();
    if (!r.ok) throw new Error(`${label}: the bundle does not load (${r.missingModule ?? r.error})`);
    init.push(r.importMs);
    start.push(r.startupMs);
  }
  return { init, start };
}

export interface BundleInitResults {
  rows: Array<Record<string, string | number>>;
  results: Record<string, unknown>;
}

export async function measureBundleInit(
  runs = Number(process.env.BENCH_INIT_RUNS ?? 9),
): Promise<BundleInitResults> {
  const rows: BundleInitResults['rows'] = [];
  const results: Record<string, unknown> = {};
  // The SDK-external build only loads where node_modules is above it: inside the repo.
  const externalDir = join(PROJECT_ROOT, 'node_modules', '.cache', `csat-bench-external-${process.pid}`);
  mkdirSync(externalDir, { recursive: true });
  try {
    for (const name of HANDLER_NAMES) {
      const bundle = await buildIsolated(name);
      try {
        const deployed = timed(() => loadInIsolation(bundle), runs, name);
        const noMaps = timed(() => loadInIsolation(bundle, ''), runs, name);
        const file = join(externalDir, `${name}.mjs`);
        const ext = await build({
          ...BUNDLE_ESBUILD_OPTIONS,
          external: SDK_EXTERNAL,
          entryPoints: [HANDLERS[name]],
          outfile: file,
          metafile: true,
          logLevel: 'error',
        });
        const extBytes = Object.values(ext.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
        const before = timed(
          () => loadInIsolation({ dir: externalDir, file }),
          runs,
          `${name} (SDK external)`,
        );
        const initMs = median(deployed.init);
        rows.push({
          function: name,
          bundle_kb: round(bundle.bytes / 1024, 1),
          init_ms_median: round(initMs, 1),
          init_ms_p90: round(percentile(deployed.init, 90), 1),
          node_start_ms: round(median(deployed.start), 1),
          no_srcmap_ms: round(median(noMaps.init), 1),
          sdk_external_kb: round(extBytes / 1024, 1),
          sdk_external_ms: round(median(before.init), 1),
          goal: `≤ ${INIT_GOAL_MS} ms, ≤ ${BUNDLE_SIZE_LIMIT_BYTES / 1024} KB`,
          met: initMs <= INIT_GOAL_MS && bundle.bytes <= BUNDLE_SIZE_LIMIT_BYTES ? 'yes' : 'NO',
        });
        results[name] = {
          bytes: bundle.bytes,
          initMsMedian: round(initMs),
          initMsP90: round(percentile(deployed.init, 90)),
          initMsSamples: deployed.init.map((m) => round(m)),
          nodeStartMsMedian: round(median(deployed.start)),
          withoutSourceMapsInitMsMedian: round(median(noMaps.init)),
          sdkExternal: { bytes: extBytes, initMsMedian: round(median(before.init)) },
          goalMs: INIT_GOAL_MS,
          met: initMs <= INIT_GOAL_MS,
        };
      } finally {
        bundle.remove();
      }
    }
  } finally {
    rmSync(externalDir, { recursive: true, force: true });
  }
  return { rows, results };
}

export const BUNDLE_INIT_CAPTION =
  'Bundles loaded alone, as Lambda loads them (temp dir with only the bundle + map, fresh node per run, ' +
  'NODE_OPTIONS=--enable-source-maps as deployed).\n init = await import(bundle) in the child (median and ' +
  'p90); node_start = Node startup before it; no_srcmap = init without source maps;\n sdk_external = the ' +
  'former build, SDK and Smithy left external and loaded from the repo node_modules (in Lambda they do not ' +
  'resolve).\n';
