import * as z from 'zod';
import { programme } from '../../../programme/index.ts';
import { currentQuestionnaire, findCampaign } from '../../domain/programme.ts';
import { isSmokeCustomerOf, SMOKE_PREFIX, SMOKE_ROLES, SMOKE_RUN_ID } from '../../domain/smoke.ts';
import type { DispatchWaveInput } from '../../use-cases/dispatch-wave.ts';

/**
 * The dispatch event's `smoke` field (`csat smoke`): the run and the customers its one-off wave invites,
 * each named by the run's id prefix. The use case then checks they carry the smoke tag (dispatch-smoke.ts).
 */
export const SmokeEvent = z
  .strictObject({
    runId: z.string().regex(SMOKE_RUN_ID, 'must be 8 to 32 lowercase letters and digits'),
    customerIds: z.array(z.string()).min(1, 'must name the smoke customers').max(SMOKE_ROLES.length),
  })
  .refine((s) => s.customerIds.every((id) => isSmokeCustomerOf(s.runId, id)), {
    message: `every customer id must start with "${SMOKE_PREFIX}-{runId}-"`,
    path: ['customerIds'],
  });

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

export class InvalidDispatchEventError extends Error {
  constructor(problems: string[]) {
    super(`invalid dispatch event: ${problems.join('; ')}`);
    this.name = 'InvalidDispatchEventError';
  }
}

/** The event checked and resolved against the programme: the campaign and its current questionnaire. */
export function parseDispatchEvent(event: unknown): DispatchWaveInput {
  const parsed = DispatchEvent.safeParse(event);
  if (!parsed.success) {
    throw new InvalidDispatchEventError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
    );
  }
  const { campaignId, scheduledTime, smoke } = parsed.data;
  const campaign = findCampaign(programme, campaignId)!;
  return {
    campaign,
    questionnaire: currentQuestionnaire(programme, campaign.questionnaire),
    ...(scheduledTime ? { scheduledTime: new Date(scheduledTime) } : {}),
    ...(smoke ? { smoke } : {}),
  };
}
