import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Invitation, previousStep, type SendStep } from '../domain/model.ts';
import {
  answersKey,
  GSI1,
  INVITATION_SHARDS,
  invitationKey,
  waveInvitationsKey,
  waveInvitationsPartition,
} from './dynamo-keys.ts';
import { retryThrottled } from './dynamo-retry.ts';
import { interleave } from './dynamo-shards.ts';
import { DynamoTable, isConditionFailure, strip } from './dynamo-table.ts';

/** Invitations, each its own item, listed by wave through gsi1 (dynamo-keys.ts), and their send claims. */
export class InvitationItems extends DynamoTable {
  async putInvitation(invitation: Invitation): Promise<boolean> {
    // One stored with its response (a copy, a test's fixture) is filed under its answer as saveResponse files it.
    const answered = invitation.response?.answeredAt;
    return this.conditionHeld(
      this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...invitationKey(invitation.id),
            ...waveInvitationsKey(invitation.waveId, invitation.id),
            ...(answered
              ? {
                  gsi2pk: answersKey(invitation.campaignId, answered.slice(0, 10), invitation.id),
                  gsi2sk: `${answered}#${invitation.id}`,
                }
              : {}),
            purgeAt: this.purgeAt(invitation.createdAt),
            ...invitation,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getInvitation(id: string): Promise<Invitation | undefined> {
    // What a survey page reads first: retried while throttled, then StoreBusyError (dynamo-retry.ts).
    const { Item } = await retryThrottled(() =>
      this.ddb.send(new GetCommand({ TableName: this.table, Key: invitationKey(id) })),
    );
    return Item ? strip<Invitation>(Item) : undefined;
  }

  async listInvitations(waveId: string): Promise<Invitation[]> {
    const all: Invitation[] = [];
    for await (const page of this.invitationPages(waveId)) all.push(...page);
    return all;
  }

  /** Pages from every shard of the wave, a few shards queried at once (dynamo-shards.ts). */
  invitationPages(waveId: string): AsyncIterable<Invitation[]> {
    return interleave(
      Array.from({ length: INVITATION_SHARDS }, (_, shard) => () => this.shardPages(waveId, shard)),
    );
  }

  private async *shardPages(waveId: string, shard: number): AsyncIterable<Invitation[]> {
    for await (const page of this.queryPages({
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :w',
      ExpressionAttributeValues: { ':w': waveInvitationsPartition(waveId, shard) },
    }))
      if (page.length > 0) yield page.map((i) => strip<Invitation>(i));
  }

  async claimSend(id: string, step: SendStep, at: string): Promise<Invitation | undefined> {
    const prev = previousStep(step);
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: invitationKey(id),
          // The two maps are created here, where no path of theirs is written yet: DynamoDB can only set
          // messageIds.invite (confirmSend) or sendUncertain.invite once the map exists.
          UpdateExpression:
            'SET sent.#step = :at, messageIds = if_not_exists(messageIds, :none), sendUncertain = if_not_exists(sendUncertain, :none)',
          // A reminder also needs the email before it out, and no answer yet.
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(sent.#step) AND attribute_not_exists(unsubscribedAt) AND expiresAt > :at${
            prev
              ? ' AND attribute_exists(sent.#prev) AND attribute_not_exists(#response) AND attribute_not_exists(answered)'
              : ''
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
    await this.conditionalUpdate({
      Key: invitationKey(id),
      UpdateExpression: 'REMOVE sent.#step',
      ConditionExpression: 'sent.#step = :at',
      ExpressionAttributeNames: { '#step': step },
      ExpressionAttributeValues: { ':at': at },
    });
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
    await this.conditionalUpdate({
      Key: invitationKey(id),
      UpdateExpression: 'SET #map.#step = :value',
      ConditionExpression: 'sent.#step = :at',
      ExpressionAttributeNames: { '#map': map, '#step': step },
      ExpressionAttributeValues: { ':at': at, ':value': value },
    });
  }

  /** Marks the invitation unsubscribed (the first time only): the invitation, or undefined when it is gone. */
  async unsubscribeInvitation(id: string, at: string): Promise<Invitation | undefined> {
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: invitationKey(id),
          UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip<Invitation>(Attributes) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }
}
