import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { programme } from '../../../programme/index.ts';
import { DynamoActions } from '../../adapters/dynamo-actions.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { eventBridgeClient } from '../../adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../adapters/eventbridge-publisher.ts';
import { logger } from '../../adapters/logger.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { type ActionSweepDeps, type ActionSweepResult, sweepActions } from '../../use-cases/action-sweep.ts';
import { parseActionsEvent } from './event.ts';

const deps: ActionSweepDeps = {
  // Actions it opens for answers whose submit died expire with the customer's other data.
  actions: new DynamoActions(documentClient(), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  }),
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME')),
  queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
  events: new EventBridgePublisher(eventBridgeClient()),
  clock: { now: () => new Date() },
  calendars: programme.calendars,
};

export type { ActionsEvent } from './event.ts';
export type ActionsResponse = ActionSweepResult;

/** The daily sweep of one campaign's corrective actions (use-cases/action-sweep.ts). */
export const handler = middy<unknown, ActionsResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const result = await sweepActions(deps, { campaign: parseActionsEvent(event) });
    // Counts only; a failed publish is named, never its content.
    logger.info('actions swept', { ...result });
    if (result.unpublished > 0) logger.warn('some action events were not published', { ...result });
    return result;
  });
