import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryCustomer } from '../domain/audience.ts';
import { CustomersWriteError } from '../domain/customers/write-error.ts';
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

/** BatchGetItem's limit: 100 keys a request; rounds of retrying unprocessed keys before giving up. */
const BATCH = 100;
const MAX_ROUNDS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CUSTOMER_PREFIX = customerKey('').pk;

/** The customer directory: one profile item per customer, listed through gsi1 (dynamo-keys.ts). */
export class CustomerItems extends DynamoTable {
  /**
   * One update per customer, 25 in flight at a time. Every write of a batch is waited for, failed or
   * not, before the next batch, so a failure reports how many were written in all (CustomersWriteError)
   * and nothing is left in flight.
   */
  async putCustomers(customers: Customer[]): Promise<void> {
    const now = new Date().toISOString();
    let stored = 0;
    for (let i = 0; i < customers.length; i += 25) {
      const chunk = customers.slice(i, i + 25);
      const results = await Promise.allSettled(chunk.map((c) => this.ddb.send(this.profileUpdate(c, now))));
      stored += results.filter((r) => r.status === 'fulfilled').length;
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw new CustomersWriteError(stored, customers.length, { cause: failed.reason });
    }
  }

  /** The update that makes a customer's item its profile (a plain overwrite would drop unsubscribedAt). */
  private profileUpdate(c: Customer, now: string): UpdateCommand {
    // The directory row is the profile: a field it leaves out (an emptied cell) is removed, so an
    // import never leaves a stale spend or tag behind. State csat keeps (unsubscribedAt) is not a field.
    const set = CUSTOMER_FIELDS.filter((f) => c[f] !== undefined);
    const remove = CUSTOMER_FIELDS.filter((f) => c[f] === undefined);
    return new UpdateCommand({
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
    });
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

  /**
   * Which of these customers the directory marks unsubscribed, read 100 keys a request and only the key
   * and `unsubscribedAt` of each (no personal data); an id the directory does not have is not in the set.
   */
  async unsubscribedAmong(customerIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(customerIds)];
    for (let i = 0; i < unique.length; i += BATCH) {
      let keys: Array<Record<string, unknown>> = unique
        .slice(i, i + BATCH)
        .map((id) => ({ ...customerKey(id) }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === MAX_ROUNDS) throw new Error(`customer lookup: ${keys.length} keys still unprocessed`);
        if (round > 0) await sleep(Math.min(1000, 50 * 2 ** round));
        const { Responses, UnprocessedKeys } = await this.ddb.send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: keys, ProjectionExpression: 'pk, unsubscribedAt' } },
          }),
        );
        for (const item of Responses?.[this.table] ?? [])
          if (item.unsubscribedAt) found.add(String(item.pk).slice(CUSTOMER_PREFIX.length));
        keys = (UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return found;
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
    // By id, as one unsharded index listed them: callers and people see a stable order.
    return shards
      .flat()
      .map(toCustomer)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
