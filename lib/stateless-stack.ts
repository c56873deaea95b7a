import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../functions/adapters/dynamo-store.ts';
import { metricsNamespace } from '../functions/adapters/metrics.ts';
import { IMPORTS_PREFIX, REPORT_SUFFIX } from '../functions/domain/customers/import-file.ts';
import type { Programme } from '../functions/domain/programme.ts';
import { REPORTS_PREFIX } from '../functions/domain/report/document.ts';
import { actionsSweep } from './actions-sweep.ts';
import { alarmTopic } from './alarm-topic.ts';
import { SurveyApi } from './api.ts';
import type { StackConfig } from './config.ts';
import { CsatFunction, type TableAction } from './csat-function.ts';
import { DISPATCH_MAX_RECEIVE_COUNT, dispatchFanOut } from './dispatch-fanout.ts';
import { notifyOnImports } from './imports-trigger.ts';
import { Operations } from './operations.ts';
import { addCampaignSchedules } from './schedules.ts';
import {
  failedRunsQueue,
  SEND_BATCH_SIZE,
  SEND_MAX_RECEIVE_COUNT,
  SEND_TIMEOUT,
  sendQueues,
} from './send-queue.ts';
import type { SharedResources } from './shared-resources.ts';
import { removalPolicyOf } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: StackConfig;
  programme: Programme;
  /** What it uses of the stateful stack: imported values (lib/shared-resources.ts), nothing else. */
  shared: SharedResources;
  /** Where the execute-api warning is printed besides the CDK annotation; stderr by default. */
  warn?: (line: string) => void;
}

export {
  QUEUE_RETENTION,
  SEND_BATCH_SIZE,
  SEND_MAX_RECEIVE_COUNT,
  SEND_TIMEOUT,
  SEND_VISIBILITY_TIMEOUT,
} from './send-queue.ts';

/** The item operations the functions call on the table; the throttling alarm sums them. */
export const TABLE_OPERATIONS: readonly TableAction[] = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'Query',
  'BatchGetItem',
];

/** Lambda's longest: room for the responses.csv of a large period. */
export const REPORT_TIMEOUT = Duration.minutes(15);

/** Lambda's longest async retry window for scheduled and event-driven runs. */
const ASYNC_RETRIES = { retryAttempts: 2, maxEventAge: Duration.hours(6) };

/**
 * The code and everything that can be rebuilt from nothing: the HTTP API and survey-page function, the
 * send and dispatch queues with their DLQs, the dispatch/dispatch-worker/send/report/remind/import/
 * ses-events functions, one dispatch and one report schedule per campaign, and the alarms and dashboard. It reaches the stateful stack only
 * through the imported values in `props.shared`, and grants each function what it uses there itself.
 */
export class StatelessStack extends Stack {
  readonly surveyPage: CsatFunction;
  readonly dispatch: CsatFunction;
  readonly dispatchWorker: CsatFunction;
  readonly send: CsatFunction;
  readonly report: CsatFunction;
  readonly remind: CsatFunction;
  readonly importCustomers: CsatFunction;
  readonly sesEvents: CsatFunction;
  readonly actions: CsatFunction;
  readonly sesEventsRule: Rule;
  readonly api: HttpApi;
  readonly surveyApi: SurveyApi;
  readonly sendQueue: Queue;
  readonly sendDeadLetterQueue: Queue;
  readonly dispatchQueue: Queue;
  readonly dispatchDeadLetterQueue: Queue;
  readonly failedRuns: Queue;
  readonly alarmTopic: Topic;
  readonly operations: Operations;
  /** The stateful stack's values as this stack imports them. */
  readonly shared: SharedResources;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, programme, shared } = props;
    this.shared = shared;
    const table = { tableArn: shared.tableArn };
    const bucket = { bucketArn: shared.bucketArn };
    const removalPolicy = removalPolicyOf(config);
    const gsi1 = [TABLE_KEYS.gsi1.name];
    const sesIdentityArn = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: config.sesIdentity,
    });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: shared.configurationSetName,
    });
    const common = { TABLE_NAME: shared.tableName, RETENTION_DAYS: String(config.retentionDays) };
    const secretEnv = { TOKEN_SECRET_ARN: shared.tokenSecretArn };
    const reportsWhy =
      'Report keys are reports/{campaign}/{wave or period}/…, created as waves happen; the wildcard is ' +
      'limited to that prefix of the one report bucket.';

    this.alarmTopic = alarmTopic(this, config.alarmEmail);

    // --- HTTP API and survey page ------------------------------------------------------------------
    this.surveyApi = new SurveyApi(this, 'SurveyApi', {
      throttle: config.apiThrottle,
      publicBaseUrl: config.publicBaseUrl,
      domain:
        config.domain && shared.apiDomainName
          ? { importedName: shared.apiDomainName, name: config.domain.name }
          : undefined,
      removalPolicy,
      ...(props.warn ? { warn: props.warn } : {}),
    });
    this.api = this.surveyApi.api;
    const publicBaseUrl = this.surveyApi.publicBaseUrl;

    this.surveyPage = new CsatFunction(this, 'SurveyPage', {
      handler: 'survey-page',
      description:
        'csat: survey, unsubscribe, action and follow-up pages (GET/POST /s, /u, /a, /v/{token}), GET /r/{token}',
      memorySize: 512,
      timeout: Duration.seconds(10),
      removalPolicy,
      environment: {
        ...common,
        TOKEN_SECRET_ARN: shared.tokenSecretArn,
        PUBLIC_BASE_URL: publicBaseUrl,
        BUCKET_NAME: shared.bucketName,
      },
    });
    // PutItem: a response's corrective action (issue 12), created once under its id.
    this.surveyPage.grantTable(table, ['GetItem', 'UpdateItem', 'PutItem']);
    // Events of stored responses and of action changes made on the pages, on the default bus, source csat.
    this.surveyPage.grantPutEvents();
    this.surveyPage.grantSecretValue(shared.tokenSecretArn);
    // GetObject under reports/ only: a report link redirects to a URL presigned with this role.
    this.surveyPage.grantObjects(bucket, `${REPORTS_PREFIX}*`, ['GetObject'], reportsWhy);
    this.surveyApi.routeToPages(this.surveyPage.fn);

    // --- Send queue and send function --------------------------------------------------------------
    ({ queue: this.sendQueue, deadLetterQueue: this.sendDeadLetterQueue } = sendQueues(this));

    // An opened action's alerts and a customer's "not resolved" emails go out through the send queue.
    this.surveyPage.fn.addEnvironment('SEND_QUEUE_URL', this.sendQueue.queueUrl);
    this.surveyPage.grantSendMessages(this.sendQueue);

    this.send = new CsatFunction(this, 'Send', {
      handler: 'send',
      description: 'csat: one survey email per send job (SQS)',
      memorySize: 512,
      timeout: SEND_TIMEOUT,
      removalPolicy,
      environment: {
        ...common,
        TOKEN_SECRET_ARN: shared.tokenSecretArn,
        PUBLIC_BASE_URL: publicBaseUrl,
        SES_CONFIGURATION_SET: shared.configurationSetName,
        // When SES's daily quota is used up, jobs go back on this queue with a delay (never dead-lettered).
        SEND_QUEUE_URL: this.sendQueue.queueUrl,
      },
    });
    // BatchGetItem: the address's suppression record, looked up before each send, and the shared SES
    // budget's shards; UpdateItem also books each send's slot in that budget (dynamo-send-budget.ts).
    this.send.grantTable(table, ['GetItem', 'UpdateItem', 'BatchGetItem']);
    this.send.grantSecretValue(shared.tokenSecretArn);
    this.send.grantSendRawEmail(sesIdentityArn, configurationSetArn);
    this.send.grantGetSendQuota();
    this.send.grantSendMessages(this.sendQueue);
    this.send.fn.addEventSource(
      new SqsEventSource(this.sendQueue, {
        batchSize: SEND_BATCH_SIZE,
        reportBatchItemFailures: true,
        // Caps concurrent senders (SEND_MAX_CONCURRENCY unless overridden); together they book the
        // account's SES rate through the table, and throttled sends return to the queue, never dropped.
        maxConcurrency: config.sendConcurrency,
      }),
    );

    // --- Scheduled functions -----------------------------------------------------------------------
    this.failedRuns = failedRunsQueue(this);
    const onFailure = new SqsDestination(this.failedRuns);

    // --- Dispatch, fanned out over the dispatch queue (lib/dispatch-fanout.ts) -----------------------
    ({
      dispatch: this.dispatch,
      worker: this.dispatchWorker,
      queue: this.dispatchQueue,
      deadLetterQueue: this.dispatchDeadLetterQueue,
    } = dispatchFanOut(this, {
      environment: { ...common, ...secretEnv },
      table,
      gsi1,
      tokenSecretArn: shared.tokenSecretArn,
      sendQueue: this.sendQueue,
      onFailure,
      removalPolicy,
    }));

    this.report = new CsatFunction(this, 'Report', {
      handler: 'report',
      description: 'csat: write a wave or period report to S3 and email it to the managers',
      memorySize: 1024,
      // A period's responses.csv lists every response (~10 k rows/s in `npm run bench`, memory flat): a
      // period of a million responses takes minutes. Everything else a report reads is O(days).
      timeout: REPORT_TIMEOUT,
      removalPolicy,
      environment: {
        ...common,
        BUCKET_NAME: shared.bucketName,
        SES_CONFIGURATION_SET: shared.configurationSetName,
        // The emailed links are `${PUBLIC_BASE_URL}/r/{token}`, signed with the token secret.
        TOKEN_SECRET_ARN: shared.tokenSecretArn,
        PUBLIC_BASE_URL: publicBaseUrl,
        // A closed period's target actions (issue 12) queue their alerts for the send function.
        SEND_QUEUE_URL: this.sendQueue.queueUrl,
      },
    });
    // gsi2: a campaign's answers by date, which period reports roll up per closed day.
    this.report.grantTable(table, ['GetItem', 'Query']);
    this.report.grantIndexes(table, ['Query'], [TABLE_KEYS.gsi1.name, TABLE_KEYS.gsi2.name]);
    // Records a wave's final report on the wave item (the table, not the index).
    this.report.grantTable(table, ['UpdateItem']);
    // Writes reports (responses.csv in multipart parts, aborted when a run fails midway) and reads back
    // the rollups of closed days it wrote under reports/{campaign}/rollups/.
    this.report.grantObjects(
      bucket,
      `${REPORTS_PREFIX}*`,
      ['GetObject', 'PutObject', 'AbortMultipartUpload'],
      reportsWhy,
    );
    // A rollup not written yet must read as 404 NoSuchKey, which only ListBucket on the bucket gives.
    this.report.grantListBucket(bucket);
    this.report.grantSecretValue(shared.tokenSecretArn);
    this.report.grantSendRawEmail(sesIdentityArn, configurationSetArn);
    // Target actions (issue 12): opened by a conditional PutItem (UpdateItem above verifies or reopens
    // them), their alerts queued for the send function, their events published on the default bus.
    this.report.grantTable(table, ['PutItem']);
    this.report.grantSendMessages(this.sendQueue);
    this.report.grantPutEvents();
    this.report.fn.configureAsyncInvoke({ onFailure, ...ASYNC_RETRIES });

    this.remind = new CsatFunction(this, 'Remind', {
      handler: 'remind',
      description: 'csat: queue the reminders due today to customers who have not answered',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      removalPolicy,
      environment: {
        ...common,
        ...secretEnv,
        SEND_QUEUE_URL: this.sendQueue.queueUrl,
        METRICS_NAMESPACE: metricsNamespace(this.stackName),
      },
    });
    // Reads only: waves (Query on the table), invitations a page at a time (the index), and for each page's
    // due reminders their customers' unsubscribe flag and the suppression list of their addresses
    // (BatchGetItem, addresses hashed with the secret). Send claims and sends.
    this.remind.grantTable(table, ['Query'], gsi1);
    this.remind.grantTable(table, ['BatchGetItem']);
    this.remind.grantSecretValue(shared.tokenSecretArn);
    this.remind.grantSendMessages(this.sendQueue);
    // The sweep only queues jobs the send step claims once, so Lambda's own retries are safe.
    this.remind.fn.configureAsyncInvoke({ onFailure, ...ASYNC_RETRIES });

    // --- Customer import from files put under imports/ -----------------------------------------------
    this.importCustomers = new CsatFunction(this, 'ImportCustomers', {
      handler: 'import-customers',
      description: 'csat: import a customer file put under imports/ and write its report beside it',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      removalPolicy,
      environment: { ...common, BUCKET_NAME: shared.bucketName },
    });
    // putCustomers updates customers item by item (keeping unsubscribes), so UpdateItem only.
    this.importCustomers.grantTable(table, ['UpdateItem']);
    const importsWhy =
      'Customer files are put under imports/ with names people choose; the function reads only that ' +
      'prefix and writes only *.report.json there.';
    this.importCustomers.grantObjects(bucket, `${IMPORTS_PREFIX}*`, ['GetObject'], importsWhy);
    this.importCustomers.grantObjects(
      bucket,
      `${IMPORTS_PREFIX}*${REPORT_SUFFIX}`,
      ['PutObject'],
      importsWhy,
    );
    this.importCustomers.fn.configureAsyncInvoke({ onFailure, retryAttempts: 2 });
    notifyOnImports(this, shared, this.importCustomers);

    // --- SES bounces and complaints: suppress the customer ------------------------------------------
    this.sesEvents = new CsatFunction(this, 'SesEvents', {
      handler: 'ses-events',
      description: 'csat: suppress the customer of a permanent bounce or a complaint (SES via EventBridge)',
      memorySize: 256,
      timeout: Duration.seconds(10),
      removalPolicy,
      environment: { ...common, ...secretEnv },
    });
    // Reads the invitation named by the email's tag, then suppresses its address (hashed with the secret)
    // and marks its customer suppressed.
    this.sesEvents.grantTable(table, ['GetItem', 'UpdateItem']);
    this.sesEvents.grantSecretValue(shared.tokenSecretArn);
    // The event destination (stateful stack) publishes to the default bus; the rule takes only this
    // configuration set's bounces and complaints, not those of other senders in the account.
    this.sesEventsRule = new Rule(this, 'SesFeedbackRule', {
      description: 'csat: SES bounces and complaints of the csat configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [shared.configurationSetName] } } },
      },
      targets: [
        new LambdaFunction(this.sesEvents.fn, {
          deadLetterQueue: this.failedRuns,
          retryAttempts: 3,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    // Suppression is idempotent (the first time stays), so Lambda's own retries are safe.
    this.sesEvents.fn.configureAsyncInvoke({ onFailure, ...ASYNC_RETRIES });

    addCampaignSchedules(this, {
      programme,
      dispatch: this.dispatch.fn,
      report: this.report.fn,
      remind: this.remind.fn,
      failedRuns: this.failedRuns,
    });

    this.actions = actionsSweep(this, {
      programme,
      environment: common,
      table,
      sendQueue: this.sendQueue,
      failedRuns: this.failedRuns,
      onFailure,
      removalPolicy,
    });

    // --- Alarms and dashboard ----------------------------------------------------------------------
    const functions = {
      'survey-page': this.surveyPage,
      dispatch: this.dispatch,
      'dispatch-worker': this.dispatchWorker,
      send: this.send,
      report: this.report,
      remind: this.remind,
      'import-customers': this.importCustomers,
      'ses-events': this.sesEvents,
      actions: this.actions,
    };
    this.operations = new Operations(this, 'Operations', {
      topic: this.alarmTopic,
      functions,
      api: this.api,
      apiAccessLogs: this.surveyApi.accessLogs,
      sendQueue: this.sendQueue,
      sendDeadLetterQueue: this.sendDeadLetterQueue,
      failedRuns: this.failedRuns,
      sendMaxReceiveCount: SEND_MAX_RECEIVE_COUNT,
      dispatchQueue: this.dispatchQueue,
      dispatchDeadLetterQueue: this.dispatchDeadLetterQueue,
      dispatchMaxReceiveCount: DISPATCH_MAX_RECEIVE_COUNT,
      tableName: shared.tableName,
      tableOperations: TABLE_OPERATIONS,
      dispatch: this.dispatch,
    });

    // --- Outputs the csat CLI reads ----------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'The HTTP API endpoint' });
    new CfnOutput(this, 'PublicBaseUrl', { value: publicBaseUrl, description: 'Base URL of survey links' });
    new CfnOutput(this, 'TableName', { value: shared.tableName });
    new CfnOutput(this, 'BucketName', { value: shared.bucketName });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sendQueue.queueUrl });
    new CfnOutput(this, 'DispatchQueueUrl', { value: this.dispatchQueue.queueUrl });
    new CfnOutput(this, 'DispatchFunctionName', { value: this.dispatch.fn.functionName });
    new CfnOutput(this, 'ReportFunctionName', { value: this.report.fn.functionName });
    new CfnOutput(this, 'RemindFunctionName', { value: this.remind.fn.functionName });
  }
}
