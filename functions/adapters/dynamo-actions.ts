import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActionChange } from '../domain/actions/lifecycle.ts';
import { type CorrectiveAction, isFinal } from '../domain/actions/model.ts';
import type { ActionStore } from '../domain/actions/ports.ts';
import { actionKey, campaignActionsPartition, GSI1, GSI2, liveActionsPartition } from './dynamo-keys.ts';
import { DynamoTable, isConditionFailure, strip } from './dynamo-table.ts';

/**
 * Corrective actions (dynamo-keys.ts): one item each, changed only by conditional updates built from the
 * domain's ActionChange, with the history appended in the same write.
 */
export class DynamoActions extends DynamoTable implements ActionStore {
  async openAction(action: CorrectiveAction): Promise<boolean> {
    return this.conditionHeld(
      this.ddb.send(
        new PutCommand({
          TableName: this.table,
          // Holds the customer's contact and answers: it expires with the rest of their data.
          Item: {
            ...actionKey(action.id),
            gsi1pk: campaignActionsPartition(action.campaignId),
            gsi1sk: `${action.openedAt}#${action.id}`,
            ...(isFinal(action.status)
              ? {}
              : { gsi2pk: liveActionsPartition(action.campaignId), gsi2sk: action.id }),
            purgeAt: this.purgeAt(action.openedAt),
            ...action,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getAction(id: string): Promise<CorrectiveAction | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: actionKey(id), ConsistentRead: true }),
    );
    return Item ? strip<CorrectiveAction>(Item) : undefined;
  }

  async apply(id: string, change: ActionChange): Promise<CorrectiveAction | undefined> {
    const names: Record<string, string> = { '#status': 'status', '#round': 'round', '#history': 'history' };
    const values: Record<string, unknown> = { ':round': change.round, ':entry': [change.history] };
    const path = (p: string): string =>
      p
        .split('.')
        .map((part) => {
          const name = `#${part.replace(/[^A-Za-z0-9]/g, '_')}`;
          names[name] = part;
          return name;
        })
        .join('.');
    const sets = Object.entries(change.set).map(([p, v], i) => {
      values[`:v${i}`] = v;
      return `${path(p)} = :v${i}`;
    });
    sets.push('#history = list_append(#history, :entry)');
    const removes = (change.remove ?? []).map(path);
    const status = change.set.status as CorrectiveAction['status'] | undefined;
    if (status && isFinal(status)) removes.push('gsi2pk', 'gsi2sk');
    const statuses = change.from.map((s, i) => {
      values[`:s${i}`] = s;
      return `:s${i}`;
    });
    const conditions = [
      'attribute_exists(pk)',
      `#status IN (${statuses.join(', ')})`,
      '#round = :round',
      ...(change.absent ?? []).map((p) => `attribute_not_exists(${path(p)})`),
      ...(change.present ?? []).map((p) => `attribute_exists(${path(p)})`),
    ];
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: actionKey(id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip<CorrectiveAction>(Attributes) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async claimNotice(id: string, key: string, at: string): Promise<CorrectiveAction | undefined> {
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: actionKey(id),
          UpdateExpression: 'SET notices.#k = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(notices.#k)',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip<CorrectiveAction>(Attributes) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async eraseCustomer(id: string, at: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: actionKey(id),
      // The invitation's id goes too: it is derived from the wave and the customer's id.
      UpdateExpression:
        'REMOVE customer, #source.invitationId SET #response.comments = :none, customerErasedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_exists(#response)',
      ExpressionAttributeNames: { '#response': 'response', '#source': 'source' },
      ExpressionAttributeValues: { ':none': {}, ':at': at },
    });
  }

  async releaseNotice(id: string, key: string, at: string): Promise<void> {
    await this.conditionalUpdate({
      Key: actionKey(id),
      UpdateExpression: 'REMOVE notices.#k',
      ConditionExpression: 'notices.#k = :at',
      ExpressionAttributeNames: { '#k': key },
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async *actionPages(
    campaignId: string,
    range: { from?: string; to?: string } = {},
  ): AsyncIterable<CorrectiveAction[]> {
    // '#' sorts before every id character and '~' after, so the bounds take whole instants. DynamoDB
    // refuses an empty key value, so with no start the condition is only the end.
    const to = range.to ? `${range.to}#` : '~';
    const values: Record<string, string> = { ':pk': campaignActionsPartition(campaignId), ':to': to };
    if (range.from) values[':from'] = `${range.from}#`;
    for await (const page of this.queryPages({
      TableName: this.table,
      IndexName: GSI1,
      KeyConditionExpression: range.from
        ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to'
        : 'gsi1pk = :pk AND gsi1sk < :to',
      ExpressionAttributeValues: values,
    }))
      yield page.map((i) => strip<CorrectiveAction>(i));
  }

  async *liveActionPages(campaignId: string): AsyncIterable<CorrectiveAction[]> {
    for await (const page of this.queryPages({
      TableName: this.table,
      IndexName: GSI2,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': liveActionsPartition(campaignId) },
    }))
      yield page.map((i) => strip<CorrectiveAction>(i));
  }
}
