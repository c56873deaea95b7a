import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { runDispatchTask } from '../../use-cases/dispatch-task.ts';
import { dispatchDeps } from '../dispatch/deps.ts';
import { parseDispatchTask } from './task.ts';

// The dispatch function's adapters (handlers/dispatch), whose task queue takes continuations and next rounds.
const deps = dispatchDeps({
  tableName: requireEnv('TABLE_NAME'),
  sendQueueUrl: requireEnv('SEND_QUEUE_URL'),
  dispatchQueueUrl: requireEnv('DISPATCH_QUEUE_URL'),
  secret: tokenSecret,
});

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
