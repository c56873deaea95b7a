import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { s3Client } from '../../functions/adapters/s3-client.ts';
import {
  ERASURE_REWRITE,
  IMPORT_MAX_BYTES,
  type ImportFileReport,
  importFileKey,
  importReportKey,
} from '../../functions/domain/customers/import-file.ts';
import { handler, ImportEventError } from '../../functions/handlers/import-customers/index.ts';
import { CustomerImportError } from '../../functions/use-cases/import-customers.ts';
import { lambdaContext, testStore } from '../support/fixtures.ts';

/* The S3-triggered import against s3rver and dynalite: this file's own bucket and table. */
const BUCKET = process.env.BUCKET_NAME!;
const s3 = await s3Client();
const store = testStore();
const badCsv = readFileSync(new URL('../fixtures/customers-bad.csv', import.meta.url), 'utf8');
const HEADER =
  'id,name,email,language,department,registered_at,last_interaction_at,spend_12m,interactions_12m,key,delivery_dates,tags';

/** What S3 sends for a put: the key URL-encoded, spaces as "+". */
function s3Event(key: string, bucket = BUCKET) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: 1 },
        },
      },
    ],
  };
}

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function keys(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function readReport(key: string): Promise<ImportFileReport> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as ImportFileReport;
}

const ids = async () => new Set((await store.listCustomers()).map((c) => c.id));

describe('import file keys', () => {
  it('should take csv and json under imports/ and nothing else', () => {
    expect(importFileKey('imports/a.csv')).toEqual({ format: 'csv' });
    expect(importFileKey('imports/2026/a.JSON')).toEqual({ format: 'json' });
    for (const key of ['imports/a.report.json', 'imports/.csv', 'reports/a.csv', 'imports/a.txt', 'a.csv']) {
      expect(importFileKey(key)).toBeUndefined();
    }
    expect(importReportKey('imports/q1/customers.csv')).toBe('imports/q1/customers.report.json');
  });
});

describe('Handler: import-customers', () => {
  it('should store the customers of a good file and write the report beside it', async () => {
    // Arrange
    const key = 'imports/good list.csv';
    await put(
      key,
      `${HEADER}\ns3-a,Ann,ann@example.com,en,north,,,,,,,\ns3-b,Bo,bo@example.com,zh-CN,east,,,,,,,\n`,
    );

    // Act
    const result = await handler(s3Event(key), lambdaContext());

    // Assert
    expect(result.files).toEqual([
      { key, outcome: 'imported', reportKey: 'imports/good list.report.json', imported: 2, rejected: 0 },
    ]);
    expect([...(await ids())]).toEqual(expect.arrayContaining(['s3-a', 's3-b']));
    const report = await readReport('imports/good list.report.json');
    expect(report).toEqual({ imported: 2, rejected: 0, problems: [], generatedAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
  });

  it('should list every bad row in the report, with line, field and reason', async () => {
    // Arrange
    await put('imports/bad.csv', badCsv);

    // Act
    const result = await handler(s3Event('imports/bad.csv'), lambdaContext());

    // Assert
    expect(result.files[0]).toMatchObject({ outcome: 'imported', imported: 3, rejected: 11 });
    const report = await readReport('imports/bad.report.json');
    expect(report.problems.map((p) => [p.line, p.field])).toEqual([
      [4, 'id'],
      [5, 'email'],
      [6, 'language'],
      [7, 'spend_12m'],
      [8, 'registered_at'],
      [9, 'key'],
      [10, 'id'],
      [11, 'id'],
      [12, '(row)'],
      [14, 'spend_12m'],
      [14, 'interactions_12m'],
      [15, 'delivery_dates'],
    ]);
    for (const p of report.problems) expect(p.reason).toEqual(expect.any(String));
  });

  it('should import a JSON file', async () => {
    await put(
      'imports/list.json',
      JSON.stringify([
        { id: 's3-json', name: 'Jo', email: 'jo@example.com', language: 'en', department: 'north' },
      ]),
    );

    const result = await handler(s3Event('imports/list.json'), lambdaContext());

    expect(result.files[0]).toMatchObject({ imported: 1, rejected: 0 });
    expect(await ids()).toContain('s3-json');
  });

  it('should ignore its own reports and files outside imports/, writing nothing', async () => {
    // Arrange
    await put(
      'imports/old.report.json',
      JSON.stringify([{ id: 's3-loop', name: 'L', email: 'l@example.com' }]),
    );
    await put('elsewhere/list.csv', `${HEADER}\ns3-else,E,e@example.com,en,north,,,,,,,\n`);
    await put('imports/notes.txt', 'hello');
    const before = await keys('');

    // Act
    const results = await Promise.all(
      ['imports/old.report.json', 'elsewhere/list.csv', 'imports/notes.txt'].map((k) =>
        handler(s3Event(k), lambdaContext()),
      ),
    );

    // Assert
    expect(results.flatMap((r) => r.files.map((f) => f.outcome))).toEqual(['ignored', 'ignored', 'ignored']);
    expect(await keys('')).toEqual(before);
    const stored = await ids();
    expect(stored.has('s3-loop')).toBe(false);
    expect(stored.has('s3-else')).toBe(false);
  });

  it('should not import again a file that csat customers erase rewrote (its ObjectCreated event)', async () => {
    // The rewrite without an erased customer's row carries the marker; its other rows are old profiles.
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'imports/rewritten.csv',
        Body: `${HEADER}\ns3-rewritten,Old,old@example.com,en,east,,,,,,,\n`,
        Metadata: { [ERASURE_REWRITE.name]: ERASURE_REWRITE.value },
      }),
    );

    const result = await handler(s3Event('imports/rewritten.csv'), lambdaContext());

    expect(result).toEqual({ files: [{ key: 'imports/rewritten.csv', outcome: 'ignored' }] });
    expect(await ids()).not.toContain('s3-rewritten');
    expect(await keys('imports/rewritten')).toEqual(['imports/rewritten.csv']);
  });

  it('should refuse a file over the size limit with a report and import nothing', async () => {
    // Arrange
    const row = 's3-big,Big,big@example.com,en,north,,,,,,,\n';
    await put('imports/big.csv', `${HEADER}\n${row.repeat(Math.ceil(IMPORT_MAX_BYTES / row.length) + 1)}`);

    // Act
    const result = await handler(s3Event('imports/big.csv'), lambdaContext());

    // Assert
    expect(result.files[0]).toMatchObject({ imported: 0, rejected: 0 });
    const report = await readReport('imports/big.report.json');
    expect(report.problems).toEqual([{ line: 0, field: '(file)', reason: expect.stringMatching(/limit/) }]);
    expect(await ids()).not.toContain('s3-big');
  });

  it('should refuse a file that is not UTF-8 with a report', async () => {
    await put('imports/latin1.csv', Uint8Array.from([0x69, 0x64, 0x0a, 0xe9, 0xff, 0x0a]));

    await handler(s3Event('imports/latin1.csv'), lambdaContext());

    const report = await readReport('imports/latin1.report.json');
    expect(report.problems[0]?.reason).toMatch(/UTF-8/);
  });

  it.each([
    ['no Records', {}],
    ['an empty Records list', { Records: [] }],
    [
      'a removal',
      { Records: [{ ...s3Event('imports/x.csv').Records[0], eventName: 'ObjectRemoved:Delete' }] },
    ],
    ['another bucket', s3Event('imports/x.csv', 'someone-elses-bucket')],
    [
      'a key that is not a string',
      { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: 7 } } }] },
    ],
  ])('should refuse an event with %s with a clear error and write nothing', async (_, event) => {
    // Arrange
    await put('imports/x.csv', `${HEADER}\ns3-x,X,x@example.com,en,north,,,,,,,\n`);
    const before = await keys('');

    // Act
    const run = handler(event, lambdaContext());

    // Assert
    await expect(run).rejects.toThrow(ImportEventError);
    await expect(handler(event, lambdaContext())).rejects.toThrow(/not an S3 ObjectCreated event/);
    expect(await keys('')).toEqual(before);
    expect(await ids()).not.toContain('s3-x');
  });

  it('should refuse a row whose number no store keeps exactly, import the others and report both', async () => {
    // Arrange
    const customer = (id: string, spend12m: number) => ({
      id,
      name: id,
      email: `${id}@example.com`,
      language: 'en',
      department: 'north',
      spend12m,
    });
    await put(
      'imports/big.json',
      JSON.stringify([customer('s3-big-1', 12.5), customer('s3-big-2', 1e21), customer('s3-big-3', 0)]),
    );

    // Act
    const result = await handler(s3Event('imports/big.json'), lambdaContext());

    // Assert
    expect(result.files[0]).toMatchObject({ outcome: 'imported', imported: 2, rejected: 1 });
    expect(await readReport('imports/big.report.json')).toEqual({
      imported: 2,
      rejected: 1,
      problems: [
        {
          line: 1,
          field: 'spend12m',
          reason: 'must be at most 9007199254740991 (larger numbers are not stored exactly)',
        },
      ],
      generatedAt: expect.any(String),
    });
    const stored = await ids();
    expect(['s3-big-1', 's3-big-2', 's3-big-3'].filter((id) => stored.has(id))).toEqual([
      's3-big-1',
      's3-big-3',
    ]);
  });

  it('should write the report with the true count when the store fails part-way, then fail', async () => {
    // Arrange: the table refuses one customer's write (a fault dynalite cannot make).
    const client = documentClient();
    const real = client.send.bind(client) as (command: UpdateCommand) => Promise<unknown>;
    const mock = mockClient(client);
    mock.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      if (input.Key?.pk === 'CUSTOMER#s3-fault-1') {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return real(new UpdateCommand(input));
    });
    const rows = [0, 1, 2].map((i) => `s3-fault-${i},F,s3-fault-${i}@example.com,en,north,,,,,,,`);
    await put(
      'imports/fault.csv',
      [HEADER, ...rows, 's3-fault-bad,F,not-an-email,en,north,,,,,,,'].join('\n'),
    );

    // Act
    const error = await handler(s3Event('imports/fault.csv'), lambdaContext()).catch((e: unknown) => e);
    mock.restore();

    // Assert: the invocation fails (S3 retries it; importing again is safe), the report says how far it got.
    expect(error).toBeInstanceOf(CustomerImportError);
    expect(await readReport('imports/fault.report.json')).toEqual({
      imported: 2,
      rejected: 1,
      problems: [{ line: 5, field: 'email', reason: expect.any(String) }],
      notStored: 1,
      failure:
        'the store failed (ProvisionedThroughputExceededException) after 2 of 3 good rows were stored; importing the file again is safe',
      generatedAt: expect.any(String),
    });
    const stored = await ids();
    expect(rows.map((_, i) => `s3-fault-${i}`).filter((id) => stored.has(id))).toEqual([
      's3-fault-0',
      's3-fault-2',
    ]);
  });
});
