import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main, progressBar } from '../../bin/csat.ts';
import { testStore } from '../support/fixtures.ts';

/*
 * `csat customers import` against a deployed stack, and everything it refuses before touching one.
 * CloudFormation has no emulator, so it is mocked; the table is this test file's real one on dynalite.
 */
const cfn = mockClient(CloudFormationClient);
const HEADER = 'id,name,email,language,department';

async function csat(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t), env: {} });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('csat customers import', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csat-import-args-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    cfn.reset();
    cfn.on(DescribeStacksCommand, { StackName: 'csat-prod' }).resolves({
      Stacks: [{ Outputs: [{ OutputKey: 'TableName', OutputValue: process.env.TABLE_NAME! }] } as never],
    });
  });

  afterEach(() => {
    cfn.reset();
  });

  it("should import into the deployed stack's table, taking the format from the extension or --format", async () => {
    // Arrange
    const csv = join(dir, 'directory.csv');
    const json = join(dir, 'directory.txt');
    await writeFile(csv, `\uFEFF${HEADER}\r\nd1,"Zhao, Lei",d1@example.com,zh,north\r\n`);
    await writeFile(
      json,
      JSON.stringify([{ id: 'd2', name: 'D2', email: 'd2@example.com', language: 'en', department: 'x' }]),
    );

    // Act
    const fromCsv = await csat('customers', 'import', csv, '--stack', 'csat-prod');
    const fromJson = await csat('customers', 'import', json, '--format', 'json', '--stack', 'csat-prod');

    // Assert
    expect(fromCsv).toEqual({ code: 0, stdout: 'Imported 1 customer(s); rejected 0 row(s).', stderr: '' });
    expect(fromJson.code).toBe(0);
    const stored = await testStore().listCustomers();
    expect(stored.map((c) => [c.id, c.name, c.language])).toEqual([
      ['d1', 'Zhao, Lei', 'zh-CN'],
      ['d2', 'D2', 'en'],
    ]);
  });

  it('should exit 2 with the usage on bad arguments, without looking for a stack', async () => {
    // Act
    const results = await Promise.all(
      [
        ['customers'],
        ['customers', 'delete', 'x.csv'],
        ['customers', 'import'],
        ['customers', 'import', 'a.csv', 'b.csv'],
        ['customers', 'import', 'a.csv', '--format', 'xlsx'],
        ['customers', 'import', 'a.csv', '--wave', 'w1'],
        ['status', 'demo', '--format', 'csv'],
      ].map((argv) => csat(...argv, '--stack', 'csat-prod')),
    );

    // Assert
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    for (const r of results) expect(r.stderr).toContain('Usage: csat');
    expect(results[4]!.stderr).toContain('--format is csv or json, not "xlsx"');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('should exit 1 on a file it cannot read or that is not UTF-8, and store nothing', async () => {
    // Arrange: "王伟" in GBK, as a spreadsheet in a Chinese locale saves "CSV".
    const gbk = join(dir, 'gbk.csv');
    await writeFile(
      gbk,
      Buffer.concat([
        Buffer.from(`${HEADER}\ng1,`),
        Buffer.from([0xcd, 0xf5, 0xce, 0xb0]),
        Buffer.from(',g1@example.com,zh,x\n'),
      ]),
    );
    const before = await testStore().listCustomers();

    // Act
    const missing = await csat('customers', 'import', join(dir, 'nope.csv'), '--stack', 'csat-prod');
    const notUtf8 = await csat('customers', 'import', gbk, '--stack', 'csat-prod');

    // Assert
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^csat: .*no such file/);
    expect(notUtf8.code).toBe(1);
    expect(notUtf8.stderr).toContain('is not UTF-8 text: save it as "CSV UTF-8"');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(await testStore().listCustomers()).toEqual(before);
  });

  it('should list the CSV columns in the help', async () => {
    // Act
    const help = await csat('--help');

    // Assert
    expect(help.stdout).toContain('customers import <file>');
    expect(help.stdout).toContain(
      'id,name,email,language,department,registered_at,last_interaction_at,spend_12m,interactions_12m,key,delivery_dates,tags',
    );
  });
});

describe('progressBar', () => {
  it.each([
    [0, 4, '[········] 0/4'],
    [2, 4, '[####····] 2/4'],
    [4, 4, '[########] 4/4'],
    [5, 100, '[········]   5/100'],
    [0, 0, '[########] 0/0'],
  ])('should draw %i of %i as %j', (done, total, bar) => {
    expect(progressBar(done, total, 8)).toBe(bar);
  });
});
