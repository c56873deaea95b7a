import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * One SDK client per service per process, each in its own module so a handler loads only the clients it
 * uses (cold start). Endpoints come from the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables, so the same
 * code talks to AWS or to the local emulators (DESIGN.md §4).
 */
let ddb: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return ddb;
}
