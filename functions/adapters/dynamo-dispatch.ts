import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Wave } from '../domain/model.ts';
import type { ShardRecord } from '../domain/selection/dispatch-state.ts';
import { dispatchPartition, shardRecordKey, waveKey } from './dynamo-keys.ts';
import { DynamoTable } from './dynamo-table.ts';

/**
 * A dispatch's shard records (dynamo-keys.ts), one item per shard and round. The counts can run to a few
 * hundred kilobytes of buckets for a large shard, so they are stored gzipped (DynamoDB's item limit is
 * 400 KB).
 */
export class DispatchItems extends DynamoTable {
  async getShardRecord(waveId: string, round: number, shard: number): Promise<ShardRecord | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: shardRecordKey(waveId, round, shard),
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  putShardRecord(waveId: string, record: ShardRecord): Promise<boolean> {
    const previous = record.chunk - 1;
    return this.conditionHeld(
      this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...shardRecordKey(waveId, record.round, record.shard),
            chunk: record.chunk,
            done: record.done,
            ...(record.cursor !== undefined ? { cursor: record.cursor } : {}),
            body: gzipSync(JSON.stringify({ counts: record.counts, tally: record.tally, due: record.due })),
            expiresAt: record.expiresAt,
            purgeAt: this.purgeAt(record.expiresAt),
          },
          ConditionExpression: previous === 0 ? 'attribute_not_exists(pk)' : 'chunk = :previous',
          ...(previous === 0 ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
        }),
      ),
    );
  }

  async shardRecords(waveId: string, round: number): Promise<ShardRecord[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :round)',
      ExpressionAttributeValues: { ':pk': dispatchPartition(waveId), ':round': `R${round}#` },
      ConsistentRead: true,
    });
    return items.map(fromItem);
  }

  updateWaveDispatch(
    campaignId: string,
    waveId: string,
    from: { round: number; state: string },
    change: Pick<Wave, 'dispatch'> & Partial<Pick<Wave, 'invited' | 'invitedBy' | 'selection'>>,
  ): Promise<boolean> {
    const fields = Object.entries(change).filter(([, v]) => v !== undefined);
    return this.conditionalUpdate({
      Key: waveKey(campaignId, waveId),
      UpdateExpression: `SET ${fields.map(([f]) => `#${f} = :${f}`).join(', ')}`,
      ConditionExpression: '#dispatch.#plan.#round = :round AND #dispatch.#state = :state',
      ExpressionAttributeNames: {
        ...Object.fromEntries(fields.map(([f]) => [`#${f}`, f])),
        '#dispatch': 'dispatch',
        '#plan': 'plan',
        '#round': 'round',
        '#state': 'state',
      },
      ExpressionAttributeValues: {
        ...Object.fromEntries(fields.map(([f, v]) => [`:${f}`, v])),
        ':round': from.round,
        ':state': from.state,
      },
    });
  }
}

function fromItem(item: Record<string, unknown>): ShardRecord {
  const [round, shard] = String(item.sk)
    .split('#')
    .map((part) => Number(part.slice(1)));
  const body = JSON.parse(gunzipSync(item.body as Uint8Array).toString('utf8')) as Pick<
    ShardRecord,
    'counts' | 'tally' | 'due'
  >;
  return {
    round: round!,
    shard: shard!,
    chunk: item.chunk as number,
    done: item.done as boolean,
    expiresAt: item.expiresAt as string,
    ...(typeof item.cursor === 'string' ? { cursor: item.cursor } : {}),
    ...(body.counts ? { counts: body.counts } : {}),
    ...(body.tally ? { tally: body.tally } : {}),
    ...(body.due !== undefined ? { due: body.due } : {}),
  };
}
