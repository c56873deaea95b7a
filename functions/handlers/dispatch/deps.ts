import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsDispatchTaskQueue } from '../../adapters/sqs-dispatch-tasks.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import type { DispatchTaskDeps } from '../../use-cases/dispatch-task.ts';

/** What the dispatch and the dispatch worker read from their environment (each at its own init). */
export interface DispatchEnv {
  tableName: string;
  sendQueueUrl: string;
  dispatchQueueUrl: string;
  /** The link key, which suppressed addresses are hashed with (adapters/secrets.ts). */
  secret: () => Promise<string>;
}

/**
 * The adapters of a wave's dispatch, the same for the dispatch function and its worker: the store,
 * the send queue, the dispatch task queue, the clock and the suppression list (looked up by the hash of
 * each address under the link key).
 */
export function dispatchDeps(env: DispatchEnv): DispatchTaskDeps {
  return {
    store: new DynamoStore(documentClient(), env.tableName, {
      retentionDays: Number(process.env.RETENTION_DAYS) || 365,
    }),
    queue: new SqsSendQueue(sqsClient(), env.sendQueueUrl),
    tasks: new SqsDispatchTaskQueue(sqsClient(), env.dispatchQueueUrl),
    clock: { now: () => new Date() },
    suppressions: { list: new DynamoSuppressions(documentClient(), env.tableName), secret: env.secret },
  };
}
