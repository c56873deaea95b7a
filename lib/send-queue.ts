import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Send jobs that still fail after this many receives go to the DLQ (and page someone). Generous because a
 * throttled send costs its job a receive, and the rest of its batch one each (returned untried). The
 * send function paces itself under GetSendQuota's rate, so SES throttles it only when something else
 * uses the account's rate or the quota dropped; 5 receives could dead-letter mail that only had to wait
 * out a busy spell. 20 receives, three minutes apart, keep a job trying for about an hour: what stays
 * throttled longer (a used-up daily quota) or is refused outright still reaches the DLQ and its alarm.
 */
export const SEND_MAX_RECEIVE_COUNT = 20;
/** SQS's largest batch: one invocation sends up to ten emails. */
export const SEND_BATCH_SIZE = 10;
/**
 * Emails a second one send instance sustains on AWS when the account's rate leaves it room (a model): a
 * batch's ten sends go side by side, each after a booking in the shared budget, so an instance turns over
 * a batch in about one SES round trip and its writes (~100 ms) plus the poll (~100 ms).
 */
export const SEND_INSTANCE_RATE = 50;
/** The highest SES sending rate the send function's default concurrency keeps up with (emails/s). */
export const SEND_RATE_CEILING = 1000;
/**
 * The send queue's event source maximum concurrency unless `sendConcurrency` overrides it: enough
 * instances for SEND_RATE_CEILING. The shared budget (dynamo-send-budget.ts) holds them together to the
 * account's MaxSendRate, so more instances than the rate needs wait for slots, never exceed it.
 */
export const SEND_MAX_CONCURRENCY = Math.ceil(SEND_RATE_CEILING / SEND_INSTANCE_RATE);
/** The send function's timeout: one batch of emails, paced. */
export const SEND_TIMEOUT = Duration.seconds(30);
/** Lambda's guidance: at least six times the function timeout, so retries never overlap a live run. */
export const SEND_VISIBILITY_TIMEOUT = Duration.seconds(SEND_TIMEOUT.toSeconds() * 6);

/** SQS's longest retention, for every queue: the default 4 days drops a held-back backlog silently. */
export const QUEUE_RETENTION = Duration.days(14);

/** A queue as csat makes every one: SQS-managed encryption, TLS only, SQS's longest retention. */
export function csatQueue(scope: Construct, id: string, props: QueueProps = {}): Queue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // SQS's default is 4 days: a backlog held back by SES's daily quota over a long weekend would be
    // dropped without a trace.
    retentionPeriod: QUEUE_RETENTION,
    ...props,
  });
}

/**
 * A queue whose messages are read and handled by a person, never retried by code: a dead-letter queue or
 * a failure destination. cdk-nag asks every queue for a DLQ (SQS3); `why` says why this one has none.
 */
export function inspectedQueue(scope: Construct, id: string, why: string): Queue {
  const queue = csatQueue(scope, id);
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: why });
  return queue;
}

/**
 * A work queue and its dead-letter queue (ids `{name}Queue` and `{name}DeadLetterQueue` in `scope`): a
 * message received `maxReceiveCount` times without success moves to the DLQ, whose alarm pages someone.
 */
export function queueWithDeadLetters(
  scope: Construct,
  name: string,
  o: { visibilityTimeout: Duration; maxReceiveCount: number; of: string },
): { queue: Queue; deadLetterQueue: Queue } {
  const deadLetterQueue = inspectedQueue(
    scope,
    `${name}DeadLetterQueue`,
    `This is the dead-letter queue of ${o.of}; its messages are inspected, not retried.`,
  );
  const queue = csatQueue(scope, `${name}Queue`, {
    visibilityTimeout: o.visibilityTimeout,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: o.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

/** The send queue and its dead-letter queue (ids SendQueue, SendDeadLetterQueue in `scope`). */
export const sendQueues = (scope: Construct): { queue: Queue; deadLetterQueue: Queue } =>
  queueWithDeadLetters(scope, 'Send', {
    visibilityTimeout: SEND_VISIBILITY_TIMEOUT,
    maxReceiveCount: SEND_MAX_RECEIVE_COUNT,
    of: 'the send queue',
  });

/**
 * Where a scheduled run ends up when it cannot be delivered or keeps failing (id FailedRunsQueue in
 * `scope`): a missed quarterly wave must not go unnoticed.
 */
export function failedRunsQueue(scope: Construct): Queue {
  return inspectedQueue(
    scope,
    'FailedRunsQueue',
    'This queue is itself the dead-letter destination of the schedules and scheduled functions.',
  );
}
