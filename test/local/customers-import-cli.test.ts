import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/csat.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { ImportCustomersReport } from '../../functions/use-cases/import-customers.ts';
import { type LocalStack, portsFrom, startLocalStack } from '../../local/stack.ts';

/* `csat customers import` run in this process against a local stack on free ports, as a person runs it. */
const BAD_CSV = fileURLToPath(new URL('../fixtures/customers-bad.csv', import.meta.url));

describe('csat customers import against the local stack', () => {
  let dataDir: string;
  let stack: LocalStack;
  let store: DynamoStore;

  async function csat(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const progress: Array<[number, number]> = [];
    const code = await main(argv, {
      stdout: (t) => stdout.push(t),
      stderr: (t) => stderr.push(t),
      env: { CSAT_DATA_DIR: dataDir },
      progress: (done, total) => progress.push([done, total]),
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), progress };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csat-import-'));
    stack = await startLocalStack({
      dataDir,
      ports: portsFrom(0),
      schedules: false,
      firstWave: false,
      log: () => {},
    });
    store = new DynamoStore(
      DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: stack.info.endpoints.dynamodb,
          region: stack.info.region,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }),
      ),
      stack.info.tableName,
    );
  });

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should import the good rows, print every problem as a table and exit 1', async () => {
    // Act
    const out = await csat('customers', 'import', BAD_CSV);

    // Assert
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('');
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('Imported 3 customer(s); rejected 11 row(s).');
    expect(lines[2]).toMatch(/^Line\s+Field\s+Reason$/);
    expect(lines.slice(3).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['4', 'id'],
      ['5', 'email'],
      ['6', 'language'],
      ['7', 'spend_12m'],
      ['8', 'registered_at'],
      ['9', 'key'],
      ['10', 'id'],
      ['11', 'id'],
      ['12', '(row)'],
      ['14', 'spend_12m'],
      ['14', 'interactions_12m'],
      ['15', 'delivery_dates'],
    ]);
    expect(out.stdout).toMatch(/^ {3}7 {2}spend_12m +must not be negative$/m);
    expect(out.progress).toEqual([
      [0, 3],
      [3, 3],
    ]);
    expect((await store.listCustomers()).map((c) => c.id).sort()).toEqual(['c101', 'c102', 'c113']);
  });

  it('should update by id on a second import, never duplicate, and answer --json with exit 0 when all is well', async () => {
    // Arrange
    const file = join(dataDir, 'update.json');
    await writeFile(
      file,
      JSON.stringify([
        {
          id: 'c101',
          name: 'Wang Wei',
          email: 'wang.wei@example.com',
          language: 'zh',
          department: 'east-region',
        },
        { id: 'c200', name: 'New', email: 'new@example.com', language: 'en', department: 'west-region' },
      ]),
    );

    // Act
    const out = await csat('customers', 'import', file, '--json');

    // Assert
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout) as ImportCustomersReport).toEqual({
      imported: 2,
      rejected: 0,
      problems: [],
    });
    const customers = await store.listCustomers();
    expect(customers.map((c) => c.id).sort()).toEqual(['c101', 'c102', 'c113', 'c200']);
    expect(customers.find((c) => c.id === 'c101')).toEqual({
      id: 'c101',
      name: 'Wang Wei',
      email: 'wang.wei@example.com',
      language: 'zh-CN',
      department: 'east-region',
    });
  });
});
