import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsDispatchTaskQueue } from '../../adapters/sqs-dispatch-tasks.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import type { Exclusions } from '../../domain/audience.ts';
import { dispatchWave } from '../../use-cases/dispatch-wave.ts';
import { parseDispatchEvent } from './event.ts';

export { type DispatchEvent, InvalidDispatchEventError } from './event.ts';

const deps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  }),
  queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
  // A wave starts (or resumes) by queuing its first round for the dispatch worker.
  tasks: new SqsDispatchTaskQueue(sqsClient(), requireEnv('DISPATCH_QUEUE_URL')),
  clock: { now: () => new Date() },
  // Suppressed addresses are looked up by their hash under the link key.
  suppressions: {
    list: new DynamoSuppressions(documentClient(), requireEnv('TABLE_NAME')),
    secret: tokenSecret,
  },
};

export interface DispatchResponse {
  campaignId: string;
  waveId: string;
  invited: number;
  created: number;
  /** The sampling seed the wave used (periodic campaigns; an event wave has no sample). */
  seed?: string;
  /** Customers of the directory left out, by reason (counts only, never who; periodic campaigns). */
  excluded?: Exclusions;
  /** Set on a smoke run's wave, which is filed under the campaign's smoke id (`campaignId` says which). */
  smoke?: { runId: string };
}

export const handler = middy<unknown, DispatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const result = await dispatchWave(deps, parseDispatchEvent(event));
    logger.info('wave dispatched', { ...result });
    return {
      campaignId: result.campaignId,
      waveId: result.waveId,
      invited: result.invited,
      created: result.created,
      ...('seed' in result ? { seed: result.seed, excluded: result.excluded } : {}),
      ...('smoke' in result ? { smoke: result.smoke } : {}),
    };
  });
