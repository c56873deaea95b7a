import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { shippedDepartmentNames } from '../../../programme/campaigns.ts';
import { DynamoActions } from '../../adapters/dynamo-actions.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoSendBudget } from '../../adapters/dynamo-send-budget.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { composeMime } from '../../adapters/mime.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sesClient } from '../../adapters/ses-client.ts';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import { SesPacer } from '../../adapters/ses-pacer.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import type { SendDeps } from '../../use-cases/send.ts';
import type { ActionNoticeDeps } from '../../use-cases/send-action-notice.ts';
import { cachedWaves } from '../../use-cases/waves.ts';
import { type SendBatchEnv, sendBatch } from './batch.ts';

const store = new DynamoStore(documentClient(), requireEnv('TABLE_NAME'), {
  retentionDays: Number(process.env.RETENTION_DAYS) || 365,
});
// Every instance books its sends in the account's SES budget, shared through the table: together they
// never pass MaxSendRate nor Max24HourSend, however many run.
const pacer = new SesPacer(sesClient(), {
  budget: new DynamoSendBudget(documentClient(), requireEnv('TABLE_NAME')),
});
const deps: SendDeps = {
  store,
  mailer: new SesMailer(sesClient(), { configurationSet: process.env.SES_CONFIGURATION_SET, pacer }),
  clock: { now: () => new Date() },
  waves: cachedWaves(store),
  compose: composeMime,
  links: { secret: tokenSecret, baseUrl: requireEnv('PUBLIC_BASE_URL') },
  suppressions: {
    list: new DynamoSuppressions(documentClient(), requireEnv('TABLE_NAME')),
    secret: tokenSecret,
  },
};

// Action emails share the mailer, pacing, links and suppression list; their claims are on the action.
// They name departments as the programme deployed with this function does (programme/campaigns.ts reads
// the files as they are: no validation at cold start).
const actionDeps: ActionNoticeDeps = {
  ...deps,
  departmentNames: shippedDepartmentNames,
  actions: new DynamoActions(documentClient(), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  }),
};

/*
 * SES's daily quota (Max24HourSend) pauses the send path; it never dead-letters it (DESIGN.md §5). Once
 * the quota is used up (GetSendQuota says so, or SES answers "Daily message quota exceeded"), a job is
 * neither claimed nor sent: it is sent to this same queue again as a NEW message, hidden for
 * QUOTA_PAUSE_SECONDS, and the delivered one is reported processed. Why a new message: its receive count
 * starts at 0 and its 14-day retention starts again, so a pause of any length never reaches
 * maxReceiveCount (the DLQ) nor the retention limit, where returning it to the queue (batchItemFailures,
 * about an hour to the DLQ) or ChangeMessageVisibility (still a receive per try, and retention runs on)
 * would. The quota is a rolling 24-hour window that frees a little at a time, so the jobs come back every
 * 15 minutes (SQS's longest delay) and go out as soon as it has room; a pause costs a SendMessageBatch and a
 * receive per ten jobs per 15 minutes. If the re-send fails, the records go back to the queue as before.
 */
const sendQueue = new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL'));
/** How long a paused job stays hidden; SQS allows at most 900 s. Tests shorten it. */
const QUOTA_PAUSE_SECONDS = Math.min(900, Number(process.env.SEND_QUOTA_PAUSE_SECONDS) || 900);
const env: SendBatchEnv = { deps, actionDeps, pacer, sendQueue, pauseSeconds: QUOTA_PAUSE_SECONDS };

/** SQS batch → one email per send job: see sendBatch (batch.ts). */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => sendBatch(env, event, context));

export { BatchStoppedError, InvalidSendJobError } from './batch.ts';
