import type { Invitation, StoredResponse } from '../domain/model.ts';
import { answersKey, GSI2, invitationKey } from './dynamo-keys.ts';
import { DynamoTable, strip } from './dynamo-table.ts';

const nextUtcDate = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);

/** Responses, stored on their invitation and listed by campaign and UTC date through gsi2 (dynamo-keys.ts). */
export class ResponseItems extends DynamoTable {
  async saveResponse(
    id: string,
    response: StoredResponse,
    now: string,
    wave: { campaignId: string; waveId: string },
  ): Promise<'stored' | 'unavailable'> {
    const stored = await this.conditionalUpdate({
      Key: invitationKey(id),
      // gsi2 lists a campaign's answers by UTC date and time: what rollups of closed days read.
      UpdateExpression: 'SET #response = :r, gsi2pk = :g2pk, gsi2sk = :g2sk',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(#response) AND expiresAt > :now AND campaignId = :campaign AND waveId = :wave',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: {
        ':r': response,
        ':now': now,
        ':campaign': wave.campaignId,
        ':wave': wave.waveId,
        ':g2pk': answersKey(wave.campaignId, response.answeredAt.slice(0, 10)),
        ':g2sk': `${response.answeredAt}#${id}`,
      },
    });
    return stored ? 'stored' : 'unavailable';
  }

  async listAnswered(campaignId: string, from: string, to: string): Promise<Invitation[]> {
    const all: Invitation[] = [];
    for await (const page of this.answeredPages(campaignId, from, to)) all.push(...page);
    return all;
  }

  async *answeredPages(campaignId: string, from: string, to: string): AsyncIterable<Invitation[]> {
    // One partition per UTC date the range touches; the sort key narrows each to the range.
    for (let date = from.slice(0, 10); date <= to.slice(0, 10); date = nextUtcDate(date)) {
      for await (const items of this.queryPages({
        TableName: this.table,
        IndexName: GSI2,
        KeyConditionExpression: 'gsi2pk = :p AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':p': answersKey(campaignId, date),
          ':from': from,
          ':to': `${to}#\uffff`,
        },
      })) {
        const page = items
          .map((i) => strip<Invitation>(i))
          .filter(
            (i) => i.response !== undefined && i.response.answeredAt >= from && i.response.answeredAt < to,
          );
        if (page.length > 0) yield page;
      }
    }
  }
}
