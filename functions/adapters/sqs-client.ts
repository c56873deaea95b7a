import { SQSClient } from '@aws-sdk/client-sqs';

let sqs: SQSClient | undefined;

/** The process's SQS client (see dynamo-client.ts for why each client has its own module). */
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
