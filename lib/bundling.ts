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
  'dispatch-worker',
  'send',
  'report',
  'import-customers',
  'remind',
  'ses-events',
  'actions',
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

/**
 * Nothing is left external but Node's built-ins: the AWS SDK and Smithy are bundled too. The Lambda
 * Node.js 22 runtime does ship SDK v3, but (1) it nests Smithy under its @aws-sdk packages, so an
 * `import '@smithy/…'` from /var/task does not resolve there (ERR_MODULE_NOT_FOUND at init: that broke
 * send and report); (2) a bundle with the SDK inside initialises faster than one that loads the runtime's
 * copy (each bundle's import alone, source maps off, on a shared 2-core machine: 149–251 ms against
 * 226–372 ms; `npm run bench:bundles` shows both), because esbuild
 * tree-shakes it into one file instead of Node resolving and loading dozens of packages; (3) it pins the
 * SDK version the tests ran. CDK externalises @aws-sdk/* for Node 18+ runtimes unless told otherwise, so
 * cdkBundlingOptions passes this empty list explicitly. test/infra/bundling.test.ts loads each bundle
 * alone in a temp dir to prove it needs nothing else.
 */
export const EXTERNAL_MODULES: readonly string[] = [];

/**
 * The function construct's NODE_OPTIONS: stack traces point at the TypeScript sources through the
 * bundle's source map. The benchmark and the isolation test load bundles with them, as Lambda does.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

export const NODE_TARGET = 'node22';

/**
 * The most a Lambda bundle may weigh (minified, the SDK inside): the test suite and the benchmark hold
 * every bundle to it. Measured with the SDK bundled: 460 KB (ses-events) to 866 KB (report); 1 MiB leaves
 * the largest about 15% to grow before someone has to look. Size is secondary to init time, which the
 * benchmark holds to 150 ms, but it is what moves it: compiling the module is a third of the import
 * (about 50 ms for send's 578 KB). `npm run bench:bundles -- <handler> [module]` shows what one is made of.
 */
export const BUNDLE_SIZE_LIMIT_BYTES = 1024 * 1024;

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
  // Stack traces need the map's mappings, not the sources it can embed: without them the map is a third
  // of the size, and Node (--enable-source-maps) parses it at every cold start.
  sourcesContent: false,
  banner: { js: CREATE_REQUIRE_BANNER },
  external: [...EXTERNAL_MODULES],
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
    sourcesContent: o.sourcesContent,
    banner: o.banner.js,
    // Explicit, even when empty: left undefined, CDK externalises @aws-sdk/* for Node 18+ runtimes.
    externalModules: [...o.external],
    forceDockerBundling: false,
  };
}
