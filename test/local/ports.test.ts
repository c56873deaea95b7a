import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyPorts, PORT_USES, type Ports, portIsFree } from '../../local/ports.ts';
import { LocalStackError, startLocalStack } from '../../local/stack.ts';

/*
 * A second `npm start` on ports another one holds (issue 14): whichever of the six is taken, the stack
 * names it and what it serves, says how to move, starts nothing, and never dies on an unhandled
 * EADDRINUSE (s3rver's used to).
 */
const ROOT = join(import.meta.dirname, '..', '..');

/** Six consecutive free ports, found by listening on random ones and taking the first free run. */
async function freeRun(): Promise<Ports> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = {
      http: base,
      ses: base + 1,
      dynamodb: base + 2,
      s3: base + 3,
      sqs: base + 4,
      events: base + 5,
    };
    if ((await busyPorts(ports)).length === 0) return ports;
  }
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'csat-ports-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('local stack on ports already in use', () => {
  it.each(Object.keys(PORT_USES) as Array<keyof Ports>)(
    'should name the %s port and what it serves, and start nothing',
    async (name) => {
      // Arrange
      const ports = await freeRun();
      const holder = await occupy(ports[name]);
      try {
        // Act
        const started = startLocalStack({
          dataDir,
          ports,
          log: () => {},
          schedules: false,
          firstWave: false,
        });

        // Assert
        await expect(started).rejects.toBeInstanceOf(LocalStackError);
        await expect(started).rejects.toThrow(`port ${ports[name]} (${PORT_USES[name]}) is in use`);
        await expect(started).rejects.toThrow('CSAT_PORT_BASE=');
        const others = (Object.keys(ports) as Array<keyof Ports>).filter((n) => n !== name);
        for (const other of others) expect(await portIsFree(ports[other]), other).toBe(true);
      } finally {
        holder.close();
      }
    },
  );

  it('should make `npm start` print one line and exit 1, no stack trace, when the S3 port is taken', async () => {
    // Arrange: s3rver used to die of an unhandled 'error' event.
    const ports = await freeRun();
    const holder = await occupy(ports.s3);
    try {
      // Act
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'local.ts')], {
        cwd: ROOT,
        env: { ...process.env, CSAT_PORT_BASE: String(ports.http), CSAT_DATA_DIR: dataDir },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

      // Assert
      expect(code).toBe(1);
      expect(output.trim()).toBe(
        `port ${ports.s3} (S3) is in use — is another csat local stack running (from another folder)? ` +
          `Stop it, or start this one on other ports: CSAT_PORT_BASE=${ports.http + 105 - ((ports.http + 105) % 100)} npm start (CSAT_PORT_BASE=0 picks free ports).`,
      );
    } finally {
      holder.close();
    }
  }, 60_000);
});
