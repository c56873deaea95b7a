import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { calendarsAsWritten } from '../../../programme/calendars.ts';
import { DynamoActions } from '../../adapters/dynamo-actions.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { eventBridgeClient } from '../../adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../adapters/eventbridge-publisher.ts';
import { logger } from '../../adapters/logger.ts';
import { composeMime } from '../../adapters/mime.ts';
import { S3Blobs } from '../../adapters/s3-blobs.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sesClient } from '../../adapters/ses-client.ts';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { isSkipped, type ReportDeps } from '../../use-cases/report.ts';
import { isPeriodReport, type RunReportResult, runReport } from '../../use-cases/run-report.ts';
import { parseReportEvent } from './event.ts';

export type { ReportEvent } from './event.ts';
/** A report, or (scheduled runs only) `{ campaignId, skipped: 'no-wave' | 'already-final', … }`. */
export type ReportResponse = RunReportResult;

const deps: ReportDeps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME')),
  blobs: new S3Blobs(requireEnv('BUCKET_NAME')),
  mailer: new SesMailer(sesClient(), { configurationSet: process.env.SES_CONFIGURATION_SET }),
  compose: composeMime,
  clock: { now: () => new Date() },
  // The emailed links point at the survey page, which checks them and signs a fresh S3 URL per click.
  links: { secret: tokenSecret, baseUrl: requireEnv('PUBLIC_BASE_URL') },
  // The closed loop: period reports summarize its actions and open (and judge) target actions.
  actions: {
    store: new DynamoActions(documentClient(), requireEnv('TABLE_NAME'), {
      retentionDays: Number(process.env.RETENTION_DAYS) || 365,
    }),
    queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
    events: new EventBridgePublisher(eventBridgeClient()),
    calendars: calendarsAsWritten,
    warn: (message, fields) => logger.warn(message, fields),
  },
};

/** The report schedule (`{ campaignId, trigger: 'schedule' }`) or the CLI (`{ campaignId, waveId? | period? }`). */
export const handler = middy<unknown, ReportResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const result = await runReport(deps, parseReportEvent(event));
    if (isSkipped(result)) logger.info('nothing new to report', { ...result });
    else if (isPeriodReport(result)) {
      const { campaignId, period, emailed, rolledUp, liveResponses } = result;
      logger.info('period report written and sent', {
        ...{ campaignId, period, emailed, liveResponses },
        rolledUp: rolledUp.length,
      });
    } else {
      const { campaignId, waveId, emailed, final } = result;
      logger.info('report written and sent', { campaignId, waveId, emailed, final });
    }
    return result;
  });
