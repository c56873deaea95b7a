import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryCustomer } from '../domain/audience.ts';
import type { Customer } from '../domain/programme.ts';
import { customerKey, customersPartition, DIRECTORY_SHARDS, GSI1, shardOf } from './dynamo-keys.ts';
import { DynamoTable, strip } from './dynamo-table.ts';

/**
 * Every attribute of a customer's profile. Listed here rather than read off the schema, so that the
 * functions that never import customers do not bundle zod; `satisfies` fails to compile when the schema
 * gains a field the list lacks, so a new field is stored too.
 */
const CUSTOMER_FIELDS = Object.keys({
  id: true,
  name: true,
  email: true,
  language: true,
  department: true,
  registeredAt: true,
  lastInteractionAt: true,
  spend12m: true,
  interactions12m: true,
  key: true,
  deliveryDates: true,
  tags: true,
} satisfies Record<keyof Customer, true>) as Array<keyof Customer>;

const toCustomer = (item: Record<string, unknown>): DirectoryCustomer => {
  const { updatedAt: _u, ...c } = strip<DirectoryCustomer & { updatedAt?: string }>(item);
  return c;
};

/** A page's LastEvaluatedKey as text a queue message can carry (keys only: ids, no personal data). */
const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');
const decodeCursor = (cursor: string): Record<string, unknown> => {
  const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (typeof key !== 'object' || key === null || Array.isArray(key))
    throw new RangeError('not a directory cursor');
  return key as Record<string, unknown>;
};

/** The customer directory: one profile item per customer, listed through gsi1 (dynamo-keys.ts). */
export class CustomerItems extends DynamoTable {
  async putCustomers(customers: Customer[]): Promise<void> {
    const now = new Date().toISOString();
    for (let i = 0; i < customers.length; i += 25) {
      const chunk = customers.slice(i, i + 25);
      // A plain overwrite would drop unsubscribedAt; update attribute by attribute instead.
      await Promise.all(
        chunk.map((c) => {
          // The directory row is the profile: a field it leaves out (an emptied cell) is removed, so an
          // import never leaves a stale spend or tag behind. State csat keeps (unsubscribedAt) is not a field.
          const set = CUSTOMER_FIELDS.filter((f) => c[f] !== undefined);
          const remove = CUSTOMER_FIELDS.filter((f) => c[f] === undefined);
          return this.ddb.send(
            new UpdateCommand({
              TableName: this.table,
              Key: customerKey(c.id),
              UpdateExpression: [
                `SET ${set.map((f) => `#${f} = :${f}`).join(', ')}, gsi1pk = :g1, gsi1sk = :id, purgeAt = :purge, updatedAt = :now`,
                remove.length > 0 ? `REMOVE ${remove.map((f) => `#${f}`).join(', ')}` : '',
              ].join(' '),
              ExpressionAttributeNames: Object.fromEntries(CUSTOMER_FIELDS.map((f) => [`#${f}`, f])),
              ExpressionAttributeValues: {
                ...Object.fromEntries(set.map((f) => [`:${f}`, c[f]])),
                ':g1': customersPartition(shardOf(c.id, DIRECTORY_SHARDS)),
                ':purge': this.purgeAt(now),
                ':now': now,
              },
            }),
          );
        }),
      );
    }
  }

  async claimContact(
    customerId: string,
    claim: { waveId: string; at: string; cutoff: string },
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: customerKey(customerId),
      UpdateExpression: 'SET lastSurveyedAt = :at, lastSurveyedWave = :wave',
      // One conditional write on the customer item is the claim: of two campaigns dispatching at
      // once, the second finds the first's lastSurveyedAt after its cutoff and fails.
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(unsubscribedAt) AND attribute_not_exists(suppressedAt) AND (attribute_not_exists(lastSurveyedAt) OR lastSurveyedAt <= :cutoff OR lastSurveyedWave = :wave)',
      ExpressionAttributeValues: { ':at': claim.at, ':wave': claim.waveId, ':cutoff': claim.cutoff },
    });
  }

  /** Sets `suppressedAt` or `unsubscribedAt` (the first time only); false when the customer is not in the directory. */
  async markCustomer(
    customerId: string,
    field: 'suppressedAt' | 'unsubscribedAt',
    at: string,
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: customerKey(customerId),
      UpdateExpression: `SET ${field} = if_not_exists(${field}, :at)`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async getCustomer(customerId: string): Promise<DirectoryCustomer | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: customerKey(customerId) }),
    );
    return Item ? toCustomer(Item) : undefined;
  }

  async listCustomers(): Promise<DirectoryCustomer[]> {
    const shards = await Promise.all(
      Array.from({ length: DIRECTORY_SHARDS }, (_, shard) =>
        this.queryAll({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :c',
          ExpressionAttributeValues: { ':c': customersPartition(shard) },
        }),
      ),
    );
    return shards.flat().map(toCustomer);
  }

  /** One page of a directory shard, from where `cursor` (the last page's) left off; no cursor back at the end. */
  async customerPage(
    shard: number,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ customers: DirectoryCustomer[]; cursor?: string }> {
    if (!Number.isInteger(shard) || shard < 0 || shard >= DIRECTORY_SHARDS)
      throw new RangeError(`no directory shard ${shard} (0 to ${DIRECTORY_SHARDS - 1})`);
    const page = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :c',
        ExpressionAttributeValues: { ':c': customersPartition(shard) },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return {
      customers: (page.Items ?? []).map(toCustomer),
      ...(page.LastEvaluatedKey ? { cursor: encodeCursor(page.LastEvaluatedKey) } : {}),
    };
  }
}
