import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { x as untar } from 'tar';

/*
 * The Chromium inside the npm package @sparticuz/chromium (a devDependency), made to run on any x86-64
 * Linux, not only Lambda. The package ships a brotli-compressed headless shell (chromium.br), the NSS/NSPR
 * and expat libraries it links (al2023.tar.br) and a font (fonts.tar.br). Its own executablePath() is not
 * used: it inflates into /tmp/chromium, which a second vitest worker would take for a whole binary while
 * the first still writes it, and it only unpacks the libraries when it detects Lambda or Amazon Linux.
 * Here everything is unpacked once per machine into a private directory, then renamed into place whole.
 */

/** Where the binary, `lib/` and the fonts are, and what the browser needs in its environment. */
export interface NpmChromium {
  executablePath: string;
  /** The package's libraries (libnss3, libnspr4, libexpat…): ahead of the system's on LD_LIBRARY_PATH. */
  libDir: string;
  /** The system's fontconfig setup, if any, plus the package's fonts. */
  fontConfigFile: string;
  version: string;
}

/** The package's `bin` directory (the compressed files) and version, or undefined when it is not installed. */
export function npmChromiumPackage(): { binDir: string; version: string } | undefined {
  try {
    // Its exports map only has ".": resolve the entry point (build/cjs/index.cjs), two levels below the root.
    const root = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    if (manifest.name !== '@sparticuz/chromium') return undefined;
    return { binDir: join(root, 'bin'), version: manifest.version };
  } catch {
    return undefined;
  }
}

/** This machine's cache for one version of the package's browser (per user: /tmp is shared). */
export function defaultCacheDir(version: string): string {
  return join(tmpdir(), `csat-chromium-${version}-${process.getuid?.() ?? 'user'}`);
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function described(dir: string, version: string): NpmChromium {
  return {
    executablePath: join(dir, 'chromium'),
    libDir: join(dir, 'lib'),
    fontConfigFile: join(dir, 'fonts.conf'),
    version,
  };
}

/** Unpacks everything into `dir`, which nobody sees until it is renamed to `final`. */
async function unpack(binDir: string, dir: string, final: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await pipeline(
    createReadStream(join(binDir, 'chromium.br')),
    createBrotliDecompress({ chunkSize: 2 ** 21 }),
    createWriteStream(join(dir, 'chromium'), { mode: 0o755 }),
  );
  for (const archive of ['al2023.tar.br', 'fonts.tar.br']) {
    // node-tar refuses members that would land outside `dir` (absolute paths, `..`).
    await pipeline(createReadStream(join(binDir, archive)), createBrotliDecompress(), untar({ cwd: dir }));
  }
  // The package's fonts.conf lists Lambda's directories; this one keeps the system's configuration (and
  // so any CJK font installed there) and adds the package's fonts, with a cache of its own.
  await writeFile(
    join(dir, 'fonts.conf'),
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
      '<fontconfig>',
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
      `  <dir>${xml(join(final, 'fonts'))}</dir>`,
      `  <cachedir>${xml(join(final, 'fontconfig-cache'))}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'),
  );
}

const pending = new Map<string, Promise<NpmChromium>>();

/**
 * The package's browser, unpacked into `cacheDir` the first time (a few seconds) and reused after.
 * Several processes may call this at once: each unpacks into its own temporary directory and renames it
 * to `cacheDir`; the first rename wins, the others drop their copy. A directory at `cacheDir` is whole.
 */
export function npmChromium(options: { binDir?: string; cacheDir?: string } = {}): Promise<NpmChromium> {
  const found = npmChromiumPackage();
  const binDir = options.binDir ?? found?.binDir;
  if (!binDir || !existsSync(join(binDir, 'chromium.br'))) {
    return Promise.reject(new Error(`@sparticuz/chromium is not installed (no ${binDir ?? 'package'})`));
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return Promise.reject(
      new Error(`@sparticuz/chromium only runs on x86-64 Linux, not ${process.platform}/${process.arch}`),
    );
  }
  const version = found?.version ?? 'unknown';
  const dir = options.cacheDir ?? defaultCacheDir(version);
  const existing = pending.get(dir);
  if (existing) return existing;
  const ready = (async () => {
    if (existsSync(join(dir, 'chromium'))) return described(dir, version);
    const temporary = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await unpack(binDir, temporary, dir);
      await mkdir(dirname(dir), { recursive: true });
      await rename(temporary, dir);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      // Another process renamed its copy first: that one is whole, use it.
      if (!existsSync(join(dir, 'chromium'))) throw error;
    }
    return described(dir, version);
  })();
  pending.set(dir, ready);
  ready.catch(() => pending.delete(dir));
  return ready;
}
