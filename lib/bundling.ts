import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/*
 * One set of esbuild options for every Lambda bundle: the CDK function construct turns them into
 * NodejsFunction bundling props, and the benchmark hands them to esbuild directly to measure what ships.
 */

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const HANDLER_NAMES = [
  'survey-page',
  'dispatch',
  'send',
  'report',
  'import-customers',
  'remind',
  'ses-events',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Each handler's entry file, as an absolute path. */
export const HANDLERS: Readonly<Record<HandlerName, string>> = Object.freeze(
  Object.fromEntries(
    HANDLER_NAMES.map((name) => [name, join(PROJECT_ROOT, 'functions', 'handlers', name, 'index.ts')]),
  ) as Record<HandlerName, string>,
);

/**
 * ESM has no `require`; bundled CommonJS dependencies (nodemailer, parts of Powertools) call it for Node
 * built-ins, so the bundle defines one.
 */
export const CREATE_REQUIRE_BANNER =
  "import{createRequire as __csatCreateRequire}from'node:module';const require=__csatCreateRequire(import.meta.url);";

/** The Lambda Node.js 22 runtime ships AWS SDK v3 (and the Smithy packages it is built on). */
export const RUNTIME_PROVIDED_MODULES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

export const NODE_TARGET = 'node22';

/**
 * The most a Lambda bundle may weigh (minified, the SDK left to the runtime): the test suite and the
 * benchmark hold every bundle to it. `npm run bench:bundles -- <handler> [module]` shows what one is made of.
 */
export const BUNDLE_SIZE_LIMIT_BYTES = 300 * 1024;

export const BUNDLE_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: NODE_TARGET,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // Prefer packages' ESM builds: they tree-shake and skip the CommonJS interop wrappers.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  banner: { js: CREATE_REQUIRE_BANNER },
  external: [...RUNTIME_PROVIDED_MODULES],
} satisfies BuildOptions;

/**
 * Fails synth when esbuild is missing: NodejsFunction would otherwise build a Docker image and bundle in
 * it, which needs Docker and the network, and produces bundles the benchmark never measured.
 */
export function assertLocalEsbuild(): string {
  try {
    return createRequire(import.meta.url)('esbuild/package.json').version as string;
  } catch {
    throw new Error(
      'esbuild is not installed, and csat never falls back to bundling in Docker: run `npm install` ' +
        '(esbuild is a devDependency) and synth again',
    );
  }
}

/** BUNDLE_ESBUILD_OPTIONS as NodejsFunction bundling props (the CDK names the same esbuild flags). */
export function cdkBundlingOptions(): BundlingOptions {
  const o = BUNDLE_ESBUILD_OPTIONS;
  return {
    format: OutputFormat.ESM, // CDK names the output index.mjs for ESM
    target: o.target,
    mainFields: [...o.mainFields],
    minify: o.minify,
    sourceMap: o.sourcemap,
    banner: o.banner.js,
    externalModules: [...o.external],
    forceDockerBundling: false,
  };
}
