import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryCustomer } from '../domain/audience.ts';
import type { CustomerRecords, RecordsPage } from '../domain/erasure.ts';
import type { Invitation } from '../domain/model.ts';
import { answersKey, customerKey, invitationKey, waveInvitationsKey } from './dynamo-keys.ts';
import { DynamoTable, isConditionFailure, strip } from './dynamo-table.ts';

/** Where an invitation being erased moves to (a fresh random id), set on it until the move is done. */
const MOVING_TO = 'erasedTo';

/** 128 random bits, base64url: the 22-character form invitation ids have (token.ts). */
const randomInvitationId = (): string => randomBytes(16).toString('base64url');

/**
 * Directory items and invitations for erase and export (use-cases/erase-customer.ts), run by an operator
 * with their own credentials: a strongly consistent Scan of the table's customer and invitation items,
 * since a request may name a customer whose directory item expired, or an address in any letter case.
 */
export class DynamoCustomerRecords extends DynamoTable implements CustomerRecords {
  async *pages(): AsyncIterable<RecordsPage> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(pk, :customer) OR begins_with(pk, :invitation)',
          ExpressionAttributeValues: { ':customer': 'CUSTOMER#', ':invitation': 'INV#' },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      const items = page.Items ?? [];
      const invitations = items.filter((i) => String(i.pk).startsWith('INV#'));
      yield {
        customers: items
          .filter((i) => String(i.pk).startsWith('CUSTOMER#'))
          .map((i) => {
            const { updatedAt: _u, ...c } = strip<DirectoryCustomer & { updatedAt?: string }>(i);
            return c;
          }),
        invitations: invitations.filter((i) => i[MOVING_TO] === undefined).map((i) => strip<Invitation>(i)),
        unfinished: invitations.filter((i) => i[MOVING_TO] !== undefined).map((i) => String(i.id)),
      };
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async deleteCustomer(customerId: string): Promise<boolean> {
    const { Attributes } = await this.ddb.send(
      new DeleteCommand({ TableName: this.table, Key: customerKey(customerId), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  /**
   * Three steps, each safe to repeat: (1) the item is erased in place (customer, comments, SES message
   * ids) and given the fresh id it moves to, once; (2) a copy goes under that id, its gsi1 and gsi2 keys
   * remade for it, unless already there; (3) the old item, whose key anyone with the customer id can
   * recompute (token.ts invitationId), is deleted. A run stopped between them leaves the old item marked,
   * and the next erase (of anyone) finishes the move (`finishErasure`).
   */
  async eraseInvitation(
    id: string,
    erased: Pick<Invitation, 'customer' | 'response'>,
    at: string,
  ): Promise<boolean> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Attributes: item } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: invitationKey(id),
          // The response is replaced only where there is one; unsubscribedAt stops every later step's email.
          UpdateExpression: `SET #customer = :customer, erasedAt = if_not_exists(erasedAt, :at), unsubscribedAt = if_not_exists(unsubscribedAt, :at), #to = if_not_exists(#to, :to)${
            erased.response ? ', #response = :response' : ''
          } REMOVE messageIds`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: {
            '#customer': 'customer',
            '#to': MOVING_TO,
            ...(erased.response ? { '#response': 'response' } : {}),
          },
          ExpressionAttributeValues: {
            ':customer': erased.customer,
            ':at': at,
            ':to': randomInvitationId(),
            ...(erased.response ? { ':response': erased.response } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
    if (!item) return false;
    await this.move(id, item);
    return true;
  }

  async finishErasure(id: string): Promise<void> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: invitationKey(id), ConsistentRead: true }),
    );
    if (Item?.[MOVING_TO] !== undefined) await this.move(id, Item);
  }

  private async move(id: string, item: Record<string, unknown>): Promise<void> {
    const { pk: _pk, sk: _sk, gsi1pk, gsi1sk: _g1, gsi2pk, gsi2sk, [MOVING_TO]: to, ...rest } = item;
    const fresh = String(to);
    const moved: Record<string, unknown> = { ...rest, id: fresh, ...invitationKey(fresh) };
    if (gsi1pk !== undefined) Object.assign(moved, waveInvitationsKey(String(rest.waveId), fresh));
    // gsi2 (answered, dynamo-keys.ts): `{answeredAt}#{id}`, the id swapped for the new one, in the new
    // id's shard of the same campaign-day (so the shard says nothing of the old id either).
    if (gsi2pk !== undefined && typeof gsi2sk === 'string') {
      moved.gsi2pk = answersKey(String(rest.campaignId), gsi2sk.slice(0, 10), fresh);
      moved.gsi2sk = gsi2sk.endsWith(`#${id}`) ? `${gsi2sk.slice(0, -id.length)}${fresh}` : gsi2sk;
    }
    await this.conditionHeld(
      this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: moved,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    await this.conditionHeld(
      this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: invitationKey(id),
          ConditionExpression: '#to = :to',
          ExpressionAttributeNames: { '#to': MOVING_TO },
          ExpressionAttributeValues: { ':to': fresh },
        }),
      ),
    );
  }
}
