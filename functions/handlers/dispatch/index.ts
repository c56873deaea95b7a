import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { programme } from '../../../programme/index.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import type { Exclusions } from '../../domain/audience.ts';
import { currentQuestionnaire, findCampaign } from '../../domain/programme.ts';
import { dispatch } from '../../use-cases/dispatch.ts';
import { dispatchEvents } from '../../use-cases/dispatch-events.ts';
import { dispatchSmoke } from '../../use-cases/dispatch-smoke.ts';
import { SmokeEvent } from './smoke-event.ts';

const deps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  }),
  queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
  clock: { now: () => new Date() },
};

/** What the EventBridge Scheduler schedule (or the local cron, or the CLI) sends. */
const DispatchEvent = z
  .object({
    campaignId: z.string().refine((id) => findCampaign(programme, id) !== undefined, {
      message: `no such campaign in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
    }),
    /** `<aws.scheduler.scheduled-time>`: names the wave, so a retried tick finds the same one. */
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
    /** `csat smoke`: a one-off wave to the run's customers only, never the audience (domain/smoke.ts). */
    smoke: SmokeEvent.optional(),
  })
  .refine((e) => !(e.smoke && e.scheduledTime), {
    message: 'a smoke wave is not a schedule tick: give smoke or scheduledTime, not both',
    path: ['smoke'],
  });
export type DispatchEvent = z.input<typeof DispatchEvent>;

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

export class InvalidDispatchEventError extends Error {
  constructor(problems: string[]) {
    super(`invalid dispatch event: ${problems.join('; ')}`);
    this.name = 'InvalidDispatchEventError';
  }
}

export const handler = middy<unknown, DispatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const parsed = DispatchEvent.safeParse(event);
    if (!parsed.success) {
      throw new InvalidDispatchEventError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
      );
    }
    const { campaignId, scheduledTime, smoke } = parsed.data;
    const campaign = findCampaign(programme, campaignId)!;
    const input = {
      campaign,
      questionnaire: currentQuestionnaire(programme, campaign.questionnaire),
      ...(scheduledTime ? { scheduledTime: new Date(scheduledTime) } : {}),
    };
    // An event-triggered campaign invites the customers with a step due, not its whole audience.
    const result = smoke
      ? await dispatchSmoke(deps, { ...input, smoke })
      : await (campaign.trigger ? dispatchEvents : dispatch)(deps, input);
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
