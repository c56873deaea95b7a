import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Suppression,
  type SuppressionList,
  type SuppressionReason,
  sortedReasons,
} from '../domain/suppression.ts';
import { suppressionKey } from './dynamo-keys.ts';
import { DynamoTable } from './dynamo-table.ts';

/** BatchGetItem's limit: 100 keys a request. */
const BATCH = 100;
/** Batches in flight at once. */
const CONCURRENCY = 4;
/** Rounds of retrying keys DynamoDB left unprocessed (throttling) before giving up. */
const MAX_ROUNDS = 8;

const hashOf = (pk: unknown): string => String(pk).slice('SUPPRESS#'.length);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Suppression records (dynamo-keys.ts suppressionKey): no TTL, only reasons and the first date. */
export class DynamoSuppressions extends DynamoTable implements SuppressionList {
  constructor(ddb: DynamoDBDocumentClient, table: string) {
    super(ddb, table);
  }

  async add(hash: string, reason: SuppressionReason, at: string): Promise<void> {
    // One update, no read: the first date stays, reasons are a set (ADD is idempotent).
    await this.conditionalUpdate({
      Key: suppressionKey(hash),
      UpdateExpression: 'SET since = if_not_exists(since, :at) ADD reasons :reason',
      ExpressionAttributeValues: { ':at': at, ':reason': new Set([reason]) },
    });
  }

  async find(hashes: readonly string[]): Promise<Map<string, Suppression>> {
    const found = new Map<string, Suppression>();
    const unique = [...new Set(hashes)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += BATCH) chunks.push(unique.slice(i, i + BATCH));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.readChunk(chunks[next++]!, found);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chunks.length) }, worker));
    return found;
  }

  private async readChunk(hashes: string[], into: Map<string, Suppression>): Promise<void> {
    let keys: Array<Record<string, unknown>> = hashes.map((h) => ({ ...suppressionKey(h) }));
    for (let round = 0; keys.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`suppression lookup: ${keys.length} keys still unprocessed`);
      if (round > 0) await sleep(Math.min(1000, 50 * 2 ** round));
      const { Responses, UnprocessedKeys } = await this.ddb.send(
        new BatchGetCommand({
          RequestItems: {
            [this.table]: { Keys: keys, ProjectionExpression: 'pk, reasons, since' },
          },
        }),
      );
      for (const item of Responses?.[this.table] ?? []) {
        const reasons = sortedReasons((item.reasons as Set<string> | undefined) ?? []);
        if (reasons.length > 0) into.set(hashOf(item.pk), { reasons, since: String(item.since) });
      }
      keys = (UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
    }
  }
}
