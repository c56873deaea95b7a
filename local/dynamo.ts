import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEYS } from '../functions/adapters/dynamo-store.ts';

export interface Running {
  endpoint: string;
  close(): Promise<void>;
}

/** dynalite in this process on 127.0.0.1; `path` persists to disk, otherwise in memory. */
export async function startDynamo(options: { port?: number; path?: string } = {}): Promise<Running> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** Creates the csat table as the CDK stack defines it (same keys and index), unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.gsi1.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.gsi1.sortKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.gsi2.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.gsi2.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE_KEYS.gsi1.name,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: TABLE_KEYS.gsi2.name,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi2.partitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.gsi2.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') {
      // dynalite cannot add an index to a table: local data from before an index was added must go.
      const missing = [TABLE_KEYS.gsi1.name, TABLE_KEYS.gsi2.name].filter(
        (name) => !Table.GlobalSecondaryIndexes?.some((g) => g.IndexName === name),
      );
      if (missing.length > 0) {
        throw new Error(
          `table ${tableName} has no index ${missing.join(', ')}: its local data predates it. Delete the local data folder (.csat-local) and start again.`,
        );
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become active`);
}
