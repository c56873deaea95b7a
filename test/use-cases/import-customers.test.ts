import { readFileSync } from 'node:fs';
import { ScanCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import { CustomerImportError, importCustomers } from '../../functions/use-cases/import-customers.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';

/*
 * The import against this test file's own table on dynalite: what a file puts in the directory, what
 * importing it again changes, and that bad rows leave no trace.
 */
const badCsv = readFileSync(new URL('../fixtures/customers-bad.csv', import.meta.url), 'utf8');
const HEADER =
  'id,name,email,language,department,registered_at,last_interaction_at,spend_12m,interactions_12m,key,delivery_dates,tags';

async function customerItems(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME }));
  return Items.filter((i) => String(i.pk).startsWith('CUSTOMER#'));
}

const byId = async () => new Map((await testStore().listCustomers()).map((c) => [c.id, c]));

describe('importCustomers', () => {
  it('should store the good rows of a file with bad rows of every kind, and none of the bad ones', async () => {
    // Arrange
    const store = testStore();
    const before = new Set((await customerItems()).map((i) => i.id));

    // Act
    const report = await importCustomers({ store }, { text: badCsv, format: 'csv' });

    // Assert
    expect(report.imported).toBe(3);
    expect(report.rejected).toBe(11);
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
    const stored = (await customerItems()).filter((i) => !before.has(i.id));
    expect(stored.map((i) => i.id).sort()).toEqual(['c101', 'c102', 'c113']);
    const customers = await byId();
    expect(customers.get('c101')).toEqual({
      id: 'c101',
      name: 'Wang, Wei',
      email: 'wang.wei@example.com',
      language: 'zh-CN',
      department: 'east-region',
      registeredAt: '2024-03-01',
      lastInteractionAt: '2026-01-15',
      spend12m: 125000.5,
      interactions12m: 14,
      key: true,
      deliveryDates: ['2025-01-10', '2025-07-01'],
      tags: ['steel', 'vip'],
    });
    // Every item holding personal data expires (DESIGN.md §3).
    for (const item of stored) expect(item.purgeAt).toEqual(expect.any(Number));
  });

  it('should update a customer imported again by id, keep its unsubscribe and remove what the row no longer gives', async () => {
    // Arrange
    const store = testStore();
    const first = `${HEADER}\nr1,Old Name,r1@example.com,zh,east-region,2024-01-01,2025-01-01,500,3,yes,2025-02-01,steel;vip\nr2,Other,r2@example.com,en,west,,,,,,,\n`;
    await importCustomers({ store }, { text: first, format: 'csv' });
    const wave = await seedWave();
    const { invitation } = await seedInvitation(wave, { customer: { id: 'r1', email: 'r1@example.com' } });
    await store.unsubscribe(invitation.id, '2026-03-01T08:00:00.000Z');
    const items = (await customerItems()).length;

    // Act: the name changes, and spend, key and tags are emptied.
    const report = await importCustomers(
      { store },
      {
        text: `${HEADER}\nr1,New Name,r1@example.com,zh,east-region,2024-01-01,2026-02-01,,4,,2025-02-01,\n`,
        format: 'csv',
      },
    );

    // Assert
    expect(report).toEqual({ imported: 1, rejected: 0, problems: [] });
    expect(await customerItems()).toHaveLength(items);
    const customers = await byId();
    expect(customers.get('r1')).toEqual({
      id: 'r1',
      name: 'New Name',
      email: 'r1@example.com',
      language: 'zh-CN',
      department: 'east-region',
      registeredAt: '2024-01-01',
      lastInteractionAt: '2026-02-01',
      interactions12m: 4,
      deliveryDates: ['2025-02-01'],
      unsubscribedAt: '2026-03-01T08:00:00.000Z',
    });
    expect(customers.get('r2')).toMatchObject({ name: 'Other' });
  });

  it('should import a JSON list the same way, reporting its bad objects by line', async () => {
    // Arrange
    const text = JSON.stringify(
      [
        {
          id: 'j1',
          name: '李娜',
          email: 'j1@example.com',
          language: 'zh_CN',
          department: 'south',
          key: false,
        },
        { id: 'j2', name: 'J2', email: 'j2@example.com', language: 'en', department: 'south', spend12m: -1 },
        {
          id: 'j3',
          name: 'J3',
          email: 'j3@example.com',
          language: 'English',
          department: 'south',
          tags: ['a'],
        },
      ],
      null,
      2,
    );

    // Act
    const report = await importCustomers({ store: testStore() }, { text, format: 'json' });

    // Assert
    expect(report).toEqual({
      imported: 2,
      rejected: 1,
      problems: [{ line: 10, field: 'spend12m', reason: 'must not be negative' }],
    });
    const customers = await byId();
    expect(customers.get('j1')).toEqual({
      id: 'j1',
      name: '李娜',
      email: 'j1@example.com',
      language: 'zh-CN',
      department: 'south',
      key: false,
    });
    expect(customers.get('j3')).toMatchObject({ language: 'en', tags: ['a'] });
    expect(customers.has('j2')).toBe(false);
  });

  it('should write nothing when the file itself is wrong', async () => {
    // Arrange
    const before = await customerItems();

    // Act
    const reports = await Promise.all([
      importCustomers({ store: testStore() }, { text: 'id,name,mail\nw1,W,w@example.com\n', format: 'csv' }),
      importCustomers(
        { store: testStore() },
        { text: `${HEADER}\nw2,"W,w2@example.com,en,x,,,,,,,\n`, format: 'csv' },
      ),
      importCustomers({ store: testStore() }, { text: '{"id":"w3"}', format: 'json' }),
    ]);

    // Assert
    expect(reports.map((r) => r.imported)).toEqual([0, 0, 0]);
    for (const r of reports) expect(r.problems.length).toBeGreaterThan(0);
    expect(await customerItems()).toEqual(before);
  });

  it('should write in chunks and report how far it got after each', async () => {
    // Arrange
    const rows = Array.from({ length: 5 }, (_, i) => `p${i},P${i},p${i}@example.com,en,x,,,,,,,`);
    const progress: Array<{ done: number; total: number }> = [];
    const writes: number[] = [];
    const store = testStore();

    // Act
    const report = await importCustomers(
      {
        store: {
          putCustomers: async (chunk: Customer[]) => {
            writes.push(chunk.length);
            await store.putCustomers(chunk);
          },
        },
      },
      {
        text: [HEADER, ...rows].join('\n'),
        format: 'csv',
        chunkSize: 2,
        onProgress: (p) => progress.push(p),
      },
    );

    // Assert
    expect(report.imported).toBe(5);
    expect(writes).toEqual([2, 2, 1]);
    expect(progress).toEqual([
      { done: 0, total: 5 },
      { done: 2, total: 5 },
      { done: 4, total: 5 },
      { done: 5, total: 5 },
    ]);
    const customers = await byId();
    for (let i = 0; i < 5; i++) expect(customers.get(`p${i}`)?.name).toBe(`P${i}`);
  });

  it('should say how many were stored when the store fails part-way', async () => {
    // Arrange: the directory's store fails on its second write.
    let calls = 0;
    const store = {
      putCustomers: async () => {
        if (++calls === 2) throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const rows = Array.from({ length: 3 }, (_, i) => `f${i},F,f${i}@example.com,en,x,,,,,,,`);

    // Act
    const run = importCustomers(
      { store },
      { text: [HEADER, ...rows].join('\n'), format: 'csv', chunkSize: 2 },
    );

    // Assert
    await expect(run).rejects.toThrow(CustomerImportError);
    await expect(run).rejects.toMatchObject({
      imported: 2,
      total: 3,
      message: expect.stringContaining('importing the file again is safe'),
    });
  });

  it('should refuse a row with a number no store keeps exactly, with its reason, and store and count the others', async () => {
    // Arrange: 1e21 passes as a number, but the document client refuses anything above 2^53 - 1.
    const rows = [
      { id: 'big-1', name: 'B1', email: 'b1@example.com', language: 'en', department: 'x', spend12m: 10.5 },
      { id: 'big-2', name: 'B2', email: 'b2@example.com', language: 'en', department: 'x', spend12m: 1e21 },
      { id: 'big-3', name: 'B3', email: 'b3@example.com', language: 'en', department: 'x', spend12m: 0 },
    ];
    const csv = [
      HEADER,
      'big-4,B4,b4@example.com,en,x,,,9007199254740991,9007199254740991,,,',
      'big-5,B5,b5@example.com,en,x,,,99999999999999999999,,,,',
      'big-6,B6,b6@example.com,en,x,,,,99999999999999999999,,,',
      'big-7,B7,b7@example.com,en,x,,,1234567.12345678901,,,,',
    ].join('\n');

    // Act
    const json = await importCustomers(
      { store: testStore() },
      { text: JSON.stringify(rows), format: 'json' },
    );
    const fromCsv = await importCustomers({ store: testStore() }, { text: csv, format: 'csv' });

    // Assert
    expect(json).toEqual({
      imported: 2,
      rejected: 1,
      problems: [
        {
          line: 1,
          field: 'spend12m',
          reason: 'must be at most 9007199254740991 (larger numbers are not stored exactly)',
        },
      ],
    });
    expect(fromCsv.imported).toBe(1);
    expect(fromCsv.problems).toEqual([
      {
        line: 3,
        field: 'spend_12m',
        reason: 'must be at most 9007199254740991 (larger numbers are not stored exactly)',
      },
      {
        line: 4,
        field: 'interactions_12m',
        reason: 'must be at most 9007199254740991 (larger numbers are not stored exactly)',
      },
      {
        line: 5,
        field: 'spend_12m',
        reason: 'has more digits than are kept exactly (at most 15 significant digits)',
      },
    ]);
    const customers = await byId();
    expect([...customers.keys()].filter((id) => id.startsWith('big-')).sort()).toEqual([
      'big-1',
      'big-3',
      'big-4',
    ]);
    // The largest number allowed comes back as it went in.
    expect(customers.get('big-4')).toMatchObject({
      spend12m: 9007199254740991,
      interactions12m: 9007199254740991,
    });
  });

  it('should count exactly the rows stored when one write of a batch fails', async () => {
    // Arrange: the table refuses one customer's write (a fault dynalite cannot make); the rest go through.
    const client = documentClient();
    const real = client.send.bind(client) as (command: UpdateCommand) => Promise<unknown>;
    const mock = mockClient(client);
    mock.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      if (input.Key?.pk === 'CUSTOMER#fault-3') {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return real(new UpdateCommand(input));
    });
    const rows = Array.from({ length: 7 }, (_, i) => `fault-${i},F,fault-${i}@example.com,en,x,,,,,,,`);

    // Act
    const run = importCustomers(
      { store: new DynamoStore(client, process.env.TABLE_NAME!) },
      { text: [HEADER, ...rows].join('\n'), format: 'csv', chunkSize: 5 },
    );
    const error = await run.catch((e: unknown) => e);
    mock.restore();

    // Assert: the first chunk of 5 had 4 writes succeed beside the failed one; the second never ran.
    expect(error).toBeInstanceOf(CustomerImportError);
    expect(error).toMatchObject({
      imported: 4,
      total: 7,
      report: { imported: 4, rejected: 0, problems: [] },
    });
    expect((error as Error).message).toContain('stopped after 4 of 7 customers were stored');
    const stored = [...(await byId()).keys()].filter((id) => id.startsWith('fault-')).sort();
    expect(stored).toEqual(['fault-0', 'fault-1', 'fault-2', 'fault-4']);
  });
});
