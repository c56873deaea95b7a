import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { npmChromium } from './npm-chromium.ts';

/*
 * The real Chromium the browser tests run in, found in this order:
 *  1. CHROMIUM_PATH, when set (and it must exist: a typo is an error, not a quiet fallback);
 *  2. a Chrome or Chromium installed on the machine (SYSTEM_BROWSERS);
 *  3. the one inside the npm package @sparticuz/chromium, a devDependency: nothing to apt-get.
 * CSAT_BROWSER=npm skips 1 and 2, so CI proves the npm browser even where another one is installed.
 */

/** Installed browsers, checked in this order. */
export const SYSTEM_BROWSERS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'npm';

/** A browser to launch: where it is, where it came from, and what it needs beyond the common flags. */
export interface FoundBrowser {
  executablePath: string;
  source: BrowserSource;
  args: string[];
  /** The browser's whole environment, when it needs more than this process's. */
  env?: Record<string, string>;
}

export interface FindOptions {
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Defaults to SYSTEM_BROWSERS. */
  systemBrowsers?: readonly string[];
  /** Where @sparticuz/chromium's compressed files are (default: the installed package). */
  npmBinDir?: string;
  /** Where to unpack them (default: one directory per version and user under the OS temp directory). */
  npmCacheDir?: string;
}

// Without these, Chromium tries the network at start and this machine refuses it.
const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/*
 * From @sparticuz/chromium's recommended flags for its headless shell, those that fit tests. Left out on
 * purpose: --single-process (one crash takes every page), --disable-web-security,
 * --allow-running-insecure-content and --disable-site-isolation-trials (the XSS tests need the browser's
 * real protections), and the WebGL/SwiftShader ones (nothing here draws with the GPU).
 */
const NPM_ARGS = [
  '--no-zygote',
  '--disable-domain-reliability',
  '--no-pings',
  '--disable-print-preview',
  '--font-render-hinting=none',
];

const HOW_TO_GET_ONE =
  'run `npm install` (the devDependency @sparticuz/chromium carries a Chromium for x86-64 Linux), ' +
  'install Chrome or Chromium, or set CHROMIUM_PATH to a Chrome or Chromium binary';

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Finds the browser to test in (see the order above), unpacking the npm one the first time. */
export async function findChromium(options: FindOptions = {}): Promise<FoundBrowser> {
  const env = options.env ?? process.env;
  const forceNpm = env.CSAT_BROWSER === 'npm';
  if (env.CSAT_BROWSER && !forceNpm) {
    throw new Error(`CSAT_BROWSER=${env.CSAT_BROWSER}: the only value is "npm" (unset it to search)`);
  }
  if (!forceNpm && env.CHROMIUM_PATH) {
    if (!existsSync(env.CHROMIUM_PATH)) {
      throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist: point it at a Chrome or Chromium`);
    }
    return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH', args: [...COMMON_ARGS] };
  }
  const systemBrowsers = options.systemBrowsers ?? SYSTEM_BROWSERS;
  const installed = forceNpm ? undefined : systemBrowsers.find((path) => existsSync(path));
  if (installed) return { executablePath: installed, source: 'system', args: [...COMMON_ARGS] };
  let npm: Awaited<ReturnType<typeof npmChromium>>;
  try {
    npm = await npmChromium({ binDir: options.npmBinDir, cacheDir: options.npmCacheDir });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const looked = forceNpm
      ? 'CSAT_BROWSER=npm'
      : `no CHROMIUM_PATH, none of ${systemBrowsers.join(', ') || 'the installed browsers'}`;
    throw new Error(`no Chromium to test in (${looked}; ${why}): ${HOW_TO_GET_ONE}`);
  }
  const libraryPath = [npm.libDir, ...(env.LD_LIBRARY_PATH ? [env.LD_LIBRARY_PATH] : [])].join(':');
  return {
    executablePath: npm.executablePath,
    source: 'npm',
    args: [...COMMON_ARGS, ...NPM_ARGS],
    env: { ...withoutUndefined(env), LD_LIBRARY_PATH: libraryPath, FONTCONFIG_FILE: npm.fontConfigFile },
  };
}

/** Launches the real Chromium the browser tests run in, or says how to get one. */
export async function launchChromium(options: FindOptions = {}): Promise<Browser> {
  const found = await findChromium(options);
  return chromium.launch({
    executablePath: found.executablePath,
    args: found.args,
    ...(found.env ? { env: found.env } : {}),
  });
}
