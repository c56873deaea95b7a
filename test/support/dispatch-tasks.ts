import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import type { DispatchTask, DispatchTaskQueue } from '../../functions/domain/selection/task.ts';
import type { DispatchResponse } from '../../functions/handlers/dispatch/index.ts';
import { lambdaContext, sqsEvent, sqsRecord, testStore } from './fixtures.ts';

/*
 * Running a wave's dispatch tasks in tests, two ways:
 * - MemoryDispatchTasks: the port in memory, for use-case tests (`runDispatchTask` with `tasks` = it);
 * - drainDispatchQueue: the file's real dispatch queue (DISPATCH_QUEUE_URL, test/setup/per-file.ts) run
 *   through the dispatch-worker handler, for handler tests: what the deployed event source mapping does,
 *   with every SDK call the worker makes checked by the IAM guard.
 */

export interface DrainOptions {
  /** Run at most this many tasks, then stop with the rest still queued (a crash between two tasks). */
  limit?: number;
  /** Fails the drain past this many tasks: a wave that keeps queuing tasks never ends (default 10,000). */
  maxTasks?: number;
}

/** A DispatchTaskQueue in memory: tasks wait in order until `drain` runs them. */
export class MemoryDispatchTasks implements DispatchTaskQueue {
  /** Tasks queued and not yet run (or whose run failed), oldest first. */
  readonly queued: DispatchTask[] = [];
  /** Every task ever queued, in order, including the ones run since. */
  readonly history: DispatchTask[] = [];

  async enqueue(tasks: readonly DispatchTask[]): Promise<void> {
    // Copies, as a queue would hold them: the caller changing its objects later changes nothing here.
    for (const task of tasks) {
      this.queued.push(structuredClone(task));
      this.history.push(structuredClone(task));
    }
  }

  /**
   * Runs the queued tasks oldest first, including those they queue, until none is left (or `limit` ran);
   * resolves to the tasks run. A task whose run throws stays first in the queue, as SQS would deliver it
   * again, and the error is thrown: drain again to retry it.
   */
  async drain(
    run: (task: DispatchTask) => Promise<void>,
    options: DrainOptions = {},
  ): Promise<DispatchTask[]> {
    const ran: DispatchTask[] = [];
    const maxTasks = options.maxTasks ?? 10_000;
    while (this.queued.length > 0 && ran.length < (options.limit ?? Number.POSITIVE_INFINITY)) {
      if (ran.length >= maxTasks) throw new Error(`dispatch tasks still queued after ${maxTasks} ran`);
      const task = this.queued[0]!;
      await run(structuredClone(task));
      this.queued.shift();
      ran.push(task);
    }
    return ran;
  }
}

export class DispatchTaskFailedError extends Error {
  constructor(readonly task: unknown) {
    super(`the dispatch worker failed the task ${JSON.stringify(task)}`);
    this.name = 'DispatchTaskFailedError';
  }
}

type WorkerHandler = (
  event: ReturnType<typeof sqsEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

/**
 * Receives the tasks on the file's dispatch queue one at a time and runs each through the dispatch-worker
 * handler, as the event source mapping does (batch size 1), deleting each it did not fail, until the
 * queue is empty (or `limit` ran). A task the worker fails (batchItemFailures) is left on the queue,
 * hidden for the queue's visibility timeout, and the drain throws DispatchTaskFailedError.
 * Resolves to the tasks run, as their message bodies parsed.
 */
export async function drainDispatchQueue(options: DrainOptions = {}): Promise<unknown[]> {
  // Loaded here, once the file's environment is set (handlers read it at import).
  const { handler } = (await import('../../functions/handlers/dispatch-worker/index.ts')) as {
    handler: WorkerHandler;
  };
  const queueUrl = process.env.DISPATCH_QUEUE_URL!;
  const maxTasks = options.maxTasks ?? 10_000;
  const ran: unknown[] = [];
  while (ran.length < (options.limit ?? Number.POSITIVE_INFINITY)) {
    if (ran.length >= maxTasks) throw new Error(`dispatch tasks still queued after ${maxTasks} ran`);
    const { Messages = [] } = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
    );
    const message = Messages[0];
    if (!message) return ran;
    const record = { ...sqsRecord(message.Body ?? ''), messageId: message.MessageId ?? '' };
    const { batchItemFailures } = await handler(sqsEvent(record), lambdaContext());
    const body = parsedOrRaw(message.Body ?? '');
    if (batchItemFailures.length > 0) throw new DispatchTaskFailedError(body);
    await sqsClient().send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    ran.push(body);
  }
  return ran;
}

/** A body as JSON, or as it is when it is none (a malformed message the worker dropped). */
function parsedOrRaw(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * The dispatch handler run to the wave's end, as `csat dispatch` sees it: the handler, then the worker on
 * every task it queued (drainDispatchQueue), then the wave's figures — the response a repeated tick of the
 * same wave gets. A smoke or event wave is done at once: its first response is the answer.
 */
export async function dispatchHandlerNow(event: Record<string, unknown>): Promise<DispatchResponse> {
  const { handler } = await import('../../functions/handlers/dispatch/index.ts');
  const first = await handler(event, lambdaContext());
  if (first.state !== 'selecting' && first.state !== 'inviting') return first;
  await drainDispatchQueue();
  const wave = await testStore().getWave(first.campaignId, first.waveId);
  return handler({ campaignId: event.campaignId, scheduledTime: wave!.dispatch!.at }, lambdaContext());
}
