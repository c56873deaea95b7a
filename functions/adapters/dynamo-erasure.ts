import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryCustomer } from '../domain/audience.ts';
import type { CustomerRecords } from '../domain/erasure.ts';
import type { Invitation } from '../domain/model.ts';
import { customerKey, invitationKey } from './dynamo-keys.ts';
import { DynamoTable, strip } from './dynamo-table.ts';

/**
 * Directory items and invitations for erase and export (use-cases/erase-customer.ts), run by an operator
 * with their own credentials: a Scan of the table's customer and invitation items, since a request may
 * name a customer whose directory item expired, or an address in any letter case.
 */
export class DynamoCustomerRecords extends DynamoTable implements CustomerRecords {
  async *pages(): AsyncIterable<{ customers: DirectoryCustomer[]; invitations: Invitation[] }> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(pk, :customer) OR begins_with(pk, :invitation)',
          ExpressionAttributeValues: { ':customer': 'CUSTOMER#', ':invitation': 'INV#' },
          ExclusiveStartKey,
        }),
      );
      const items = page.Items ?? [];
      yield {
        customers: items
          .filter((i) => String(i.pk).startsWith('CUSTOMER#'))
          .map((i) => {
            const { updatedAt: _u, ...c } = strip<DirectoryCustomer & { updatedAt?: string }>(i);
            return c;
          }),
        invitations: items.filter((i) => String(i.pk).startsWith('INV#')).map((i) => strip<Invitation>(i)),
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

  async eraseInvitation(
    id: string,
    erased: Pick<Invitation, 'customer' | 'response'>,
    at: string,
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: invitationKey(id),
      // The response is replaced only where there is one; unsubscribedAt stops every later step's email.
      UpdateExpression: `SET #customer = :customer, erasedAt = :at, unsubscribedAt = if_not_exists(unsubscribedAt, :at)${
        erased.response ? ', #response = :response' : ''
      }`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: {
        '#customer': 'customer',
        ...(erased.response ? { '#response': 'response' } : {}),
      },
      ExpressionAttributeValues: {
        ':customer': erased.customer,
        ':at': at,
        ...(erased.response ? { ':response': erased.response } : {}),
      },
    });
  }
}
