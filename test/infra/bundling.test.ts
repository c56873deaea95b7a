import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type Metafile } from 'esbuild';
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
  PROJECT_ROOT,
} from '../../lib/bundling.ts';

/*
 * Bundles every handler with the shared options, as the function construct and the benchmark do. The
 * bundles go under node_modules/.cache so that the runtime-provided @aws-sdk/* resolve when Node loads
 * them, as they do in Lambda.
 */
const outDir = join(PROJECT_ROOT, 'node_modules', '.cache', `csat-infra-test-${process.pid}`);
const bundles = {} as Record<HandlerName, { file: string; metafile: Metafile }>;

describe('lib/bundling', () => {
  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    await Promise.all(
      HANDLER_NAMES.map(async (name) => {
        const file = join(outDir, `${name}.mjs`);
        const { metafile } = await build({
          ...BUNDLE_ESBUILD_OPTIONS,
          entryPoints: [HANDLERS[name]],
          outfile: file,
          metafile: true,
          logLevel: 'silent',
        });
        bundles[name] = { file, metafile };
      }),
    );
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('should name an existing entry file for each of the seven handlers', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([
      'dispatch',
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
      banner: BUNDLE_ESBUILD_OPTIONS.banner.js,
      externalModules: BUNDLE_ESBUILD_OPTIONS.external,
      forceDockerBundling: false,
    });
    expect(BUNDLE_ESBUILD_OPTIONS).toMatchObject({
      format: 'esm',
      platform: 'node',
      target: 'node22',
      bundle: true,
    });
  });

  it('should leave the AWS SDK and Smithy out of every bundle', () => {
    for (const name of HANDLER_NAMES) {
      const inputs = Object.keys(bundles[name].metafile.inputs);
      expect(
        inputs.filter((i) => /node_modules\/@(aws-sdk|smithy)\//.test(i)),
        name,
      ).toEqual([]);
      const imports = Object.values(bundles[name].metafile.outputs).flatMap((o) =>
        o.imports.map((i) => i.path),
      );
      expect(
        imports.some((p) => p.startsWith('@aws-sdk/')),
        name,
      ).toBe(true);
    }
  });

  it('should keep every bundle within the size limit', () => {
    for (const name of HANDLER_NAMES) {
      const output = Object.values(bundles[name].metafile.outputs).find((o) => o.entryPoint);
      // Over it? `npm run bench:bundles -- <name>` shows what the bundle is made of.
      expect(output?.bytes, name).toBeLessThanOrEqual(BUNDLE_SIZE_LIMIT_BYTES);
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

  it('should produce ES modules that Node loads and that export a handler function', () => {
    for (const name of HANDLER_NAMES) {
      // Act: a fresh Node process, as a Lambda cold start; the env is this test file's (emulators).
      const script = `const m = await import(${JSON.stringify(pathToFileURL(bundles[name].file).href)}); console.log(typeof m.handler);`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        encoding: 'utf8',
      });

      // Assert
      expect(out.trim().split('\n').pop(), name).toBe('function');
    }
  });
});
