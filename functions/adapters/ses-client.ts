import { SESClient } from '@aws-sdk/client-ses';

let ses: SESClient | undefined;

/** The process's SES (v1) client (see dynamo-client.ts for why each client has its own module). */
export function sesClient(): SESClient {
  ses ??= new SESClient({});
  return ses;
}
