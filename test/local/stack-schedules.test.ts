import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../local/ses-server.ts';
import { portsFrom, startLocalStack } from '../../local/stack.ts';

/* Its own file: a process runs one local stack configuration (the handlers keep the env they loaded with). */
describe('local stack schedules', () => {
  it('should fire the report schedule as a scheduled run: before the first wave, it logs that there is nothing to report', async () => {
    // Arrange: no first wave, so the demo campaign has none.
    const dataDir = await mkdtemp(join(tmpdir(), 'csat-schedule-'));
    const lines: string[] = [];
    const stack = await startLocalStack({
      dataDir,
      ports: portsFrom(0),
      firstWave: false,
      log: (line) => lines.push(line),
    });
    try {
      const job = stack.schedules.find((j) => j.campaignId === 'demo' && j.kind === 'report')!;

      // Act
      await job.trigger();

      // Assert: not a failure (the deployed schedule would retry and alarm), and nothing sent.
      expect(lines.filter((l) => l.startsWith('[schedule]'))).toEqual([
        '[schedule] demo report: Nothing to report for demo: no wave has been dispatched yet.',
      ]);
      const messages = (await (
        await fetch(`${stack.info.urls.mailbox}/api/messages`)
      ).json()) as StoredMessage[];
      expect(messages).toEqual([]);
    } finally {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
