import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
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
import { findCampaign } from '../../domain/programme.ts';
import { type ActionSweepDeps, type ActionSweepResult, sweepActions } from '../../use-cases/action-sweep.ts';

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

/** What the actions schedule, the local cron or `csat actions sweep` sends. Strict: a misspelt key is refused. */
const ActionsEvent = z.strictObject({
  campaignId: z
    .string({ error: 'must be the id of a campaign in the programme' })
    .refine((id) => findCampaign(programme, id)?.actions !== undefined, {
      message: `no campaign with corrective actions in the programme (known: ${programme.campaigns
        .filter((c) => c.actions)
        .map((c) => c.id)
        .join(', ')})`,
    }),
});
export type ActionsEvent = z.input<typeof ActionsEvent>;
export type ActionsResponse = ActionSweepResult;

export class InvalidActionsEventError extends Error {
  constructor(problems: string[]) {
    super(`invalid actions event: ${problems.join('; ')}`);
    this.name = 'InvalidActionsEventError';
  }
}

/** The daily sweep of one campaign's corrective actions (use-cases/action-sweep.ts). */
export const handler = middy<unknown, ActionsResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const parsed = ActionsEvent.safeParse(event);
    if (!parsed.success) {
      throw new InvalidActionsEventError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
      );
    }
    const result = await sweepActions(deps, { campaign: findCampaign(programme, parsed.data.campaignId)! });
    // Counts only; a failed publish is named, never its content.
    logger.info('actions swept', { ...result });
    if (result.unpublished > 0) logger.warn('some action events were not published', { ...result });
    return result;
  });
