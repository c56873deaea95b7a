import { spawn, spawnSync } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/csat.ts';
import type { CampaignStatusReport } from '../../functions/use-cases/status.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { type LocalStack, type Ports, portsFrom, STACK_FILE, startLocalStack } from '../../local/stack.ts';
import { allAt, ratingFields } from '../support/programme.ts';

/** Runs the CLI in this process against the stack in `dataDir`. */
async function csat(dataDir: string, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    stdout: (t) => stdout.push(t),
    stderr: (t) => stderr.push(t),
    env: { CSAT_DATA_DIR: dataDir },
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

async function mailbox(stack: LocalStack): Promise<StoredMessage[]> {
  return (await fetch(`${stack.info.urls.mailbox}/api/messages`)).json() as Promise<StoredMessage[]>;
}

async function surveyLink(stack: LocalStack, message: StoredMessage): Promise<string> {
  const raw = await fetch(`${stack.info.urls.mailbox}/api/messages/${message.id}/raw`);
  const parsed = await simpleParser(Buffer.from(await raw.arrayBuffer()));
  const link = new RegExp(`${stack.info.urls.survey}/s/[A-Za-z0-9_.-]+`).exec(parsed.text ?? '')?.[0];
  expect(link).toBeDefined();
  return link!;
}

describe('local stack (npm start)', () => {
  let dataDir: string;
  let ports: Ports;
  let firstWaveId: string;
  let sentBeforeRestart: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csat-local-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should seed the demo, email the first wave, serve its links and answer the csat CLI', async () => {
    // Arrange
    const stack = await startLocalStack({ dataDir, ports: portsFrom(0), log: () => {} });
    ports = stack.ports;
    try {
      // Act: the first wave goes out on its own.
      await stack.idle(60_000);
      const messages = await mailbox(stack);
      const link = await surveyLink(stack, messages[0]!);
      const page = await fetch(link);
      const answer = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(ratingFields(allAt('satisfied'))).toString(),
      });
      const status = await csat(dataDir, 'status', 'demo', '--json');
      const human = await csat(dataDir, 'status', 'demo');
      const report = await csat(dataDir, 'report', 'demo', '--json');

      // Assert
      expect(stack.firstWave).toMatchObject({ campaignId: 'demo' });
      const wave = stack.firstWave!;
      firstWaveId = wave.waveId;
      expect(wave.invited).toBeGreaterThan(0);
      expect(wave.created).toBe(wave.invited);
      expect(messages).toHaveLength(wave.invited);
      expect(new Set(messages.map((m) => m.to.join(','))).size).toBe(wave.invited);
      expect(stack.deadLetters()).toBe(0);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.status).toBe(200);

      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.stdout) as CampaignStatusReport;
      expect(parsed).toMatchObject({ campaignId: 'demo', invited: wave.invited, answered: 1 });
      expect(parsed.returnRate).toBeCloseTo(1 / wave.invited, 12);
      expect(parsed.waves.map((w) => w.waveId)).toEqual([wave.waveId]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(`Campaign demo: ${wave.invited} invited, 1 answered`);
      expect(human.stdout).toMatch(/Wave\s+Department\s+Invited\s+Answered\s+Return\s+Target\s+Met/);
      // demo.json's targets, carried by the wave's snapshot: north-region 10 %, the 30 % default overall.
      expect(parsed).toMatchObject({ target: 0.3, waves: [{ target: 0.3 }] });
      expect(parsed.departments.find((d) => d.department === 'north-region')?.target).toBe(0.1);

      expect(report.code).toBe(0);
      const reported = JSON.parse(report.stdout);
      expect(reported).toMatchObject({ campaignId: 'demo', waveId: wave.waveId, emailed: 2 });
      // The link the CLI prints (and the email carries) goes through the bridge to the file in s3rver.
      expect(reported.htmlUrl).toMatch(new RegExp(`^${stack.info.urls.survey}/r/[A-Za-z0-9_.-]+$`));
      const redirect = await fetch(reported.htmlUrl, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const reportPage = await fetch(redirect.headers.get('location')!);
      expect(reportPage.status).toBe(200);
      expect(await reportPage.text()).toContain('<!doctype html>');
      await stack.idle();
      const afterReport = await mailbox(stack);
      // The digest is one message to both managers.
      expect(afterReport.flatMap((m) => m.to)).toHaveLength(wave.invited + 2);
      sentBeforeRestart = afterReport.length;
    } finally {
      await stack.close();
    }
    await expect(access(join(dataDir, STACK_FILE))).rejects.toThrow();
  });

  it('should keep the data and send nothing when restarted on the same folder', async () => {
    // Act
    const stack = await startLocalStack({ dataDir, ports, log: () => {} });
    try {
      await stack.idle(30_000);
      const messages = await mailbox(stack);
      const status = await csat(dataDir, 'status', 'demo', '--json');

      // Assert
      expect(stack.firstWave).toBeUndefined();
      expect(messages).toHaveLength(sentBeforeRestart);
      expect(JSON.parse(status.stdout)).toMatchObject({ answered: 1, waves: [{ waveId: firstWaveId }] });
    } finally {
      await stack.close();
    }
  });

  it('should dispatch through the CLI and wait until the invitations are out', async () => {
    // Arrange
    const stack = await startLocalStack({ dataDir, ports, log: () => {} });
    try {
      // Act
      const out = await csat(dataDir, 'dispatch', 'demo', '--json');

      // Assert: a new minute makes a new wave; within the first one's minute the dispatch is a no-op.
      expect(out.code).toBe(0);
      const result = JSON.parse(out.stdout) as { waveId: string; invited: number; created: number };
      expect(result.waveId).toMatch(/^demo-\d{8}T\d{4}$/);
      expect(result.created).toBe(result.waveId === firstWaveId ? 0 : result.invited);
      expect(await mailbox(stack)).toHaveLength(sentBeforeRestart + result.created);
    } finally {
      await stack.close();
    }
  });

  it('should run the reminder sweep through the CLI: nothing is due the day the wave went out', async () => {
    // Arrange
    const stack = await startLocalStack({ dataDir, ports, log: () => {}, schedules: false });
    try {
      // Act
      const out = await csat(dataDir, 'remind', 'demo', '--json');

      // Assert: every open wave was looked at; none is 3 working days old, so nothing was queued or sent.
      expect(out.code).toBe(0);
      const result = JSON.parse(out.stdout) as { queued: number; waves: Array<{ waveId: string }> };
      expect(result.queued).toBe(0);
      expect(result.waves.map((w) => w.waveId)).toContain(firstWaveId);
      const reminders = (await mailbox(stack)).filter((m) => /^(提醒|Reminder)/.test(m.subject));
      expect(reminders).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('should refuse to start a second stack on a folder whose stack is running', async () => {
    // Arrange
    const stack = await startLocalStack({ dataDir, ports, log: () => {}, schedules: false });
    const other = join(dataDir, STACK_FILE);
    const running = JSON.parse(await readFile(other, 'utf8'));
    // Pretend the running stack belongs to another live process (this test runner's parent).
    await writeFile(other, JSON.stringify({ ...running, pid: process.ppid }));
    try {
      // Act / Assert
      await expect(startLocalStack({ dataDir, ports: portsFrom(0), log: () => {} })).rejects.toThrow(
        /already running/,
      );
    } finally {
      await writeFile(other, JSON.stringify(running));
      await stack.close();
    }
  });
});

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

  it('should print the usage and exit 0 on --help', async () => {
    // Act
    const help = await csat(empty, '--help');

    // Assert
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--stack NAME');
  });
});

describe('npm start (bin/local.ts)', () => {
  it('should print the mailbox and survey URLs and how to report, and stop cleanly on Ctrl-C', async () => {
    // Arrange
    const dataDir = await mkdtemp(join(tmpdir(), 'csat-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, CSAT_DATA_DIR: dataDir, CSAT_PORT_BASE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    try {
      // Act
      for (let i = 0; i < 600 && !output.includes('Ctrl-C stops'); i++) {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const banner = output;
      const info = JSON.parse(await readFile(join(dataDir, STACK_FILE), 'utf8'));
      child.kill('SIGINT');
      const code = await exited;

      // Assert
      expect(banner).toContain(`Mailbox      ${info.urls.mailbox}/`);
      expect(banner).toContain(`Survey base  ${info.urls.survey}/s/{token}`);
      expect(banner).toContain('npx csat report demo');
      expect(banner).toMatch(/sent wave demo-\d{8}T\d{4}: \d+ invitation/);
      expect(code).toBe(0);
      await expect(access(join(dataDir, STACK_FILE))).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
