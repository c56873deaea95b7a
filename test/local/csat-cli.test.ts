import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_FILE } from '../../local/stack.ts';
import { csat } from '../support/local-cli.ts';

/* The csat CLI without a local stack: what it says when none runs, and how it refuses bad arguments. */
describe('csat CLI', () => {
  let empty: string;

  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'csat-nostack-'));
  });

  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('should tell to run npm start and exit 1 when no local stack runs', async () => {
    // Act
    const none = await csat(empty, 'status', 'demo');
    // A stack file left by a process that is gone.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(empty, STACK_FILE), JSON.stringify({ pid: gone, urls: {} }));
    const stale = await csat(empty, 'dispatch', 'demo');

    // Assert
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('npm start');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('npm start');
  });

  it('should exit 2 with the usage on bad arguments, without looking for a stack', async () => {
    // Act
    const results = await Promise.all([
      csat(empty),
      csat(empty, 'launch', 'demo'),
      csat(empty, 'status'),
      csat(empty, 'status', 'nope'),
      csat(empty, 'status', 'demo', 'extra'),
      csat(empty, 'status', 'demo', '--wave', 'w1'),
      csat(empty, 'status', 'demo', '--colour'),
    ]);

    // Assert
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    for (const r of results) expect(r.stderr).toContain('Usage: csat');
    expect(results[3]!.stderr).toContain('no campaign "nope" in the programme (known: demo, after-delivery)');
  });

  it('should refuse a malformed --period, naming the forms it takes, without looking for a stack', async () => {
    // Act
    const results = await Promise.all(
      ['2026-13', '2026-Q5', 'Q4', '2026-q4', '26-Q4', '2026-11-01', ''].map((key) =>
        csat(empty, 'report', 'demo', '--period', key),
      ),
    );

    // Assert: exit 2 (a stack lookup would have exited 1 with "npm start").
    for (const r of results) {
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toContain(
        'is not a period: write a month (2026-11), a quarter (2026-Q4), a half-year (2026-H2) or a year (2026)',
      );
      expect(r.stderr).toContain('Usage: csat');
    }
    expect(results[0]!.stderr).toContain('csat: --period: "2026-13" is not a period');
  });

  it('should refuse --period with --wave, and --period on any command but report', async () => {
    // Act
    const both = await csat(empty, 'report', 'demo', '--wave', 'demo-20261001T0100', '--period', '2026-Q4');
    const others = await Promise.all([
      csat(empty, 'status', 'demo', '--period', '2026-Q4'),
      csat(empty, 'dispatch', 'demo', '--period', '2026-Q4'),
      csat(empty, 'remind', 'demo', '--period', '2026-Q4'),
      csat(empty, 'customers', 'import', 'customers.csv', '--period', '2026-Q4'),
    ]);

    // Assert
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('csat: --wave and --period ask for different reports');
    for (const r of others) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('csat: --period goes with report only');
    }
  });

  it('should print the usage and exit 0 on --help', async () => {
    // Act
    const help = await csat(empty, '--help');

    // Assert
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--stack NAME');
    expect(help.stdout).toContain('report <campaign> [--wave ID | --period KEY]');
    expect(help.stdout).toMatch(
      /--period KEY\s+report: the period to report, 2026-11, 2026-Q4, 2026-H2 or 2026/,
    );
  });
});
