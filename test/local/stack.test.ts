import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/calendar/index.ts';
import { periodOf } from '../../functions/domain/report/period.ts';
import type { PeriodReportResult } from '../../functions/use-cases/period-report.ts';
import type { CampaignStatusReport } from '../../functions/use-cases/status.ts';
import { callControl, type Ports, portsFrom, STACK_FILE, startLocalStack } from '../../local/stack.ts';
import * as localCli from '../support/local-cli.ts';
import { allAt, demoCampaign, ratingFields } from '../support/programme.ts';

const { csat, mailbox, surveyLink } = localCli;

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
      expect(parsed.returnRate).toBe(Math.round(10_000 / wave.invited) / 10_000);
      expect(parsed.waves.map((w) => w.waveId)).toEqual([wave.waveId]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(
        `Campaign demo: ${wave.invited} invited (${wave.invited} emailed), 1 answered`,
      );
      expect(human.stdout).toMatch(
        /Wave\s+Department\s+Invited\s+Emailed\s+Answered\s+Return\s+Target\s+Met/,
      );
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

  it('should make the period report through the CLI: the control API passes --period to the report function', async () => {
    // Arrange: the demo reports by quarter; the first wave is in the quarter of the day it went out.
    const stack = await startLocalStack({ dataDir, ports, log: () => {}, schedules: false });
    const tz = demoCampaign.report.schedule.timeZone;
    const firstWave = (await stack.status('demo')).waves.find((w) => w.waveId === firstWaveId)!;
    const quarter = periodOf('quarter', localDateOf(new Date(firstWave.createdAt), tz)).key;
    const heads = demoCampaign.report.departmentHeads!;
    try {
      // Act
      const json = await csat(dataDir, 'report', 'demo', '--period', quarter, '--json');
      const human = await csat(dataDir, 'report', 'demo', '--period', quarter);
      await stack.idle();
      const messages = await mailbox(stack);

      // Assert: the period's report over the wave (its invitees are of the three regions), emailed to
      // the two managers and to each department head; the printed link opens the report.
      expect(json).toMatchObject({ code: 0, stderr: '' });
      const result = JSON.parse(json.stdout) as PeriodReportResult;
      expect(result).toMatchObject({
        campaignId: 'demo',
        period: quarter,
        keys: { html: `reports/demo/${quarter}/report.html` },
        departments: ['east-region', 'north-region', 'south-region'],
        emailed: 2 + heads.length,
        final: false,
      });
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(
        `Report of demo for ${quarter}: emailed to ${2 + heads.length} recipient(s).`,
      );
      // For people: demo.json's display names (the --json result keeps the ids).
      expect(human.stdout).toContain('Departments: East region, North region, South region');
      expect(human.stdout).toMatch(new RegExp(`html\\s+reports/demo/${quarter}/report\\.html`));
      const open = /^Open: (\S+)$/m.exec(human.stdout)?.[1];
      expect(open).toMatch(new RegExp(`^${stack.info.urls.survey}/r/[A-Za-z0-9_.-]+$`));
      const redirect = await fetch(open!, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const page = await (await fetch(redirect.headers.get('location')!)).text();
      expect(page).toContain('<!doctype html>');
      expect(page).toContain(quarter);

      const digests = messages.slice(sentBeforeRestart);
      // Two runs (--json, then for people), each: one digest to both managers, one to each head.
      expect(digests).toHaveLength(2 * (1 + heads.length));
      const recipients = digests.map((m) => m.to.join(',')).sort();
      const once = [demoCampaign.report.managers.join(','), ...heads.map((h) => h.email)];
      expect(recipients).toEqual([...once, ...once].sort());
      for (const m of digests) expect(m.subject).toContain(quarter);
      sentBeforeRestart = messages.length;
    } finally {
      await stack.close();
    }
  });

  it('should refuse a malformed period at the control API, running nothing', async () => {
    // Arrange: what an older csat, or a script calling the control API itself, could send.
    const stack = await startLocalStack({ dataDir, ports, log: () => {}, schedules: false });
    try {
      // Act
      const month13 = callControl(stack.info, 'POST', 'report/demo', { period: '2026-13' });
      const both = callControl(stack.info, 'POST', 'report/demo', { waveId: firstWaveId, period: '2026-Q4' });
      const number = callControl(stack.info, 'POST', 'report/demo', { period: 2026 });
      const empty = callControl(stack.info, 'POST', 'report/demo', { period: '' });

      // Assert
      await expect(month13).rejects.toThrow('"2026-13" is not a period: write a month (2026-11)');
      await expect(both).rejects.toThrow('not both');
      await expect(number).rejects.toThrow('period must be a string');
      await expect(empty).rejects.toThrow('"" is not a period');
      await stack.idle();
      expect(await mailbox(stack)).toHaveLength(sentBeforeRestart);
    } finally {
      await stack.close();
    }
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

      // Assert: within the first wave's minute the dispatch reports that wave (done) and sends nothing
      // more; a new minute makes a new wave in which everyone was just surveyed, so it is empty and says why.
      expect(out.code).toBe(0);
      const result = JSON.parse(out.stdout) as {
        waveId: string;
        state: string;
        created: number;
        excluded?: Record<string, number>;
      };
      expect(result.waveId).toMatch(/^demo-\d{8}T\d{4}$/);
      if (result.waveId === firstWaveId) expect(result).toMatchObject({ state: 'done' });
      else expect(result).toMatchObject({ state: 'empty', created: 0 });
      if (result.state === 'empty') expect(result.excluded?.surveyedRecently).toBeGreaterThan(0);
      expect(await mailbox(stack)).toHaveLength(sentBeforeRestart);
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

  it('should run the actions sweep through the CLI and refuse a campaign without actions', async () => {
    // Arrange
    const stack = await startLocalStack({ dataDir, ports, log: () => {}, schedules: false });
    try {
      // Act
      const out = await csat(dataDir, 'actions', 'sweep', 'demo', '--json');
      const refused = await csat(dataDir, 'actions', 'sweep', 'after-delivery');

      // Assert: the handler's counts come back; nothing is overdue in a fresh stack.
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ campaignId: 'demo', escalated: 0, reminded: 0 });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/with corrective actions/);
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
      // demo.json reports by quarter: the banner names the quarter the first wave went out in.
      expect(banner).toMatch(/Report this quarter:\s+npx csat report demo --period \d{4}-Q[1-4]\n/);
      expect(banner).toMatch(/sent wave demo-\d{8}T\d{4}: \d+ invitation/);
      expect(code).toBe(0);
      await expect(access(join(dataDir, STACK_FILE))).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
