import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompressSync } from 'node:zlib';
import { c as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { npmChromiumPackage } from '../support/npm-chromium.ts';

/*
 * Which Chromium the browser tests get (test/support/chromium.ts): CHROMIUM_PATH, then an installed one,
 * then the one inside the npm package @sparticuz/chromium, so `npm install && npm test` needs no apt-get.
 */
const run = promisify(execFile);
const support = join(dirname(fileURLToPath(import.meta.url)), '..', 'support');

/** This process's environment without the two variables that steer the search. */
function plainEnv(): Record<string, string | undefined> {
  return { ...process.env, CHROMIUM_PATH: undefined, CSAT_BROWSER: undefined };
}

describe('finding a Chromium', () => {
  let dir: string;
  let fakeInstalled: string;
  let fakeOwn: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csat-find-chromium-'));
    fakeInstalled = join(dir, 'installed-chrome');
    fakeOwn = join(dir, 'my-chromium');
    for (const file of [fakeInstalled, fakeOwn]) await writeFile(file, '#!/bin/sh\n', { mode: 0o755 });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('should take CHROMIUM_PATH before an installed browser', async () => {
    const found = await findChromium({
      env: { ...plainEnv(), CHROMIUM_PATH: fakeOwn },
      systemBrowsers: [fakeInstalled],
    });
    expect(found).toMatchObject({ executablePath: fakeOwn, source: 'CHROMIUM_PATH' });
    expect(found.args).toContain('--no-sandbox');
  });

  it('should refuse a CHROMIUM_PATH that is not there rather than look elsewhere', async () => {
    const missing = join(dir, 'nothing-here');
    await expect(
      findChromium({ env: { ...plainEnv(), CHROMIUM_PATH: missing }, systemBrowsers: [fakeInstalled] }),
    ).rejects.toThrow(`CHROMIUM_PATH=${missing} does not exist`);
  });

  it('should take the first installed browser that exists before the npm one', async () => {
    const found = await findChromium({
      env: plainEnv(),
      systemBrowsers: [join(dir, 'absent'), fakeInstalled],
    });
    expect(found).toMatchObject({ executablePath: fakeInstalled, source: 'system' });
    expect(found.env).toBeUndefined();
  });

  it('should take the npm browser over CHROMIUM_PATH and installed ones when CSAT_BROWSER=npm', async () => {
    const found = await findChromium({
      env: { ...plainEnv(), CHROMIUM_PATH: fakeOwn, CSAT_BROWSER: 'npm' },
      systemBrowsers: [fakeInstalled],
    });
    expect(found.source).toBe('npm');
    expect([fakeOwn, fakeInstalled]).not.toContain(found.executablePath);
  });

  it('should say what to do when there is no browser at all', async () => {
    const emptyBin = join(dir, 'empty-bin');
    await mkdir(emptyBin, { recursive: true });
    const search = findChromium({
      env: plainEnv(),
      systemBrowsers: [join(dir, 'absent')],
      npmBinDir: emptyBin,
    });
    await expect(search).rejects.toThrow(/no Chromium to test in .*npm install.*CHROMIUM_PATH/);
  });
});

describe('the Chromium from npm', () => {
  it('should be used, launch and render Chinese text when no browser is installed', async () => {
    // Arrange: nothing installed, no CHROMIUM_PATH.
    const found = await findChromium({ env: plainEnv(), systemBrowsers: [] });
    expect(found.source).toBe('npm');
    expect(found.executablePath).not.toContain('node_modules');
    expect(existsSync(join(found.env?.LD_LIBRARY_PATH?.split(':')[0] ?? '', 'libnss3.so'))).toBe(true);
    const browser = await launchChromium({ env: plainEnv(), systemBrowsers: [] });

    try {
      // Act
      const page = await browser.newPage();
      await page.setContent(
        '<html lang="zh-CN"><body><h1>客户满意度调查</h1>' +
          '<span id="own" style="font: 40px \'Open Sans\', monospace">Satisfied</span><br>' +
          '<span id="mono" style="font: 40px monospace">Satisfied</span></body></html>',
      );

      // Assert: the page is laid out with its Chinese text, in the package's own font (fonts.tar.br):
      // Open Sans only measures differently from monospace when fontconfig finds it.
      expect(browser.version()).toMatch(/^\d+\./);
      expect(await page.getByRole('heading', { name: '客户满意度调查' }).count()).toBe(1);
      expect(await page.locator('h1').textContent()).toBe('客户满意度调查');
      const heading = await page.locator('h1').boundingBox();
      expect(heading?.width).toBeGreaterThan(0);
      const width = (id: string) => page.locator(id).evaluate((e) => e.getBoundingClientRect().width);
      expect(await width('#own')).not.toBe(await width('#mono'));
    } finally {
      await browser.close();
    }
  });

  it('should unpack into one whole directory when several processes start at once', async () => {
    // Arrange: a small stand-in for the package's bin directory (an empty tar is two zero blocks).
    const dir = await mkdtemp(join(tmpdir(), 'csat-npm-chromium-race-'));
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'chromium.br'), brotliCompressSync(Buffer.from('#!/bin/sh\necho fake\n')));
    for (const archive of ['al2023.tar.br', 'fonts.tar.br']) {
      // A real archive of one small file, as the package's are archives of libraries and fonts.
      const source = join(dir, `${archive}.d`);
      await mkdir(source);
      await writeFile(join(source, `${archive}.txt`), archive);
      const tarball = join(dir, `${archive}.tar`);
      await createTar({ file: tarball, cwd: source }, [`${archive}.txt`]);
      await writeFile(join(bin, archive), brotliCompressSync(await readFile(tarball)));
      await rm(tarball);
      await rm(source, { recursive: true });
    }
    const script = join(dir, 'unpack.mts');
    await writeFile(
      script,
      `import { npmChromium } from ${JSON.stringify(join(support, 'npm-chromium.ts'))};\n` +
        `const found = await npmChromium({ binDir: ${JSON.stringify(bin)}, cacheDir: ${JSON.stringify(join(dir, 'cache'))} });\n` +
        'console.log(found.executablePath);\n',
    );

    try {
      // Act: three processes unpack into the same cache at once.
      const outputs = await Promise.all(
        [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', script], { cwd: dirname(support) })),
      );

      // Assert: all got the same binary, it is whole, and no temporary copy is left behind.
      const paths = outputs.map((o) => o.stdout.trim());
      expect(new Set(paths)).toEqual(new Set([join(dir, 'cache', 'chromium')]));
      expect(await readFile(paths[0]!, 'utf8')).toBe('#!/bin/sh\necho fake\n');
      expect((await readdir(dir)).sort()).toEqual(['bin', 'cache', 'unpack.mts']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should know the installed package', () => {
    const found = npmChromiumPackage();
    expect(found?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(join(found?.binDir ?? '', 'chromium.br'))).toBe(true);
  });
});
