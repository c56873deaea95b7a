import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

const DAY_S = 86_400;

export interface DynamoStoreOptions {
  /** How long personal data is kept, in days (DOMAIN.md §6: one year). */
  retentionDays?: number;
}

export const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (e as { name?: string })?.name === 'ConditionalCheckFailedException';

/** An item without its keys and TTL: the domain object stored in it. */
export const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, purgeAt: _p, ...rest } = item;
  return rest as T;
};

/** The table (dynamo-keys.ts) that the item classes of one aggregate each read and write. */
export class DynamoTable {
  private readonly retentionS: number;

  constructor(
    protected readonly ddb: DynamoDBDocumentClient,
    protected readonly table: string,
    options: DynamoStoreOptions = {},
  ) {
    this.retentionS = (options.retentionDays ?? 365) * DAY_S;
  }

  protected purgeAt(fromIso: string): number {
    return Math.floor(Date.parse(fromIso) / 1000) + this.retentionS;
  }

  /** Awaits a conditional write: true when it was made, false when its condition did not hold. */
  protected async conditionHeld(write: Promise<unknown>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** A conditional update of an item of the table: true when it was made, false when its condition did not hold. */
  protected conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditionHeld(this.ddb.send(new UpdateCommand({ TableName: this.table, ...input })));
  }

  protected async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of this.queryPages(input)) items.push(...page);
    return items;
  }

  protected async *queryPages(input: QueryCommandInput): AsyncIterable<Record<string, unknown>[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      yield page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}
