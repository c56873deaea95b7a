import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * One SDK client per service per process, each in its own module so a handler loads only the clients it
 * uses (cold start). Endpoints come from the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables, so the same
 * code talks to AWS or to the local emulators (DESIGN.md §4).
 */

/**
 * Who waits for a DynamoDB call, which sets how long the SDK keeps retrying it (its standard strategy:
 * throttling and transient errors, exponential backoff with full jitter, 1 s base for throttling).
 * - `job`: a queue or schedule run, which can wait: the SDK's default of 4 attempts (up to ≈7 s of waiting).
 * - `page`: a person waiting for a page (the survey page: a 10 s function behind API Gateway's 29 s): 2
 *   attempts (at most one wait, under 1 s); the submit's own bounded retry comes on top (dynamo-retry.ts).
 */
export type ClientUse = 'job' | 'page';
export const SDK_ATTEMPTS: Readonly<Record<ClientUse, number>> = { job: 4, page: 2 };

const clients = new Map<ClientUse, DynamoDBDocumentClient>();

export function documentClient(use: ClientUse = 'job'): DynamoDBDocumentClient {
  let ddb = clients.get(use);
  if (!ddb) {
    ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: SDK_ATTEMPTS[use] }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    clients.set(use, ddb);
  }
  return ddb;
}
