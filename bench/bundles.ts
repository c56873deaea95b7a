/*
 * `npm run bench:bundles`: each Lambda bundle's size and cold init, in a minute and without the
 * emulators (`npm run bench` measures the same as part of the whole run).
 *   npm run bench:bundles                   every handler's size and isolated init time against the goals
 *                                           (bench/bundle-init.ts), also written to bench/results/latest.json
 *   npm run bench:bundles -- report         that bundle's bytes per package and per folder of ours
 *   npm run bench:bundles -- report zod     why it holds zod: the import chain from the handler to each
 *                                           file of ours that imports a module starting with `zod`
 * Sizes are esbuild's, with the options the CDK function construct uses (lib/bundling.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_ESBUILD_OPTIONS, HANDLERS, type HandlerName } from '../lib/bundling.ts';
import { BUNDLE_INIT_CAPTION, measureBundleInit } from './bundle-init.ts';
import { table } from './stats.ts';

const [name, imported] = process.argv.slice(2);

async function bundle(handler: HandlerName): Promise<{ bytes: number; metafile: Metafile }> {
  const { metafile } = await build({
    ...BUNDLE_ESBUILD_OPTIONS,
    entryPoints: [HANDLERS[handler]],
    outdir: 'bundles',
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  return { bytes: output?.bytes ?? 0, metafile };
}

const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

/** A package's name, or the folder of a file of ours. */
const groupOf = (input: string): string =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.replace(/\/[^/]*$/, '/');

if (!name) {
  const { rows, results } = await measureBundleInit();
  console.log(`\n${BUNDLE_INIT_CAPTION}`);
  console.log(table(rows));
  // Into the full run's results, replacing only its bundles part.
  const latest = join('bench', 'results', 'latest.json');
  const all = existsSync(latest) ? JSON.parse(await readFile(latest, 'utf8')) : {};
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(latest, `${JSON.stringify({ ...all, bundles: results }, null, 2)}\n`);
  console.log(`\nwrote the bundles part of ${latest}`);
} else if (!(name in HANDLERS)) {
  console.error(`no handler "${name}" (known: ${Object.keys(HANDLERS).join(', ')})`);
  process.exitCode = 1;
} else if (!imported) {
  const { bytes, metafile } = await bundle(name as HandlerName);
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const groups = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    groups.set(groupOf(input), (groups.get(groupOf(input)) ?? 0) + bytesInOutput);
  }
  console.log(`${name}: ${kb(bytes)} KB\n`);
  console.log(
    table(
      [...groups]
        .sort((a, b) => b[1] - a[1])
        .map(([group, bytesInOutput]) => ({ kb: kb(bytesInOutput), from: group })),
    ),
  );
} else {
  const { metafile } = await bundle(name as HandlerName);
  const { inputs } = metafile;
  // Breadth first from the handler: each file's importer on a shortest chain.
  const entry = Object.keys(inputs).find((p) => p.endsWith(`handlers/${name}/index.ts`)) ?? '';
  const importer = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const i of inputs[file]?.imports ?? []) {
      if (i.external || importer.has(i.path)) continue;
      importer.set(i.path, file);
      queue.push(i.path);
    }
  }
  let found = 0;
  for (const [file, { imports }] of Object.entries(inputs)) {
    if (file.includes('node_modules/')) continue;
    const hits = imports.filter((i) => i.original?.startsWith(imported)).map((i) => i.original);
    if (hits.length === 0) continue;
    const chain: string[] = [];
    for (let f: string | undefined = file; f !== undefined; f = importer.get(f)) chain.unshift(f);
    console.log(`${chain.join('\n  -> ')}\n  imports ${[...new Set(hits)].join(', ')}\n`);
    found++;
  }
  if (found === 0) console.log(`${name}: no file of ours imports ${imported}*`);
}
