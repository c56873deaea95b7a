import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Wave } from '../domain/model.ts';
import { campaignPartition, WAVE_PREFIX, waveKey } from './dynamo-keys.ts';
import { retryThrottled } from './dynamo-retry.ts';
import { DynamoTable, isConditionFailure, strip } from './dynamo-table.ts';

/** Waves, each under its campaign's partition (dynamo-keys.ts). */
export class WaveItems extends DynamoTable {
  async putWave(wave: Wave): Promise<{ created: boolean; wave: Wave }> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          // The snapshot names staff (managers, reply-to): it expires with the wave's personal data.
          Item: {
            ...waveKey(wave.campaignId, wave.waveId),
            purgeAt: this.purgeAt(wave.deadline),
            ...wave,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, wave };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const stored = await this.getWave(wave.campaignId, wave.waveId, { consistent: true });
      if (!stored) throw e;
      return { created: false, wave: stored };
    }
  }

  async getWave(
    campaignId: string,
    waveId: string,
    options: { consistent?: boolean } = {},
  ): Promise<Wave | undefined> {
    const { Item } = await retryThrottled(() =>
      this.ddb.send(
        new GetCommand({
          TableName: this.table,
          Key: waveKey(campaignId, waveId),
          ...(options.consistent ? { ConsistentRead: true } : {}),
        }),
      ),
    );
    return Item ? strip<Wave>(Item) : undefined;
  }

  async listWaves(campaignId: string): Promise<Wave[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :wave)',
      ExpressionAttributeValues: { ':pk': campaignPartition(campaignId), ':wave': WAVE_PREFIX },
      ScanIndexForward: false,
    });
    return items.map((i) => strip<Wave>(i));
  }

  async markFinalReport(campaignId: string, waveId: string, at: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: waveKey(campaignId, waveId),
      UpdateExpression: 'SET finalReportAt = :at',
      // attribute_exists: an update would otherwise create a bare item for an unknown (or purged) wave.
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finalReportAt)',
      ExpressionAttributeValues: { ':at': at },
    });
  }
}
