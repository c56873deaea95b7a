import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DirectoryCustomer } from '../domain/audience.ts';
import {
  type Invitation,
  previousStep,
  type SendStep,
  type StoredResponse,
  type Wave,
} from '../domain/model.ts';
import type { SurveyStore } from '../domain/ports.ts';
import type { Customer } from '../domain/programme.ts';

/*
 * Single-table layout (keys pk/sk, one sparse index gsi1):
 *   wave        pk CAMPAIGN#{campaign}  sk WAVE#{wave}
 *   invitation  pk INV#{id}             sk INV        gsi1 WAVE#{wave} / INV#{id}   (response stored on it)
 *               once answered:                        gsi2 ANSWERS#{campaign}#{UTC date} / {answeredAt}#{id}
 *   customer    pk CUSTOMER#{id}        sk PROFILE    gsi1 CUSTOMERS / {id}
 *               (+ unsubscribedAt, suppressedAt, lastSurveyedAt/lastSurveyedWave: csat's own, kept on import)
 * Items holding personal data carry `purgeAt` (epoch seconds), the table's TTL attribute.
 * Only conditional writes, no transactions: dynalite has none, and none are needed.
 */
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

const answersKey = (campaignId: string, utcDate: string): string => `ANSWERS#${campaignId}#${utcDate}`;
const nextUtcDate = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
const DAY_S = 86_400;

const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (e as { name?: string })?.name === 'ConditionalCheckFailedException';

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, purgeAt: _p, ...rest } = item;
  return rest as T;
};

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

export interface DynamoStoreOptions {
  /** How long personal data is kept, in days (DOMAIN.md §6: one year). */
  retentionDays?: number;
}

export class DynamoStore implements SurveyStore {
  private readonly retentionS: number;

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    options: DynamoStoreOptions = {},
  ) {
    this.retentionS = (options.retentionDays ?? 365) * DAY_S;
  }

  private purgeAt(fromIso: string): number {
    return Math.floor(Date.parse(fromIso) / 1000) + this.retentionS;
  }

  async putWave(wave: Wave): Promise<{ created: boolean; wave: Wave }> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          // The snapshot names staff (managers, reply-to): it expires with the wave's personal data.
          Item: {
            pk: `CAMPAIGN#${wave.campaignId}`,
            sk: `WAVE#${wave.waveId}`,
            purgeAt: this.purgeAt(wave.deadline),
            ...wave,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, wave };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const stored = await this.getWave(wave.campaignId, wave.waveId);
      if (!stored) throw e;
      return { created: false, wave: stored };
    }
  }

  async getWave(campaignId: string, waveId: string): Promise<Wave | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { pk: `CAMPAIGN#${campaignId}`, sk: `WAVE#${waveId}` } }),
    );
    return Item ? strip<Wave>(Item) : undefined;
  }

  async listWaves(campaignId: string): Promise<Wave[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :wave)',
      ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}`, ':wave': 'WAVE#' },
      ScanIndexForward: false,
    });
    return items.map((i) => strip<Wave>(i));
  }

  async markFinalReport(campaignId: string, waveId: string, at: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CAMPAIGN#${campaignId}`, sk: `WAVE#${waveId}` },
          UpdateExpression: 'SET finalReportAt = :at',
          // attribute_exists: an update would otherwise create a bare item for an unknown (or purged) wave.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finalReportAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async putInvitation(invitation: Invitation): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `INV#${invitation.id}`,
            sk: 'INV',
            gsi1pk: `WAVE#${invitation.waveId}`,
            gsi1sk: `INV#${invitation.id}`,
            purgeAt: this.purgeAt(invitation.createdAt),
            ...invitation,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getInvitation(id: string): Promise<Invitation | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { pk: `INV#${id}`, sk: 'INV' } }),
    );
    return Item ? strip<Invitation>(Item) : undefined;
  }

  async listInvitations(waveId: string): Promise<Invitation[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :w',
      ExpressionAttributeValues: { ':w': `WAVE#${waveId}` },
    });
    return items.map((i) => strip<Invitation>(i));
  }

  async claimSend(id: string, step: SendStep, at: string): Promise<Invitation | undefined> {
    const prev = previousStep(step);
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `INV#${id}`, sk: 'INV' },
          // The two maps are created here, where no path of theirs is written yet: DynamoDB can only set
          // messageIds.invite (confirmSend) or sendUncertain.invite once the map exists.
          UpdateExpression:
            'SET sent.#step = :at, messageIds = if_not_exists(messageIds, :none), sendUncertain = if_not_exists(sendUncertain, :none)',
          // A reminder also needs the email before it out, and no answer yet.
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(sent.#step) AND attribute_not_exists(unsubscribedAt) AND expiresAt > :at${
            prev ? ' AND attribute_exists(sent.#prev) AND attribute_not_exists(#response)' : ''
          }`,
          ExpressionAttributeNames: {
            '#step': step,
            ...(prev ? { '#prev': prev, '#response': 'response' } : {}),
          },
          ExpressionAttributeValues: { ':at': at, ':none': {} },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip<Invitation>(Attributes) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async releaseSend(id: string, step: SendStep, at: string): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `INV#${id}`, sk: 'INV' },
          UpdateExpression: 'REMOVE sent.#step',
          ConditionExpression: 'sent.#step = :at',
          ExpressionAttributeNames: { '#step': step },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async confirmSend(id: string, step: SendStep, at: string, messageId: string): Promise<void> {
    await this.setOnClaim(id, step, at, 'messageIds', messageId);
  }

  async markSendUncertain(id: string, step: SendStep, at: string): Promise<void> {
    await this.setOnClaim(id, step, at, 'sendUncertain', at);
  }

  /** Sets `{map}.{step}` while the claim made at `at` stands; a claim that is gone is left alone. */
  private async setOnClaim(
    id: string,
    step: SendStep,
    at: string,
    map: 'messageIds' | 'sendUncertain',
    value: string,
  ): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `INV#${id}`, sk: 'INV' },
          UpdateExpression: 'SET #map.#step = :value',
          ConditionExpression: 'sent.#step = :at',
          ExpressionAttributeNames: { '#map': map, '#step': step },
          ExpressionAttributeValues: { ':at': at, ':value': value },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async saveResponse(
    id: string,
    response: StoredResponse,
    now: string,
    wave: { campaignId: string; waveId: string },
  ): Promise<'stored' | 'unavailable'> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `INV#${id}`, sk: 'INV' },
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
        }),
      );
      return 'stored';
    } catch (e) {
      if (isConditionFailure(e)) return 'unavailable';
      throw e;
    }
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

  async unsubscribe(id: string, at: string): Promise<'done' | 'gone'> {
    let invitation: Invitation | undefined;
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `INV#${id}`, sk: 'INV' },
          UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      invitation = Attributes ? strip<Invitation>(Attributes) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return 'gone';
      throw e;
    }
    if (!invitation) return 'gone';
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CUSTOMER#${invitation.customer.id}`, sk: 'PROFILE' },
          UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (e) {
      // The customer may have left the directory since; the invitation is unsubscribed all the same.
      if (!isConditionFailure(e)) throw e;
    }
    return 'done';
  }

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
              Key: { pk: `CUSTOMER#${c.id}`, sk: 'PROFILE' },
              UpdateExpression: [
                `SET ${set.map((f) => `#${f} = :${f}`).join(', ')}, gsi1pk = :g1, gsi1sk = :id, purgeAt = :purge, updatedAt = :now`,
                remove.length > 0 ? `REMOVE ${remove.map((f) => `#${f}`).join(', ')}` : '',
              ].join(' '),
              ExpressionAttributeNames: Object.fromEntries(CUSTOMER_FIELDS.map((f) => [`#${f}`, f])),
              ExpressionAttributeValues: {
                ...Object.fromEntries(set.map((f) => [`:${f}`, c[f]])),
                ':g1': 'CUSTOMERS',
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
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' },
          UpdateExpression: 'SET lastSurveyedAt = :at, lastSurveyedWave = :wave',
          // One conditional write on the customer item is the claim: of two campaigns dispatching at
          // once, the second finds the first's lastSurveyedAt after its cutoff and fails.
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(unsubscribedAt) AND attribute_not_exists(suppressedAt) AND (attribute_not_exists(lastSurveyedAt) OR lastSurveyedAt <= :cutoff OR lastSurveyedWave = :wave)',
          ExpressionAttributeValues: { ':at': claim.at, ':wave': claim.waveId, ':cutoff': claim.cutoff },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async suppressCustomer(customerId: string, at: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' },
          UpdateExpression: 'SET suppressedAt = if_not_exists(suppressedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getCustomer(customerId: string): Promise<DirectoryCustomer | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' } }),
    );
    if (!Item) return undefined;
    const { updatedAt: _u, ...c } = strip<DirectoryCustomer & { updatedAt?: string }>(Item);
    return c;
  }

  async listCustomers(): Promise<DirectoryCustomer[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :c',
      ExpressionAttributeValues: { ':c': 'CUSTOMERS' },
    });
    return items.map((i) => {
      const { updatedAt: _u, ...c } = strip<DirectoryCustomer & { updatedAt?: string }>(i);
      return c;
    });
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of this.queryPages(input)) items.push(...page);
    return items;
  }

  private async *queryPages(input: QueryCommandInput): AsyncIterable<Record<string, unknown>[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      yield page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}

/** Key schema shared by the CDK table and the local emulator's table. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { name: GSI1, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  gsi2: { name: GSI2, partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ttlAttribute: 'purgeAt',
} as const;
