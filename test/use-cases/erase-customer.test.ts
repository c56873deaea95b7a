import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoCustomerRecords } from '../../functions/adapters/dynamo-erasure.ts';
import { invitationKey } from '../../functions/adapters/dynamo-keys.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { ERASED } from '../../functions/domain/erasure.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { type EraseDeps, eraseCustomer } from '../../functions/use-cases/erase-customer.ts';
import { seedCustomers, seedInvitation, seedWave, testStore, testSuppressions } from '../support/fixtures.ts';

/*
 * The erase use case on the real adapters (dynalite, s3rver): the order of its steps, a dispatch that
 * races it, and an erase stopped half-way.
 */
const ddb = documentClient();
const table = process.env.TABLE_NAME!;
const store = testStore();

function deps(): EraseDeps & { records: DynamoCustomerRecords; files: S3Blobs } {
  return {
    records: new DynamoCustomerRecords(ddb, table),
    files: new S3Blobs(process.env.BUCKET_NAME!),
    suppressions: testSuppressions(),
    clock: { now: () => new Date('2026-11-02T08:00:00Z') },
  };
}

describe('eraseCustomer', () => {
  it('should close the directory before erasing invitations and files, and erase what a racing dispatch created', async () => {
    // Arrange
    const wave = await seedWave();
    const later = await seedWave({ campaignId: wave.campaignId });
    const customer = {
      id: 'racer',
      name: 'Wu Racer',
      email: 'wu.racer@example.test',
      language: 'en' as const,
      department: 'east-region',
    };
    await seedCustomers([customer]);
    await seedInvitation(wave, { customer });
    const d = deps();
    const steps: string[] = [];
    const record = <T extends object, K extends keyof T>(
      target: T,
      name: K,
      before?: () => Promise<void>,
    ) => {
      const original = (target[name] as (...args: unknown[]) => Promise<unknown>).bind(target);
      (target as Record<K, unknown>)[name] = async (...args: unknown[]) => {
        steps.push(String(name));
        await before?.();
        return original(...args);
      };
    };
    let raced = false;
    record(d.records, 'deleteCustomer');
    // A dispatch of another wave that read the directory before the delete writes its invitation now.
    record(d.records, 'eraseInvitation', async () => {
      if (raced) return;
      raced = true;
      await seedInvitation(later, { customer });
    });
    record(d.files, 'put');
    await d.files.put('reports/x/notes.txt', `ask ${customer.name}\n`, 'text/plain');
    steps.length = 0;

    // Act
    const report = await eraseCustomer(d, { customerId: customer.id });

    // Assert
    expect(steps.indexOf('deleteCustomer')).toBeLessThan(steps.indexOf('eraseInvitation'));
    expect(steps.indexOf('deleteCustomer')).toBeLessThan(steps.indexOf('put'));
    expect(report.invitations.sort()).toEqual(
      [invitationId(wave.waveId, customer.id), invitationId(later.waveId, customer.id)].sort(),
    );
    for (const w of [wave, later]) {
      expect(await store.getInvitation(invitationId(w.waveId, customer.id))).toBeUndefined();
      const listed = await store.listInvitations(w.waveId);
      expect(listed.map((i) => i.customer.id)).toEqual([ERASED]);
    }
    expect(await d.files.find('reports/x/notes.txt')).toBe(`ask ${ERASED}\n`);
  });

  it('should finish moving an invitation an erase stopped half-way, in the next erase of anyone', async () => {
    // Arrange: step 1 of the move done (erased in place, marked), steps 2 and 3 not.
    const wave = await seedWave();
    const { invitation } = await seedInvitation(wave);
    const to = 'AAAAAAAAAAAAAAAAAAAAAA';
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: invitationKey(invitation.id),
        UpdateExpression: 'SET customer.id = :e, customer.#name = :e, customer.email = :e, erasedTo = :to',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':e': ERASED, ':to': to },
      }),
    );
    const { invitation: someone } = await seedInvitation(wave);

    // Act
    await eraseCustomer(deps(), { customerId: someone.customer.id });

    // Assert
    expect(await store.getInvitation(invitation.id)).toBeUndefined();
    const moved = await ddb.send(new GetCommand({ TableName: table, Key: invitationKey(to) }));
    expect(moved.Item).toMatchObject({ id: to, waveId: wave.waveId, gsi1sk: `INV#${to}` });
    expect(moved.Item).not.toHaveProperty('erasedTo');
    expect((await store.listInvitations(wave.waveId)).map((i) => i.id)).toContain(to);
  });

  it('should leave a file that is not UTF-8 as it is and list it as not checked, after doing the rest', async () => {
    // Arrange: Latin-1 bytes (é is 0xE9, never valid UTF-8 alone) naming the customer.
    const wave = await seedWave();
    const { invitation } = await seedInvitation(wave, { customer: { name: 'René Latin' } });
    const d = deps();
    const latin1 = Buffer.from(`call René Latin\n`, 'latin1');
    await d.files.put('reports/x/latin1.txt', latin1, 'text/plain');
    await d.files.put('reports/x/bom.csv', `\ufeffname\r\nRené Latin\r\n`, 'text/csv');

    // Act
    const report = await eraseCustomer(d, { customerId: invitation.customer.id });

    // Assert
    expect(report.notChecked).toEqual(['reports/x/latin1.txt']);
    expect(Buffer.from((await d.files.findBytes('reports/x/latin1.txt'))!)).toEqual(latin1);
    expect(report.invitations).toEqual([invitation.id]);
    expect(await store.getInvitation(invitation.id)).toBeUndefined();
    // A UTF-8 file keeps its byte order mark and line ends.
    expect(await d.files.find('reports/x/bom.csv')).toBe(`name\r\n${ERASED}\r\n`);
    expect(Buffer.from((await d.files.findBytes('reports/x/bom.csv'))!).subarray(0, 3)).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
  });

  it('should say, erasing by id, which other customers have the same address, and leave them', async () => {
    const twins = ['twin-a', 'twin-b', 'twin-c'].map((id, n) => ({
      id,
      name: `Twin ${id}`,
      email: n === 2 ? 'other.twin@example.test' : `${n === 0 ? 'twins' : 'Twins'}@Example.test`,
      language: 'en' as const,
      department: 'east-region',
    }));
    await seedCustomers(twins);

    const report = await eraseCustomer(deps(), { customerId: 'twin-a' });

    expect(report.sameAddress).toEqual(['twin-b']);
    expect(await store.getCustomer('twin-b')).toMatchObject({ id: 'twin-b' });
    expect(await store.getCustomer('twin-a')).toBeUndefined();
  });
});
