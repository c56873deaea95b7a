import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
// zod/mini: the same checks at a twentieth of the bundle size, on the function that sends every email.
import * as z from 'zod/mini';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { composeMime } from '../../adapters/mime.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sesClient } from '../../adapters/ses-client.ts';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import { cachedWaves, type SendDeps, SendFailedError, sendInvitation } from '../../use-cases/send.ts';

const store = new DynamoStore(documentClient(), requireEnv('TABLE_NAME'), {
  retentionDays: Number(process.env.RETENTION_DAYS) || 365,
});
const deps: SendDeps = {
  store,
  mailer: new SesMailer(sesClient(), { configurationSet: process.env.SES_CONFIGURATION_SET }),
  clock: { now: () => new Date() },
  waves: cachedWaves(store),
  compose: composeMime,
  links: { secret: tokenSecret, baseUrl: requireEnv('PUBLIC_BASE_URL') },
};

const SendJob = z.strictObject({
  invitationId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)),
  step: z.enum(['invite']),
});

export class InvalidSendJobError extends Error {
  constructor(messageId: string) {
    super(`message ${messageId} is not a send job`);
    this.name = 'InvalidSendJobError';
  }
}

function parseJob(record: SQSRecord) {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const job = SendJob.safeParse(body);
  if (!job.success) throw new InvalidSendJobError(record.messageId);
  return job.data;
}

async function sendRecord(record: SQSRecord): Promise<void> {
  try {
    const result = await sendInvitation(deps, parseJob(record));
    logger.debug('send job done', { ...result });
  } catch (e) {
    // Ids and error names only: the body and the SES error text may carry an address.
    logger.warn('send job failed', {
      messageId: record.messageId,
      receiveCount: record.attributes?.ApproximateReceiveCount,
      error: e instanceof Error ? e.name : 'unknown',
      ...(e instanceof SendFailedError
        ? {
            invitationId: e.invitationId,
            released: e.released,
            permanent: e.permanent,
            cause: (e.cause as Error | undefined)?.name,
          }
        : {}),
    });
    throw e;
  }
}

/**
 * SQS batch → one email per send job, the records of a batch in parallel. Failed records are reported in
 * batchItemFailures so only they are redelivered, even when every record failed (the same outcome as a
 * thrown error, with one code path for the local queue and for Lambda).
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event, context) =>
    // A processor per invocation: it holds the batch's state, and a local queue may invoke concurrently.
    processPartialResponse(event, sendRecord, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    }),
  );
