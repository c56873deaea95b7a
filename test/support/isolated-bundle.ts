import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import {
  BUNDLE_ESBUILD_OPTIONS,
  HANDLERS,
  type HandlerName,
  LAMBDA_NODE_OPTIONS,
} from '../../lib/bundling.ts';

/*
 * A handler bundle loaded as Lambda loads it (DESIGN.md §4a): built with the shared options into a fresh
 * directory under the OS temp dir (outside the repo, so no node_modules above it), holding nothing but
 * the bundle and its source map, and imported by a fresh `node` process started in that directory with
 * only the environment the function has at init. Whatever the bundle imports that is not inside it must
 * be a Node built-in: the Lambda runtime's own SDK copy is not used (lib/bundling.ts says why), and what
 * it nests (@smithy/*) would not resolve from /var/task anyway. The infra test and the benchmark share it.
 */

/**
 * What the handlers read at init (requireEnv at module scope) or may read on first use, with values of
 * the right shape, and nothing from this machine: no endpoints, no credentials, no NODE_PATH.
 */
export const INIT_ENV: Readonly<Record<string, string>> = Object.freeze({
  AWS_REGION: 'eu-west-1',
  TABLE_NAME: 'csat-isolated',
  BUCKET_NAME: 'csat-isolated',
  PUBLIC_BASE_URL: 'https://surveys.example.com',
  SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/csat-send',
  DISPATCH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/csat-dispatch',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:csat-token-AbCdEf',
  SES_CONFIGURATION_SET: 'csat',
  POWERTOOLS_SERVICE_NAME: 'csat',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  // The SDK's warning that its 2027 releases need Node 22: this machine runs 20, Lambda 22.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

export interface IsolatedBundle {
  handler: HandlerName;
  /** The temp directory holding only the bundle and its map. */
  dir: string;
  /** The entry file (index.mjs, as CDK names an ESM bundle). */
  file: string;
  /** The entry file's bytes. */
  bytes: number;
  metafile: Metafile;
  remove(): void;
}

/** Builds one handler with BUNDLE_ESBUILD_OPTIONS (plus `overrides`) into a fresh temp directory. */
export async function buildIsolated(
  handler: HandlerName,
  overrides: BuildOptions = {},
): Promise<IsolatedBundle> {
  const dir = mkdtempSync(join(tmpdir(), `csat-${handler}-`));
  const { metafile } = await build({
    ...BUNDLE_ESBUILD_OPTIONS,
    ...overrides,
    entryPoints: { index: HANDLERS[handler] },
    outdir: dir,
    metafile: true,
    logLevel: 'silent',
  });
  const entry = Object.values(metafile.outputs).find((o) => o.entryPoint);
  return {
    handler,
    dir,
    file: join(dir, 'index.mjs'),
    bytes: entry?.bytes ?? 0,
    metafile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The files of the bundle's directory, to check it holds nothing else. */
export const filesOf = (bundle: IsolatedBundle): string[] => readdirSync(bundle.dir).sort();

/**
 * Every import left in the bundle's output that is not a Node built-in (`node:*` or a bare builtin
 * name): each is a module Lambda would have to find beside the bundle.
 */
export function nonBuiltinImports(metafile: Metafile): string[] {
  const paths = Object.values(metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  return [...new Set(paths.filter((p) => !isBuiltin(p)))].sort();
}

export type LoadResult =
  | {
      ok: true;
      /** `typeof handler` of the loaded module. */
      handlerType: string;
      /** From process start to the import starting: Node's own startup. */
      startupMs: number;
      /** The import: reading, compiling and evaluating the bundle (its module-scope init). */
      importMs: number;
    }
  | { ok: false; missingModule: string | undefined; error: string };

/** The module a failed import could not find, from Node's ERR_MODULE_NOT_FOUND message. */
export function missingModuleOf(stderr: string): string | undefined {
  return /Cannot find (?:package|module) '([^']+)'/.exec(stderr)?.[1];
}

/**
 * Imports the bundle in a fresh Node process whose working directory is the bundle's own temp dir, with
 * INIT_ENV, PATH and the NODE_OPTIONS the function construct deploys (LAMBDA_NODE_OPTIONS), unless
 * `nodeOptions` says otherwise. Times are the child's performance.now(), which counts from its start.
 */
export function loadInIsolation(
  bundle: Pick<IsolatedBundle, 'dir' | 'file'>,
  nodeOptions = LAMBDA_NODE_OPTIONS,
): LoadResult {
  const url = pathToFileURL(bundle.file).href;
  const script =
    `const t0=performance.now();const m=await import(${JSON.stringify(url)});const t1=performance.now();` +
    'console.log(JSON.stringify({handlerType:typeof m.handler,startupMs:t0,importMs:t1-t0}));';
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundle.dir,
      // A fresh environment, so nothing of the parent's leaks in (NODE_PATH above all).
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: nodeOptions, ...INIT_ENV },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const last = out.trim().split('\n').pop() ?? '';
    return {
      ok: true,
      ...(JSON.parse(last) as { handlerType: string; startupMs: number; importMs: number }),
    };
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? e);
    const error = stderr
      .split('\n')
      .filter((l) => /Error/.test(l))
      .join(' ')
      .slice(0, 500);
    return { ok: false, missingModule: missingModuleOf(stderr), error: error || stderr.slice(0, 500) };
  }
}
