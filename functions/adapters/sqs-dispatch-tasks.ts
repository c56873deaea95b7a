import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DispatchTask, DispatchTaskQueue } from '../domain/selection/task.ts';
import { type SqsBatchOptions, SqsBatchSender } from './sqs-batch.ts';

/**
 * DispatchTaskQueue on the dispatch queue (SQS SendMessageBatch, sqs-batch.ts), which the dispatch
 * worker consumes one task at a time. A task that cannot be queued makes enqueue throw, so the run that
 * asked (the dispatch, or a worker enqueuing a continuation) fails and is retried: tasks are idempotent.
 */
export class SqsDispatchTaskQueue implements DispatchTaskQueue {
  private readonly sender: SqsBatchSender;

  constructor(sqs: SQSClient, queueUrl: string, options: SqsBatchOptions = {}) {
    this.sender = new SqsBatchSender(sqs, queueUrl, 'dispatch task(s)', options);
  }

  enqueue(tasks: readonly DispatchTask[]): Promise<void> {
    return this.sender.send(tasks);
  }
}
