import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { INVITATION_TAG } from '../../use-cases/send.ts';
import { recordSesFeedback, type SesFeedback, type SesFeedbackOutcome } from '../../use-cases/ses-events.ts';

const deps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME')),
  clock: { now: () => new Date() },
  // The address is suppressed by its hash under the link key (use-cases/suppression.ts).
  suppressions: {
    list: new DynamoSuppressions(documentClient(), requireEnv('TABLE_NAME')),
    secret: tokenSecret,
  },
};

/** The part of SES's event (published to EventBridge) this function reads; addresses are never read. */
const Mail = z.object({
  messageId: z.string().min(1),
  // SES hands every tag back as a list of values.
  tags: z.record(z.string(), z.array(z.string())).optional(),
});
const SesEvent = z.object({
  source: z.literal('aws.ses', 'must come from SES'),
  'detail-type': z.enum(['Email Bounced', 'Email Complaint Received'], 'must be a bounce or a complaint'),
  detail: z.discriminatedUnion(
    'eventType',
    [
      z.object({
        eventType: z.literal('Bounce'),
        bounce: z.object({ bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']) }),
        mail: Mail,
      }),
      z.object({ eventType: z.literal('Complaint'), complaint: z.object({}), mail: Mail }),
    ],
    'must be a Bounce or Complaint event',
  ),
});

export class SesEventError extends Error {
  constructor(readonly issues: string[]) {
    super(`not an SES bounce or complaint event: ${issues.join('; ')}`);
    this.name = 'SesEventError';
  }
}

export interface SesEventsResponse {
  outcome: SesFeedbackOutcome;
}

/** One SES bounce or complaint, routed by the EventBridge rule: suppresses the customer it concerns. */
export const handler = middy<unknown, SesEventsResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const parsed = SesEvent.safeParse(event);
    if (!parsed.success) {
      // Paths and messages only: the event holds addresses, and zod's messages never echo the input.
      throw new SesEventError(parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`));
    }
    const { detail } = parsed.data;
    const invitationId = detail.mail.tags?.[INVITATION_TAG]?.[0];
    const tagged = invitationId ? { invitationId } : {};
    const feedback: SesFeedback =
      detail.eventType === 'Bounce'
        ? { kind: 'bounce', bounceType: detail.bounce.bounceType, ...tagged }
        : { kind: 'complaint', ...tagged };
    const outcome = await recordSesFeedback(deps, feedback);
    // Counts by kind and outcome only: no address, no customer id.
    logger.info('ses feedback', { kind: feedback.kind, outcome, count: 1 });
    return { outcome };
  });
