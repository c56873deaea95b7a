import * as z from 'zod';
import { programme } from '../../../programme/index.ts';
import { type Campaign, findCampaign } from '../../domain/programme.ts';

/*
 * The actions function's event, apart from the handler so that the local control API can tell its
 * refusal from a failure without loading the handler (which reads its environment at import).
 */

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

export class InvalidActionsEventError extends Error {
  constructor(problems: string[]) {
    super(`invalid actions event: ${problems.join('; ')}`);
    this.name = 'InvalidActionsEventError';
  }
}

/** The campaign the event names, or InvalidActionsEventError saying what is wrong with it. */
export function parseActionsEvent(event: unknown): Campaign {
  const parsed = ActionsEvent.safeParse(event);
  if (!parsed.success) {
    throw new InvalidActionsEventError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
    );
  }
  return findCampaign(programme, parsed.data.campaignId)!;
}
