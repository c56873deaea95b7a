import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertLocalEsbuild,
  BUNDLE_ESBUILD_OPTIONS,
  BUNDLE_SIZE_LIMIT_BYTES,
  CREATE_REQUIRE_BANNER,
  cdkBundlingOptions,
  HANDLER_NAMES,
  HANDLERS,
  type HandlerName,
} from '../../lib/bundling.ts';
import { CsatFunction } from '../../lib/csat-function.ts';
import {
  buildIsolated,
  filesOf,
  type IsolatedBundle,
  type LoadResult,
  loadInIsolation,
  nonBuiltinImports,
} from '../support/isolated-bundle.ts';

/*
 * Bundles every handler with the shared options, as the function construct and the benchmark do, each
 * into its own directory under the OS temp dir: outside the repo, nothing but the bundle and its map, as
 * Lambda has it in /var/task (DESIGN.md §4a). A bundle that needs any module besides Node's built-ins
 * fails here, not at its first cold start in AWS.
 */
const bundles = {} as Record<HandlerName, IsolatedBundle>;

/** Fails naming the handler and, when Node said which, the module it could not find. */
function expectLoaded(name: string, result: LoadResult): void {
  if (!result.ok) {
    expect.fail(
      `${name}: the bundle does not load alone` +
        (result.missingModule ? `: it needs ${result.missingModule}, which is not in it` : '') +
        ` (${result.error})`,
    );
  }
  expect(result.handlerType, name).toBe('function');
}

describe('lib/bundling', () => {
  beforeAll(async () => {
    await Promise.all(
      HANDLER_NAMES.map(async (name) => {
        bundles[name] = await buildIsolated(name);
      }),
    );
  });

  afterAll(() => {
    for (const b of Object.values(bundles)) b.remove();
  });

  it('should name an existing entry file for each of the nine handlers', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([
      'actions',
      'dispatch',
      'dispatch-worker',
      'import-customers',
      'remind',
      'report',
      'send',
      'ses-events',
      'survey-page',
    ]);
    for (const entry of Object.values(HANDLERS)) expect(existsSync(entry), entry).toBe(true);
  });

  it('should find esbuild installed locally, so CDK never bundles in Docker', () => {
    expect(assertLocalEsbuild()).toMatch(/^0\./);
  });

  it('should give the CDK construct the same options the benchmark uses', () => {
    // Act
    const cdk = cdkBundlingOptions();

    // Assert
    expect(cdk).toEqual({
      format: OutputFormat.ESM,
      target: BUNDLE_ESBUILD_OPTIONS.target,
      mainFields: BUNDLE_ESBUILD_OPTIONS.mainFields,
      minify: BUNDLE_ESBUILD_OPTIONS.minify,
      sourceMap: BUNDLE_ESBUILD_OPTIONS.sourcemap,
      sourcesContent: BUNDLE_ESBUILD_OPTIONS.sourcesContent,
      banner: BUNDLE_ESBUILD_OPTIONS.banner.js,
      externalModules: [],
      forceDockerBundling: false,
    });
    expect(BUNDLE_ESBUILD_OPTIONS.external).toEqual([]);
    expect(BUNDLE_ESBUILD_OPTIONS).toMatchObject({
      format: 'esm',
      platform: 'node',
      target: 'node22',
      bundle: true,
    });
  });

  it('should leave no import in any bundle but Node built-ins: the SDK and Smithy are inside', () => {
    for (const name of HANDLER_NAMES) {
      const { metafile } = bundles[name];
      // Act
      const left = nonBuiltinImports(metafile);

      // Assert
      expect(left, `${name} imports modules that are not in it`).toEqual([]);
      const inputs = Object.keys(metafile.inputs);
      expect(
        inputs.some((i) => /node_modules\/@aws-sdk\//.test(i)),
        name,
      ).toBe(true);
    }
  });

  it('should keep every bundle within the size limit', () => {
    for (const name of HANDLER_NAMES) {
      // Over it? `npm run bench:bundles -- <name>` shows what the bundle is made of.
      expect(bundles[name].bytes, name).toBeGreaterThan(0);
      expect(bundles[name].bytes, name).toBeLessThanOrEqual(BUNDLE_SIZE_LIMIT_BYTES);
    }
  });

  it('should keep the programme schemas out of send and report, which validate only their events (zod/mini)', () => {
    for (const name of ['send', 'report'] as const) {
      const classic = Object.keys(bundles[name].metafile.inputs).filter((i) =>
        /node_modules\/zod\/v4\/classic\//.test(i),
      );
      // `npm run bench:bundles -- <name> zod` shows which import brings zod in.
      expect(classic, name).toEqual([]);
    }
  });

  it('should start every bundle with the createRequire banner', () => {
    for (const name of HANDLER_NAMES) {
      expect(readFileSync(bundles[name].file, 'utf8').startsWith(CREATE_REQUIRE_BANNER), name).toBe(true);
    }
  });

  it('should load every bundle alone, in a fresh Node process outside the repo, as Lambda does', () => {
    for (const name of HANDLER_NAMES) {
      // Arrange: the directory holds the bundle and its map, nothing else (no node_modules).
      expect(filesOf(bundles[name]), name).toEqual(['index.mjs', 'index.mjs.map']);

      // Act
      const result = loadInIsolation(bundles[name]);

      // Assert
      expectLoaded(name, result);
    }
  });

  it('should get a bundle from CDK itself that loads alone (no @aws-sdk/* left external by default)', () => {
    // Arrange: the construct as the stacks use it, bundled for real by CDK with the local esbuild.
    const outdir = mkdtempSync(join(tmpdir(), 'csat-cdk-'));
    try {
      const app = new App({ outdir });
      new CsatFunction(new Stack(app, 'Bundling'), 'Send', {
        handler: 'send',
        description: 'bundling test',
        memorySize: 256,
        timeout: Duration.seconds(30),
        removalPolicy: RemovalPolicy.DESTROY,
      });

      // Act
      app.synth();
      const assets = readdirSync(outdir).filter((d) => existsSync(join(outdir, d, 'index.mjs')));

      // Assert
      expect(assets).toHaveLength(1);
      const dir = join(outdir, assets[0] as string);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      const external = [...code.matchAll(/(?:from|import\()\s*["'](@(?:aws-sdk|smithy)\/[^"']+)["']/g)];
      expect(external.map((m) => m[1])).toEqual([]);
      expectLoaded('send (bundled by CDK)', loadInIsolation({ dir, file: join(dir, 'index.mjs') }));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
