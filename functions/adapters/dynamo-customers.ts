import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryCustomer } from '../domain/audience.ts';
import type { Customer } from '../domain/programme.ts';
import { CUSTOMERS_PARTITION, customerKey, GSI1 } from './dynamo-keys.ts';
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
                ':g1': CUSTOMERS_PARTITION,
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
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :c',
      ExpressionAttributeValues: { ':c': CUSTOMERS_PARTITION },
    });
    return items.map(toCustomer);
  }
}
