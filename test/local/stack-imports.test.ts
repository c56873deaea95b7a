import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { portsFrom, startLocalStack } from '../../local/stack.ts';

const HEADER =
  'id,name,email,language,department,registered_at,last_interaction_at,spend_12m,interactions_12m,key,delivery_dates,tags';

/* Its own file: a process runs one local stack configuration (the handlers keep the env they loaded with). */
describe('local stack customer imports', () => {
  it('should import a CSV put under imports/ in the local bucket and write its report beside it', async () => {
    // Arrange
    const dataDir = await mkdtemp(join(tmpdir(), 'csat-imports-'));
    const lines: string[] = [];
    const stack = await startLocalStack({
      dataDir,
      ports: portsFrom(0),
      firstWave: false,
      schedules: false,
      log: (line) => lines.push(line),
    });
    const s3 = new S3Client({
      endpoint: stack.info.endpoints.s3,
      region: stack.info.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const store = new DynamoStore(documentClient(), stack.info.tableName);
    try {
      // Act
      await s3.send(
        new PutObjectCommand({
          Bucket: stack.info.bucketName,
          Key: 'imports/from crm.csv',
          Body: `${HEADER}\nlocal-1,Li,li@example.com,zh-CN,east,,,,,,,\nlocal-2,Bad,not-an-email,en,east,,,,,,,\n`,
        }),
      );

      // Assert: the notification runs the handler after the put returns.
      await vi.waitFor(
        async () => expect(lines.some((l) => l.startsWith('[import] imports/from crm.csv'))).toBe(true),
        { timeout: 20_000, interval: 100 },
      );
      expect(lines.filter((l) => l.startsWith('[import]'))).toEqual([
        '[import] imports/from crm.csv: 1 imported, 1 rejected; report in imports/from crm.report.json',
      ]);
      expect((await store.listCustomers()).map((c) => c.id)).toEqual(['local-1']);
      const report = await s3.send(
        new GetObjectCommand({ Bucket: stack.info.bucketName, Key: 'imports/from crm.report.json' }),
      );
      expect(JSON.parse(await report.Body!.transformToString())).toMatchObject({
        imported: 1,
        rejected: 1,
        problems: [{ line: 3, field: 'email' }],
      });
    } finally {
      s3.destroy();
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
