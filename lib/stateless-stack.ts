import { CfnOutput, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../functions/adapters/dynamo-store.ts';
import { IMPORTS_PREFIX } from '../functions/domain/customers/import-file.ts';
import { type Programme, reminderSchedule, toEventBridgeCron } from '../functions/domain/programme.ts';
import type { StackConfig } from './config.ts';
import { CsatFunction } from './csat-function.ts';
import { removalPolicyOf } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: StackConfig;
  programme: Programme;
  table: ITableV2;
  bucket: IBucket;
  /** Put under reports/ in the bucket, for the report function. */
  reportsWrite: IManagedPolicy;
  /** Get under reports/ in the bucket, for the survey page (it presigns the redirect of report links). */
  reportsRead: IManagedPolicy;
  /** Get under imports/, put imports/*.report.json, for the customer import function. */
  importsAccess: IManagedPolicy;
  tokenSecret: ISecret;
  configurationSetName: string;
  configurationSetArn: string;
}

/**
 * Send jobs that still fail after this many receives go to the DLQ (and page someone). Generous because a
 * throttled send costs its job a receive, and the rest of its batch one each (returned untried). The
 * send function paces itself under GetSendQuota's rate, so SES throttles it only when something else
 * uses the account's rate or the quota dropped; 5 receives could dead-letter mail that only had to wait
 * out a busy spell. 20 receives, three minutes apart, keep a job trying for about an hour: what stays
 * throttled longer (a used-up daily quota) or is refused outright still reaches the DLQ and its alarm.
 */
export const SEND_MAX_RECEIVE_COUNT = 20;
/** SQS's largest batch: one invocation sends up to ten emails. */
export const SEND_BATCH_SIZE = 10;
const SEND_TIMEOUT = Duration.seconds(30);
/** Lambda's guidance: at least six times the function timeout, so retries never overlap a live run. */
export const SEND_VISIBILITY_TIMEOUT = Duration.seconds(SEND_TIMEOUT.toSeconds() * 6);

/** Lambda's longest: room for the responses.csv of a large period. */
export const REPORT_TIMEOUT = Duration.minutes(15);

/** Survey traffic is people clicking links; this stops a scanner or a loop from running up the bill. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/*
 * Access log fields. The route key, never the path: the path holds the link token, which is as good as
 * the customer's password for their survey. No source IP either (personal data).
 */
const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

/**
 * The code and everything that can be rebuilt from nothing: the HTTP API and survey-page function, the
 * send queue with its DLQ and alarm, the dispatch/send/report functions, and one dispatch and one report
 * schedule per campaign in the programme.
 */
export class StatelessStack extends Stack {
  readonly surveyPage: CsatFunction;
  readonly dispatch: CsatFunction;
  readonly send: CsatFunction;
  readonly report: CsatFunction;
  readonly remind: CsatFunction;
  readonly importCustomers: CsatFunction;
  readonly sesEvents: CsatFunction;
  readonly sesEventsRule: Rule;
  readonly api: HttpApi;
  readonly sendQueue: Queue;
  readonly sendDeadLetterQueue: Queue;
  readonly failedRuns: Queue;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, programme, table, bucket, tokenSecret } = props;
    const removalPolicy = removalPolicyOf(config);
    const gsi1 = [TABLE_KEYS.gsi1.name];
    const sesIdentityArn = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: config.sesIdentity,
    });
    const common = { TABLE_NAME: table.tableName, RETENTION_DAYS: String(config.retentionDays) };

    // --- Alarms ------------------------------------------------------------------------------------
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'csat alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry a queue name and a count, no personal data. CloudWatch cannot publish ' +
        'to a topic encrypted with the AWS managed SNS key, and a customer managed key would cost more ' +
        'than the idle stack.',
    });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    // --- HTTP API and survey page ------------------------------------------------------------------
    this.api = new HttpApi(this, 'Api', {
      description: 'csat survey and unsubscribe pages, report links',
      createDefaultStage: false,
    });
    const publicBaseUrl = config.publicBaseUrl ?? this.api.apiEndpoint;

    this.surveyPage = new CsatFunction(this, 'SurveyPage', {
      handler: 'survey-page',
      description: 'csat: survey and unsubscribe pages (GET/POST /s/{token}, /u/{token}), GET /r/{token}',
      memorySize: 512,
      timeout: Duration.seconds(10),
      removalPolicy,
      environment: {
        ...common,
        TOKEN_SECRET_ARN: tokenSecret.secretArn,
        PUBLIC_BASE_URL: publicBaseUrl,
        BUCKET_NAME: bucket.bucketName,
      },
    });
    this.surveyPage.grantTable(table, ['GetItem', 'UpdateItem']);
    this.surveyPage.grantSecretValue(tokenSecret);
    // GetObject under reports/ only: a report link redirects to a URL presigned with this role.
    this.surveyPage.attachPolicy(props.reportsRead);

    const pages = new HttpLambdaIntegration('SurveyPageIntegration', this.surveyPage.fn);
    const routes = ['/s/{token}', '/u/{token}'].flatMap((path) =>
      this.api.addRoutes({ path, methods: [HttpMethod.GET, HttpMethod.POST], integration: pages }),
    );
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Customers open these pages from an email without an account: the HMAC-signed token in the path ' +
          'is the authorisation, checked in constant time by the function.',
      });
    }
    // Report links from the managers' email: GET only, it redirects and changes nothing.
    for (const route of this.api.addRoutes({
      path: '/r/{token}',
      methods: [HttpMethod.GET],
      integration: pages,
    })) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Managers open report links from an email without an account: the HMAC-signed, expiring token in ' +
          'the path is the authorisation, checked in constant time by the function, and names one object ' +
          'under reports/.',
      });
    }
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });

    // --- Send queue and send function --------------------------------------------------------------
    this.sendDeadLetterQueue = new Queue(this, 'SendDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.sendDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the send queue; its messages are inspected, not retried.',
    });
    this.sendQueue = new Queue(this, 'SendQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: SEND_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.sendDeadLetterQueue, maxReceiveCount: SEND_MAX_RECEIVE_COUNT },
    });
    this.alarmWhenNotEmpty(
      'SendDeadLetterAlarm',
      this.sendDeadLetterQueue,
      `send jobs failed ${SEND_MAX_RECEIVE_COUNT} times`,
    );

    this.send = new CsatFunction(this, 'Send', {
      handler: 'send',
      description: 'csat: one survey email per send job (SQS)',
      memorySize: 512,
      timeout: SEND_TIMEOUT,
      removalPolicy,
      environment: {
        ...common,
        TOKEN_SECRET_ARN: tokenSecret.secretArn,
        PUBLIC_BASE_URL: publicBaseUrl,
        SES_CONFIGURATION_SET: props.configurationSetName,
        // Each instance sends at GetSendQuota's MaxSendRate ÷ this: together, at most the account's rate.
        SEND_CONCURRENCY: String(config.sendConcurrency),
      },
    });
    this.send.grantTable(table, ['GetItem', 'UpdateItem']);
    this.send.grantSecretValue(tokenSecret);
    this.send.grantSendRawEmail(sesIdentityArn, props.configurationSetArn);
    this.send.grantGetSendQuota();
    this.send.fn.addEventSource(
      new SqsEventSource(this.sendQueue, {
        batchSize: SEND_BATCH_SIZE,
        reportBatchItemFailures: true,
        // Caps concurrent senders; each paces itself at its share of the SES rate (SEND_CONCURRENCY), and
        // throttled sends return to the queue, never dropped.
        maxConcurrency: config.sendConcurrency,
      }),
    );

    // --- Scheduled functions -----------------------------------------------------------------------
    // Where a scheduled run ends up when it cannot be delivered or keeps failing: a missed quarterly
    // wave must not go unnoticed.
    this.failedRuns = new Queue(this, 'FailedRunsQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedRuns).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the schedules and scheduled functions.',
    });
    this.alarmWhenNotEmpty('FailedRunsAlarm', this.failedRuns, 'a scheduled dispatch or report failed');
    const onFailure = new SqsDestination(this.failedRuns);

    this.dispatch = new CsatFunction(this, 'Dispatch', {
      handler: 'dispatch',
      description: 'csat: start a wave of a campaign and queue its send jobs',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      removalPolicy,
      environment: { ...common, SEND_QUEUE_URL: this.sendQueue.queueUrl },
    });
    // UpdateItem: claimContact stamps the customer's last survey (a conditional update on the customer).
    this.dispatch.grantTable(table, ['GetItem', 'PutItem', 'UpdateItem', 'Query'], gsi1);
    this.dispatch.grantSendMessages(this.sendQueue);
    // Dispatch is idempotent per scheduled time, so Lambda's own retries are safe.
    this.dispatch.fn.configureAsyncInvoke({ onFailure, retryAttempts: 2, maxEventAge: Duration.hours(6) });

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
        BUCKET_NAME: bucket.bucketName,
        SES_CONFIGURATION_SET: props.configurationSetName,
        // The emailed links are `${PUBLIC_BASE_URL}/r/{token}`, signed with the token secret.
        TOKEN_SECRET_ARN: tokenSecret.secretArn,
        PUBLIC_BASE_URL: publicBaseUrl,
      },
    });
    // gsi2: a campaign's answers by date, which period reports roll up per closed day.
    this.report.grantTable(table, ['GetItem', 'Query'], [TABLE_KEYS.gsi1.name, TABLE_KEYS.gsi2.name]);
    // Records a wave's final report on the wave item (the table, not the index).
    this.report.grantTable(table, ['UpdateItem']);
    this.report.attachPolicy(props.reportsWrite);
    // Reads back the rollups of closed days it wrote under reports/{campaign}/rollups/.
    this.report.attachPolicy(props.reportsRead);
    // A rollup not yet written is a missing key: S3 answers it with 404 only to a caller that may list the
    // bucket, and with 403 to any other, which the report would take for a failure. Not narrowed by an
    // s3:prefix condition: a GetObject request carries no s3:prefix, so such a grant would still get 403.
    this.report.grantListBucket(bucket);
    this.report.grantSecretValue(tokenSecret);
    this.report.grantSendRawEmail(sesIdentityArn, props.configurationSetArn);
    this.report.fn.configureAsyncInvoke({ onFailure, retryAttempts: 2, maxEventAge: Duration.hours(6) });

    this.remind = new CsatFunction(this, 'Remind', {
      handler: 'remind',
      description: 'csat: queue the reminders due today to customers who have not answered',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      removalPolicy,
      environment: { ...common, SEND_QUEUE_URL: this.sendQueue.queueUrl },
    });
    // Reads only: waves (Query on the table), invitations and the directory (the index). The send function
    // claims and sends each reminder.
    this.remind.grantTable(table, ['Query'], gsi1);
    this.remind.grantSendMessages(this.sendQueue);
    // The sweep only queues jobs the send step claims once, so Lambda's own retries are safe.
    this.remind.fn.configureAsyncInvoke({ onFailure, retryAttempts: 2, maxEventAge: Duration.hours(6) });

    // --- Customer import from files put under imports/ -----------------------------------------------
    this.importCustomers = new CsatFunction(this, 'ImportCustomers', {
      handler: 'import-customers',
      description: 'csat: import a customer file put under imports/ and write its report beside it',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      removalPolicy,
      environment: { ...common, BUCKET_NAME: bucket.bucketName },
    });
    // putCustomers updates customers item by item (keeping unsubscribes), so UpdateItem only.
    this.importCustomers.grantTable(table, ['UpdateItem']);
    this.importCustomers.attachPolicy(props.importsAccess);
    this.importCustomers.fn.configureAsyncInvoke({ onFailure, retryAttempts: 2 });
    /*
     * The notification lives here, on a reference to the bucket, not on the bucket in the stateful stack:
     * there it would need this function's ARN while this stack already needs the bucket's name, a
     * cross-stack cycle. CDK writes it with its BucketNotifications custom resource, which for a
     * referenced bucket adds these two configurations and leaves any others on the bucket alone. An S3
     * filter is one prefix and one suffix, so the .json one also matches the reports written beside the
     * files; the handler ignores *.report.json without writing, which ends that loop at one invocation.
     */
    const importsBucket = Bucket.fromBucketAttributes(this, 'ImportsBucket', {
      bucketArn: bucket.bucketArn,
      bucketName: bucket.bucketName,
    });
    for (const suffix of ['.csv', '.json']) {
      importsBucket.addEventNotification(
        EventType.OBJECT_CREATED,
        new LambdaDestination(this.importCustomers.fn),
        { prefix: IMPORTS_PREFIX, suffix },
      );
    }
    const notificationsHandler = this.node
      .findAll()
      .find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            "CDK's own handler that writes the bucket's notification configuration once per deploy; its " +
            'role and policy are fixed by CDK and it never sees customer data.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'CDK\'s bucket-notifications handler is granted s3:PutBucketNotification on "*" by CDK; it runs ' +
            'at deploy time only, for the imports/ trigger.',
        },
      );
    }

    // --- SES bounces and complaints: suppress the customer ------------------------------------------
    this.sesEvents = new CsatFunction(this, 'SesEvents', {
      handler: 'ses-events',
      description: 'csat: suppress the customer of a permanent bounce or a complaint (SES via EventBridge)',
      memorySize: 256,
      timeout: Duration.seconds(10),
      removalPolicy,
      environment: { ...common },
    });
    // Reads the invitation named by the email's tag, then marks its customer suppressed.
    this.sesEvents.grantTable(table, ['GetItem', 'UpdateItem']);
    // The event destination (stateful stack) publishes to the default bus; the rule takes only this
    // configuration set's bounces and complaints, not those of other senders in the account.
    this.sesEventsRule = new Rule(this, 'SesFeedbackRule', {
      description: 'csat: SES bounces and complaints of the csat configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
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
    this.sesEvents.fn.configureAsyncInvoke({ onFailure, retryAttempts: 2, maxEventAge: Duration.hours(6) });

    // EventBridge Scheduler's Lambda target grants lambda:InvokeFunction on the function and on
    // `<arn>:*` (its versions and aliases); acknowledged by exact finding, one per scheduled function.
    for (const fn of [this.dispatch.fn, this.report.fn, this.remind.fn]) {
      const logicalId = this.resolve(this.getLogicalId(fn.node.defaultChild as CfnFunction));
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason:
          "The schedules' role may invoke only this function; `:*` is the grant's form for its versions " +
          'and aliases, which csat does not publish.',
      });
    }

    for (const campaign of programme.campaigns) {
      new Schedule(this, `DispatchSchedule-${campaign.id}`, {
        description: `csat: dispatch a wave of campaign ${campaign.id}`,
        schedule: ScheduleExpression.expression(
          toEventBridgeCron(campaign.dispatch.cron),
          TimeZone.of(campaign.dispatch.timeZone),
        ),
        target: new LambdaInvoke(this.dispatch.fn, {
          // The scheduled time names the wave, so a retried or repeated tick finds the same wave.
          input: ScheduleTargetInput.fromObject({
            campaignId: campaign.id,
            scheduledTime: ContextAttribute.scheduledTime,
          }),
          deadLetterQueue: this.failedRuns,
          retryAttempts: 3,
          maxEventAge: Duration.hours(6),
        }),
      });
      new Schedule(this, `ReportSchedule-${campaign.id}`, {
        description: `csat: report the latest wave of campaign ${campaign.id}`,
        schedule: ScheduleExpression.expression(
          toEventBridgeCron(campaign.report.schedule.cron),
          TimeZone.of(campaign.report.schedule.timeZone),
        ),
        target: new LambdaInvoke(this.report.fn, {
          // A scheduled run reports only what is new: nothing before the first wave or after a final report.
          input: ScheduleTargetInput.fromObject({ campaignId: campaign.id, trigger: 'schedule' }),
          deadLetterQueue: this.failedRuns,
          retryAttempts: 3,
          maxEventAge: Duration.hours(6),
        }),
      });
      const reminders = reminderSchedule(campaign);
      if (reminders) {
        new Schedule(this, `RemindSchedule-${campaign.id}`, {
          description: `csat: queue the due reminders of campaign ${campaign.id}`,
          schedule: ScheduleExpression.expression(
            toEventBridgeCron(reminders.cron),
            TimeZone.of(reminders.timeZone),
          ),
          target: new LambdaInvoke(this.remind.fn, {
            input: ScheduleTargetInput.fromObject({ campaignId: campaign.id }),
            deadLetterQueue: this.failedRuns,
            retryAttempts: 3,
            maxEventAge: Duration.hours(6),
          }),
        });
      }
    }

    // --- Outputs the csat CLI reads ----------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'The HTTP API endpoint' });
    new CfnOutput(this, 'PublicBaseUrl', { value: publicBaseUrl, description: 'Base URL of survey links' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sendQueue.queueUrl });
    new CfnOutput(this, 'DispatchFunctionName', { value: this.dispatch.fn.functionName });
    new CfnOutput(this, 'ReportFunctionName', { value: this.report.fn.functionName });
    new CfnOutput(this, 'RemindFunctionName', { value: this.remind.fn.functionName });
  }

  private alarmWhenNotEmpty(id: string, queue: IQueue, what: string): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: `csat: ${what}; messages are waiting in the queue`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    return alarm;
  }
}
