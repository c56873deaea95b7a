import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AnonymousResponse, asAnsweredInvitation } from '../domain/anonymity.ts';
import type { Invitation, StoredResponse } from '../domain/model.ts';
import {
  ANSWER_SHARDS,
  anonymousResponseKey,
  answersKey,
  answersPartition,
  GSI1,
  GSI2,
  invitationKey,
  waveResponsesKey,
  waveResponsesPartition,
} from './dynamo-keys.ts';
import { retryThrottled } from './dynamo-retry.ts';
import { interleave, mergeSorted } from './dynamo-shards.ts';
import { DynamoTable, strip } from './dynamo-table.ts';

/** BatchGetItem's limit: 100 keys a request; rounds of retrying unprocessed keys before giving up. */
const BATCH = 100;
const MAX_ROUNDS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    // The submit's one write: retried while throttled, then StoreBusyError (dynamo-retry.ts).
    const stored = await retryThrottled(() =>
      this.conditionalUpdate({
        Key: invitationKey(id),
        // gsi2 lists a campaign's answers by UTC date and time: what rollups of closed days read.
        UpdateExpression: 'SET #response = :r, gsi2pk = :g2pk, gsi2sk = :g2sk',
        // No attribute_exists(pk): a missing item has no campaignId, so the comparison already fails and
        // nothing is created. Every clause is parsed and checked per request: none more than needed.
        ConditionExpression:
          'attribute_not_exists(#response) AND expiresAt > :now AND campaignId = :campaign AND waveId = :wave',
        ExpressionAttributeNames: { '#response': 'response' },
        ExpressionAttributeValues: {
          ':r': response,
          ':now': now,
          ':campaign': wave.campaignId,
          ':wave': wave.waveId,
          ':g2pk': answersKey(wave.campaignId, response.answeredAt.slice(0, 10), id),
          ':g2sk': `${response.answeredAt}#${id}`,
        },
      }),
    );
    return stored ? 'stored' : 'unavailable';
  }

  /**
   * An anonymous campaign's answer (domain/anonymity.ts): the invitation is read and checked as
   * saveResponse's condition does (it is not written: nothing on it says whether it was answered); then
   * the response item is created unless it exists. Its id is fixed by the invitation, so of concurrent or
   * repeated submits exactly one creates it, and a retry of a stored one stores nothing (`unavailable`).
   */
  saveAnonymousResponse(
    invitationId: string,
    answer: AnonymousResponse,
    now: string,
  ): Promise<'stored' | 'unavailable'> {
    // Read and create, retried together while throttled: the create is conditional, so it happens once.
    return retryThrottled(() => this.createAnonymousResponse(invitationId, answer, now));
  }

  private async createAnonymousResponse(
    invitationId: string,
    answer: AnonymousResponse,
    now: string,
  ): Promise<'stored' | 'unavailable'> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: invitationKey(invitationId), ConsistentRead: true }),
    );
    const invitation = Item ? strip<Invitation>(Item) : undefined;
    if (
      !invitation ||
      !(invitation.expiresAt > now) ||
      invitation.campaignId !== answer.campaignId ||
      invitation.waveId !== answer.waveId
    )
      return 'unavailable';
    const day = answer.response.answeredAt;
    const created = await this.conditionalUpdate({
      Key: anonymousResponseKey(answer.id),
      UpdateExpression:
        'SET id = :id, campaignId = :campaign, waveId = :wave, department = :department, #response = :r, purgeAt = :purge, gsi1pk = :g1pk, gsi1sk = :id, gsi2pk = :g2pk, gsi2sk = :g2sk' +
        (answer.segments ? ', segments = :segments' : ''),
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: {
        ':id': answer.id,
        ':campaign': answer.campaignId,
        ':wave': answer.waveId,
        ':department': answer.department,
        ':r': answer.response,
        // From the day, not the moment: the expiry would otherwise give the time away.
        ':purge': this.purgeAt(day),
        ':g1pk': waveResponsesKey(answer.waveId, answer.id),
        ':g2pk': answersKey(answer.campaignId, day.slice(0, 10), answer.id),
        ':g2sk': `${day}#${answer.id}`,
        ...(answer.segments ? { ':segments': answer.segments } : {}),
      },
    });
    return created ? 'stored' : 'unavailable';
  }

  /** Whether the anonymous response of this id is stored (a consistent read: a submit just before counts). */
  async hasAnonymousResponse(id: string): Promise<boolean> {
    const { Item } = await retryThrottled(() =>
      this.ddb.send(
        new GetCommand({
          TableName: this.table,
          Key: anonymousResponseKey(id),
          ConsistentRead: true,
          ProjectionExpression: 'pk',
        }),
      ),
    );
    return Item !== undefined;
  }

  /** Which of these anonymous response ids are stored, read 100 keys a request. */
  async anonymousResponsesAmong(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += BATCH) {
      let keys: Array<Record<string, unknown>> = unique.slice(i, i + BATCH).map((id) => ({
        ...anonymousResponseKey(id),
      }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === MAX_ROUNDS) throw new Error(`response lookup: ${keys.length} keys still unprocessed`);
        if (round > 0) await sleep(Math.min(1000, 50 * 2 ** round));
        const { Responses, UnprocessedKeys } = await this.ddb.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ProjectionExpression: 'pk' } } }),
        );
        for (const item of Responses?.[this.table] ?? []) found.add(String(item.pk).slice('ARESP#'.length));
        keys = (UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return found;
  }

  /** A wave's anonymous responses, shard by shard (an order that says nothing about when they came). */
  async listAnonymousResponses(waveId: string): Promise<AnonymousResponse[]> {
    const all: AnonymousResponse[] = [];
    for await (const page of this.anonymousResponsePages(waveId)) all.push(...page);
    return all;
  }

  async *anonymousResponsePages(waveId: string): AsyncIterable<AnonymousResponse[]> {
    const shards = Array.from(
      { length: ANSWER_SHARDS },
      (_, shard) => () =>
        this.queryPages({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :w',
          ExpressionAttributeValues: { ':w': waveResponsesPartition(waveId, shard) },
        }),
    );
    for await (const page of interleave(shards)) yield page.map((i) => strip<AnonymousResponse>(i));
  }

  async listAnswered(campaignId: string, from: string, to: string): Promise<Invitation[]> {
    const all: Invitation[] = [];
    for await (const page of this.answeredPages(campaignId, from, to)) all.push(...page);
    return all;
  }

  /**
   * One UTC date's shards per date the range touches, in date order; the sort key (`{answeredAt}#{id}`)
   * narrows each shard to the range, and the shards' ordered pages are merged back into answer order.
   */
  async *answeredPages(campaignId: string, from: string, to: string): AsyncIterable<Invitation[]> {
    for (let date = from.slice(0, 10); date <= to.slice(0, 10); date = nextUtcDate(date)) {
      const shards = Array.from(
        { length: ANSWER_SHARDS },
        (_, shard) => () =>
          this.queryPages({
            TableName: this.table,
            IndexName: GSI2,
            KeyConditionExpression: 'gsi2pk = :p AND gsi2sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':p': answersPartition(campaignId, date, shard),
              ':from': from,
              ':to': `${to}#\uffff`,
            },
          }),
      );
      for await (const items of mergeSorted(shards, (i) => String(i.gsi2sk))) {
        // An anonymous response (no customer) reads as an answered invitation without one.
        const page = items
          .map((i) =>
            'customer' in i ? strip<Invitation>(i) : asAnsweredInvitation(strip<AnonymousResponse>(i)),
          )
          .filter(
            (i) => i.response !== undefined && i.response.answeredAt >= from && i.response.answeredAt < to,
          );
        if (page.length > 0) yield page;
      }
    }
  }
}
