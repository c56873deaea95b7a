import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsDispatchTaskQueue } from '../../adapters/sqs-dispatch-tasks.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { type DispatchTaskDeps, runDispatchTask } from '../../use-cases/dispatch-task.ts';
import { parseDispatchTask } from './task.ts';

// The dispatch function's deps (handlers/dispatch) plus the task queue, for continuations and next rounds.
const deps: DispatchTaskDeps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  }),
  queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
  tasks: new SqsDispatchTaskQueue(sqsClient(), requireEnv('DISPATCH_QUEUE_URL')),
  clock: { now: () => new Date() },
  suppressions: {
    list: new DynamoSuppressions(documentClient(), requireEnv('TABLE_NAME')),
    secret: tokenSecret,
  },
};

/**
 * Dispatch queue → one task per message (batch size 1: a task can take a minute). A body that is no task
 * is logged and dropped, never returned: it would fail the same way on every receive until the DLQ, and
 * hold a worker each time. A task that fails is returned (batchItemFailures) and retried: tasks are
 * idempotent, and one that keeps failing reaches the dispatch DLQ and its alarm.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const parsed = parseDispatchTask(record.body);
      if ('problems' in parsed) {
        logger.error('dropped a message that is no dispatch task', {
          messageId: record.messageId,
          problems: parsed.problems,
        });
        continue;
      }
      // Ids and the error's name only: a store or SES error text may carry an address.
      const { cursor: _, ...task } = parsed.task;
      try {
        await runDispatchTask(deps, parsed.task);
      } catch (e) {
        const error = e instanceof Error ? e.name : 'unknown';
        logger.warn('dispatch task failed; it will be retried', {
          messageId: record.messageId,
          ...task,
          error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
