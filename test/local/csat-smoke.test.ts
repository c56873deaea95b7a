import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmokeReport } from '../../bin/cli/smoke.ts';
import { smokeCommand } from '../../bin/cli/smoke.ts';
import { main } from '../../bin/csat.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { SMOKE_PREFIX, SMOKE_TAG, smokeCampaignId } from '../../functions/domain/smoke.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { type LocalStack, portsFrom, startLocalStack } from '../../local/stack.ts';

/* `csat smoke` against the local stack in this process: real handlers, emulators, SES simulator events. */
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} },
  };
}

describe('csat smoke (local stack)', () => {
  let dataDir: string;
  let stack: LocalStack;
  let store: DynamoStore;
  let s3: S3Client;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csat-smoke-'));
    stack = await startLocalStack({ dataDir, ports: portsFrom(0), schedules: false, log: () => {} });
    await stack.idle(60_000);
    store = new DynamoStore(
      DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: stack.info.endpoints.dynamodb,
          region: stack.info.region,
          credentials,
        }),
      ),
      stack.info.tableName,
    );
    s3 = new S3Client({
      endpoint: stack.info.endpoints.s3,
      region: stack.info.region,
      credentials,
      forcePathStyle: true,
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Whatever of any smoke run is still stored: customers, waves, invitations, report files. */
  async function leftovers() {
    const customers = (await store.listCustomers()).filter(
      (c) => c.id.startsWith(SMOKE_PREFIX) || c.tags?.includes(SMOKE_TAG),
    );
    const waves = await store.listWaves(smokeCampaignId('demo'));
    const invitations = (await Promise.all(waves.map((w) => store.listInvitations(w.waveId)))).flat();
    const files = await s3.send(
      new ListObjectsV2Command({
        Bucket: stack.info.bucketName,
        Prefix: `reports/${smokeCampaignId('demo')}/`,
      }),
    );
    return { customers, waves, invitations, files: (files.Contents ?? []).map((o) => o.Key) };
  }

  it('should pass every step against the running stack and leave nothing of the run behind', async () => {
    // Arrange
    const before = await stack.status('demo');
    const { out, err, io } = capture();

    // Act
    const code = await main(['smoke', '--json', '--timeout', '60'], {
      ...io,
      env: { CSAT_DATA_DIR: dataDir },
    });

    // Assert
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as SmokeReport;
    expect(report.steps.map((s) => [s.step, s.status])).toEqual([
      ['customers', 'passed'],
      ['dispatch', 'passed'],
      ['send', 'passed'],
      ['survey-page', 'passed'],
      ['answer', 'passed'],
      ['wave-report', 'passed'],
      ['period-report', 'passed'],
      ['suppressions', 'passed'],
      ['cleanup', 'passed'],
    ]);
    expect(report.removed).toEqual({ customers: 3, waves: 1, invitations: 3, responses: 1, reportFiles: 6 });
    expect(await leftovers()).toEqual({ customers: [], waves: [], invitations: [], files: [] });
    // The campaign's own figures never saw the smoke wave.
    expect(await stack.status('demo')).toEqual(before);
    // The three emails went to the simulator only (and the two reports to its success address).
    const mail = (await (await fetch(`${stack.info.urls.mailbox}/api/messages`)).json()) as StoredMessage[];
    const smokeMail = mail.filter((m) => m.to.some((t) => t.endsWith('@simulator.amazonses.com')));
    expect(smokeMail.length).toBe(5);
    expect(smokeMail.flatMap((m) => m.to).every((t) => t.endsWith('@simulator.amazonses.com'))).toBe(true);
  }, 180_000);

  it('should print a line per step in words', async () => {
    // Arrange
    const { out, io } = capture();

    // Act
    const code = await main(['smoke', '--timeout', '60'], { ...io, env: { CSAT_DATA_DIR: dataDir } });

    // Assert
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^csat smoke of the local stack/);
    expect(text.match(/^✓ /gm)?.length).toBe(9);
    expect(text).toMatch(/✓ cleanup: everything the run made removed: removed 3 customer\(s\), 1 wave\(s\)/);
    expect(text).toMatch(/Smoke test passed/);
    expect(await leftovers()).toEqual({ customers: [], waves: [], invitations: [], files: [] });
  }, 180_000);

  it('should exit 1 and still remove what it made when a step fails', async () => {
    // Arrange: a fault injected before the answer is submitted, once the wave and its emails exist.
    const { out, io } = capture();
    let madeBeforeFault: Awaited<ReturnType<typeof leftovers>> | undefined;
    const hooks = {
      beforeStep: async (step: string) => {
        if (step !== 'answer') return;
        madeBeforeFault = await leftovers();
        throw new Error('injected fault');
      },
    };

    // Act
    const code = await smokeCommand([], { json: true, timeout: '60', 'data-dir': dataDir }, io, hooks);

    // Assert
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n')) as SmokeReport;
    expect(report.ok).toBe(false);
    expect(report.steps.find((s) => s.step === 'answer')).toMatchObject({
      status: 'failed',
      detail: 'injected fault',
    });
    expect(report.steps.filter((s) => s.status === 'skipped').map((s) => s.step)).toEqual([
      'wave-report',
      'period-report',
      'suppressions',
    ]);
    expect(report.steps.at(-1)).toMatchObject({ step: 'cleanup', status: 'passed' });
    expect(madeBeforeFault?.customers.length).toBe(3);
    expect(madeBeforeFault?.invitations.length).toBe(3);
    expect(report.removed).toEqual({ customers: 3, waves: 1, invitations: 3, responses: 0, reportFiles: 0 });
    expect(await leftovers()).toEqual({ customers: [], waves: [], invitations: [], files: [] });
  }, 180_000);

  it('should refuse a smoke campaign that is not in the programme before touching the stack', async () => {
    // Arrange
    const { err, io } = capture();

    // Act
    const code = await main(['smoke', '--campaign', 'nope'], { ...io, env: { CSAT_DATA_DIR: dataDir } });

    // Assert
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/no campaign "nope"/);
  });
});
