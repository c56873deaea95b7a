import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/csat.ts';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { type LocalStack, portsFrom, startLocalStack } from '../../local/stack.ts';
import { fixtureActions, reportAction } from '../support/report-actions.ts';

/*
 * `csat actions list` and `show` as a person runs them, against a local stack on free ports whose table
 * holds the report fixture's actions (test/support/report-actions.ts) of the demo campaign.
 */
describe('csat actions against the local stack', () => {
  let dataDir: string;
  let stack: LocalStack;
  const actions: CorrectiveAction[] = [
    ...fixtureActions('demo'),
    reportAction('evil', {
      department: 'Ops\u001b[31m',
      status: 'resolved',
      resolved: '2026-10-04T00:00:00.000Z',
      resolvedOnTime: true,
      rootCause: 'cable\ncut',
      actionTaken: 'replaced',
      reasons: [
        { kind: 'target', measure: 'item-satisfaction', actual: 0.8, target: 0.95, item: 'delivery' },
      ],
    }),
  ];

  async function csat(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await main(argv, {
      stdout: (t) => stdout.push(t),
      stderr: (t) => stderr.push(t),
      env: { CSAT_DATA_DIR: dataDir },
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csat-actions-'));
    stack = await startLocalStack({ dataDir, ports: portsFrom(0), schedules: false, firstWave: false });
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.info.endpoints.dynamodb, region: stack.info.region, credentials }),
    );
    const store = new DynamoActions(ddb, stack.info.tableName);
    for (const a of actions) expect(await store.openAction(a)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should refuse bad command lines with the usage and exit 2', async () => {
    for (const argv of [
      ['actions'],
      ['actions', 'delete', 'x'],
      ['actions', 'list'],
      ['actions', 'list', 'no-such-campaign'],
      ['actions', 'list', 'demo', '--status', 'done'],
      ['actions', 'list', 'demo', 'extra'],
      ['actions', 'list', 'demo', '--period', '2026-10'],
      ['actions', 'show'],
      ['actions', 'show', 'a1', '--status', 'open'],
      ['status', 'demo', '--status', 'open'],
    ]) {
      const { code, stderr } = await csat(...argv);
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(stderr).toContain('Usage: csat');
    }
  });

  it('should list the campaign’s actions, oldest first, with the overdue flag and reasons', async () => {
    const { code, stdout } = await csat('actions', 'list', 'demo');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+DEPARTMENT\s+STATUS\s+DUE\s+OVERDUE\s+REASONS$/);
    expect(lines).toHaveLength(1 + actions.length);
    // a3 was due on 10-10: overdue today; a1 is verified.
    expect(lines.find((l) => l.startsWith('a3 '))).toMatch(
      /Sales\s+open\s+2026-10-10\s+OVERDUE\s+total 40 < 70/,
    );
    expect(lines.find((l) => l.startsWith('a1 '))).not.toContain('OVERDUE');
    expect(lines.find((l) => l.startsWith('evil '))).toContain(
      'target item-satisfaction of delivery: 0.8 < 0.95',
    );
    expect(stdout).not.toContain('\u001b');
  });

  it('should filter by --status and give JSON with --json', async () => {
    const { code, stdout } = await csat('actions', 'list', 'demo', '--status', 'open', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<{ id: string; status: string; overdue: boolean }>;
    expect(rows.map((r) => [r.id, r.status, r.overdue])).toEqual([['a3', 'open', true]]);
    expect(stdout).not.toContain('customer');
  });

  it('should show one action with its history, and fail on an unknown id', async () => {
    const shown = await csat('actions', 'show', 'evil');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Action\s+evil$/m);
    expect(shown.stdout).toContain('Root cause:\n  cable\n  cut');
    expect(shown.stdout).toMatch(
      /History:\n {2}2026-10-01T00:00:00.000Z {2}opened {2}csat\n {2}2026-10-04T00:00:00.000Z {2}resolved/,
    );
    expect(shown.stdout).not.toContain('\u001b');
    const json = await csat('actions', 'show', 'evil', '--json');
    expect(JSON.parse(json.stdout)).toEqual(actions.at(-1));
    const missing = await csat('actions', 'show', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no corrective action "nope"');
  });
});
