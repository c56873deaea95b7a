import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { programme } from '../../../programme/index.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { emfFields, PROVISIONAL_CALENDAR_METRIC } from '../../adapters/metrics.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { findCampaign } from '../../domain/programme.ts';
import { type RemindDeps, type RemindResult, remind } from '../../use-cases/remind.ts';

// Reads waves, invitations, the directory and suppressions; the send function does every write.
const deps: RemindDeps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME')),
  suppressions: {
    list: new DynamoSuppressions(documentClient(), requireEnv('TABLE_NAME')),
    secret: tokenSecret,
  },
  queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
  clock: { now: () => new Date() },
  calendars: programme.calendars,
};

/** What the reminder schedule, the local cron or `csat remind` sends. Strict: a misspelt key is refused. */
const RemindEvent = z.strictObject({
  campaignId: z
    .string({ error: 'must be the id of a campaign in the programme' })
    .refine((id) => findCampaign(programme, id) !== undefined, {
      message: `no such campaign in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
    }),
});
export type RemindEvent = z.input<typeof RemindEvent>;
export type RemindResponse = RemindResult;

export class InvalidRemindEventError extends Error {
  constructor(problems: string[]) {
    super(`invalid remind event: ${problems.join('; ')}`);
    this.name = 'InvalidRemindEventError';
  }
}

/** The daily reminder sweep of one campaign: queues the reminders due now (use-cases/remind.ts). */
export const handler = middy<unknown, RemindResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const parsed = RemindEvent.safeParse(event);
    if (!parsed.success) {
      throw new InvalidRemindEventError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
      );
    }
    const result = await remind(deps, { campaign: findCampaign(programme, parsed.data.campaignId)! });
    // Ids, counts and dates only.
    logger.info('reminders queued', { ...result });
    const { provisionalDecisions: n = 0 } = result;
    if (n > 0) {
      logger.warn('reminder decisions rest on a year without an official holiday notice', {
        waves: result.waves.flatMap((w) => (w.provisional ? [{ waveId: w.waveId, ...w.provisional }] : [])),
        ...emfFields(
          process.env.METRICS_NAMESPACE ?? 'csat',
          { [PROVISIONAL_CALENDAR_METRIC]: n },
          new Date(),
        ),
      });
    }
    return result;
  });
