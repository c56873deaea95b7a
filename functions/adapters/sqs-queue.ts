import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ActionSendJob } from '../domain/actions/model.ts';
import type { SendJob } from '../domain/model.ts';
import type { SendQueue } from '../domain/ports.ts';
import { type SqsBatchOptions, SqsBatchSender } from './sqs-batch.ts';

export { EnqueueError } from './sqs-batch.ts';
export type SqsSendQueueOptions = SqsBatchOptions;

/**
 * SendQueue on SQS SendMessageBatch (sqs-batch.ts): entries SQS fails are sent again with backoff, and
 * what still fails makes enqueue throw, so the dispatch that asked is retried (it is idempotent) rather
 * than leaving customers silently uninvited.
 */
export class SqsSendQueue implements SendQueue {
  private readonly sender: SqsBatchSender;

  constructor(sqs: SQSClient, queueUrl: string, options: SqsSendQueueOptions = {}) {
    this.sender = new SqsBatchSender(sqs, queueUrl, 'send job(s)', options);
  }

  /**
   * `delaySeconds` (0–900, SQS's range) hides the messages that long after they are sent: the send
   * handler pauses jobs so while SES's daily quota is used up.
   */
  enqueue(
    jobs: ReadonlyArray<SendJob | ActionSendJob>,
    options: { delaySeconds?: number } = {},
  ): Promise<void> {
    return this.sender.send(jobs, options);
  }
}
