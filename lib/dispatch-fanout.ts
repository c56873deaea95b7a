import { Duration, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { IDestination } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { DIRECTORY_SHARDS } from '../functions/adapters/dynamo-keys.ts';
import { CsatFunction } from './csat-function.ts';
import { queueWithDeadLetters } from './send-queue.ts';

/** A task runs up to a chunk of one directory shard: about a minute, so 5 minutes leave it room. */
export const DISPATCH_WORKER_TIMEOUT = Duration.minutes(5);
/** Lambda's guidance: at least six times the function timeout, so a retry never overlaps a live run. */
export const DISPATCH_VISIBILITY_TIMEOUT = Duration.seconds(DISPATCH_WORKER_TIMEOUT.toSeconds() * 6);
/**
 * A task that fails this many times goes to the DLQ (and pages someone). Tasks are idempotent and not
 * throttled by SES (they only queue send jobs), so a fault that outlasts five tries is one to look at.
 */
export const DISPATCH_MAX_RECEIVE_COUNT = 5;
/** One task per invocation: a task can take a minute, and a batch would share one timeout. */
export const DISPATCH_TASK_BATCH_SIZE = 1;
/**
 * Workers at once. A wave's round has at most one task in flight per directory shard (a chunk queues
 * its continuation), so this is one wave at full width; more would only take the account's concurrency
 * and the table's write capacity from the survey pages.
 */
export const DISPATCH_WORKER_CONCURRENCY = DIRECTORY_SHARDS;

/** The dispatch task queue and its dead-letter queue (ids DispatchQueue, DispatchDeadLetterQueue in `scope`). */
export const dispatchQueues = (scope: Stack): { queue: Queue; deadLetterQueue: Queue } =>
  queueWithDeadLetters(scope, 'Dispatch', {
    visibilityTimeout: DISPATCH_VISIBILITY_TIMEOUT,
    maxReceiveCount: DISPATCH_MAX_RECEIVE_COUNT,
    of: 'the dispatch task queue',
  });

export interface DispatchFanOutProps {
  /** TABLE_NAME, RETENTION_DAYS, TOKEN_SECRET_ARN: what both functions read. */
  environment: Record<string, string>;
  table: { tableArn: string };
  /** The index invitations by wave and the directory shards are on. */
  gsi1: readonly string[];
  tokenSecretArn: string;
  sendQueue: IQueue;
  /** Where a scheduled dispatch that keeps failing ends up. */
  onFailure: IDestination;
  removalPolicy: RemovalPolicy;
}

export interface DispatchFanOut {
  /** The scheduled (and CLI-invoked) function: starts or resumes a wave by queuing its first round. */
  dispatch: CsatFunction;
  /** Runs the wave's tasks from the dispatch queue, one per invocation. */
  worker: CsatFunction;
  queue: Queue;
  deadLetterQueue: Queue;
}

/**
 * A wave's dispatch, fanned out over SQS: the dispatch function (id Dispatch) queues tasks on the dispatch
 * queue, and the dispatch worker (id DispatchWorker) runs them, each a chunk of one directory shard, and
 * queues what follows (the next chunk, the next round) itself. No invocation's time or memory grows with
 * the audience; only the worker reads the directory and the suppression list.
 */
export function dispatchFanOut(stack: Stack, props: DispatchFanOutProps): DispatchFanOut {
  const { queue, deadLetterQueue } = dispatchQueues(stack);
  const environment = {
    ...props.environment,
    SEND_QUEUE_URL: props.sendQueue.queueUrl,
    DISPATCH_QUEUE_URL: queue.queueUrl,
  };
  const common = { memorySize: 1024, removalPolicy: props.removalPolicy, environment };
  const dispatch = new CsatFunction(stack, 'Dispatch', {
    handler: 'dispatch',
    description: 'csat: start a wave of a campaign and queue its send jobs',
    timeout: Duration.minutes(5),
    ...common,
  });
  const worker = new CsatFunction(stack, 'DispatchWorker', {
    handler: 'dispatch-worker',
    description:
      "csat: run one task of a wave's dispatch (a chunk of a directory shard) from the dispatch queue",
    timeout: DISPATCH_WORKER_TIMEOUT,
    ...common,
  });
  for (const fn of [dispatch, worker]) {
    // UpdateItem: the wave's plan (and, for the worker, claimContact). Query on the table: a wave's shard
    // records, a campaign's waves (a manual run resumes the unfinished one). PutItem, GetItem and the send
    // queue: waves, and the invitations of the worker's chunks and of a smoke run's wave.
    fn.grantTable(props.table, ['GetItem', 'PutItem', 'UpdateItem', 'Query']);
    // Both are given the token secret's ARN (the worker hashes addresses under it for the suppression list).
    fn.grantSecretValue(props.tokenSecretArn);
    fn.grantSendMessages(props.sendQueue);
    // The dispatch queues a wave's first round; the worker queues continuations and the next rounds.
    fn.grantSendMessages(queue);
  }
  // Only the worker reads the directory (its shards are on gsi1), periodic and event waves alike, and the
  // suppression list (BatchGetItem by address hash, 100 a call, under the token secret).
  worker.grantTable(props.table, ['BatchGetItem']);
  worker.grantIndexes(props.table, ['Query'], props.gsi1);
  // Dispatch is idempotent per scheduled time, so Lambda's own retries are safe.
  dispatch.fn.configureAsyncInvoke({
    onFailure: props.onFailure,
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });
  worker.fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: DISPATCH_TASK_BATCH_SIZE,
      reportBatchItemFailures: true,
      maxConcurrency: DISPATCH_WORKER_CONCURRENCY,
    }),
  );
  return { dispatch, worker, queue, deadLetterQueue };
}
