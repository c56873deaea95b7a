import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { NodeHttpHandler } from '@smithy/node-http-handler';

let client: EventBridgeClient | undefined;

/** The process's EventBridge client (see dynamo-client.ts for why each client has its own module). */
export function eventBridgeClient(): EventBridgeClient {
  // Events are published after a customer's or owner's change is stored: a slow bus must not hold their
  // page past its function's timeout, so a request gives up after 2 s and is tried twice at most.
  client ??= new EventBridgeClient({
    requestHandler: new NodeHttpHandler({ requestTimeout: 2_000, throwOnRequestTimeout: true }),
    maxAttempts: 2,
  });
  return client;
}
