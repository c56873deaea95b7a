import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Campaign, type Programme, toEventBridgeCron } from '../../functions/domain/programme.ts';
import { ROUTES } from '../../functions/handlers/survey-page/http.ts';
import { HANDLERS, type HandlerName } from '../../lib/bundling.ts';
import type { CsatFunction } from '../../lib/csat-function.ts';
import { REPORT_TIMEOUT, SEND_MAX_RECEIVE_COUNT } from '../../lib/stateless-stack.ts';
import { programme } from '../../programme/index.ts';
import {
  logicalId,
  permissionLines,
  resourcesOf,
  type Synthesised,
  statementsOfRole,
  synthCsat,
} from './synth.ts';

const demo = programme.campaigns[0]!;
/**
 * A second campaign in another time zone, with a day-of-week dispatch, so schedules are per campaign; its
 * reminder sweep runs on its own schedule. A third sends no reminders, so it gets no sweep.
 */
const west: Campaign = {
  ...demo,
  id: 'west',
  dispatch: { cron: '30 8 * * MON-FRI', timeZone: 'Europe/Berlin' },
  report: { ...demo.report, schedule: { cron: '0 7 15 * *', timeZone: 'America/New_York' } },
  reminders: {
    afterWorkingDays: 2,
    max: 1,
    calendar: 'weekends-only',
    schedule: { cron: '15 11 * * MON-FRI', timeZone: 'Europe/Berlin' },
  },
};
const { reminders: _none, ...withoutReminders } = demo;
const quiet: Campaign = { ...withoutReminders, id: 'quiet' };
const twoCampaigns: Programme = { ...programme, campaigns: [demo, west, quiet] };

const id = (construct: { node: { defaultChild?: unknown } }) =>
  logicalId(construct.node.defaultChild as CfnElement);
const mentions = (value: unknown, logical: string) => JSON.stringify(value).includes(logical);

const functionsOf = ({ stateless }: Synthesised): Record<HandlerName, CsatFunction> => ({
  'survey-page': stateless.surveyPage,
  dispatch: stateless.dispatch,
  send: stateless.send,
  report: stateless.report,
  'import-customers': stateless.importCustomers,
  remind: stateless.remind,
  'ses-events': stateless.sesEvents,
});

describe('StatelessStack', () => {
  let s: Synthesised;
  let custom: Synthesised;
  let fns: Record<HandlerName, CsatFunction>;

  beforeAll(() => {
    s = synthCsat();
    custom = synthCsat(
      { publicBaseUrl: 'https://survey.example.com/', alarmEmail: 'ops@example.com', sendConcurrency: '5' },
      { programme: twoCampaigns },
    );
    fns = functionsOf(s);
  });

  const resources = () => resourcesOf(s.statelessTemplate);
  const envOf = (name: HandlerName, of: Synthesised = s): Record<string, unknown> =>
    resourcesOf(of.statelessTemplate)[id(functionsOf(of)[name].fn)]!.Properties.Environment.Variables;

  describe('permissions', () => {
    /** Names each resource an IAM statement may point at, so the expectations read as sentences. */
    function label(resource: unknown): string {
      if (resource === '*') return '*';
      const { stateful, stateless } = s;
      const named: Array<[string, string]> = [
        [id(stateless.sendQueue), 'send queue'],
        [id(stateless.sendDeadLetterQueue), 'send DLQ'],
        [id(stateless.failedRuns), 'failed-runs queue'],
        [id(stateful.tokenSecret), 'token secret'],
        [id(stateful.configurationSet), 'SES configuration set'],
        ...Object.values(fns).map((f): [string, string] => [id(f.logGroup), `own log group`]),
      ];
      const json = JSON.stringify(resource);
      if (mentions(resource, id(stateful.table)))
        return /\/index\/(gsi\d)"/.exec(json)?.[1]
          ? `table index ${/\/index\/(gsi\d)"/.exec(json)![1]}`
          : 'table';
      if (mentions(resource, id(stateful.bucket))) {
        const objects = /\/((?:reports|imports)\/[^"]*)"\]\]\}$/.exec(json);
        // The bucket itself (s3:ListBucket) rather than objects in it.
        return objects?.[1] ?? (json.includes('/') ? json : 'bucket');
      }
      if (json.includes(':identity/example.com"')) return 'SES identity example.com';
      for (const f of [fns.dispatch, fns.report, fns.remind]) {
        if (mentions(resource, id(f.fn))) return json.includes(':*"') ? `${f.node.id} versions` : f.node.id;
      }
      return named.find(([logical]) => mentions(resource, logical))?.[1] ?? json;
    }
    const linesOf = (f: CsatFunction) => permissionLines(statementsOfRole(s, id(f.role)), label);
    const BASE = [
      'logs:CreateLogStream on own log group',
      'logs:PutLogEvents on own log group',
      'xray:PutTelemetryRecords on *',
      'xray:PutTraceSegments on *',
    ];

    it('should let the survey page read and update items, read the token secret and get reports/*, nothing else', () => {
      expect(linesOf(fns['survey-page'])).toEqual(
        [
          ...BASE,
          'dynamodb:GetItem on table',
          'dynamodb:UpdateItem on table',
          // Report links redirect to a URL presigned with this role: reading reports, never writing.
          's3:GetObject on reports/*',
          'secretsmanager:GetSecretValue on token secret',
        ].sort(),
      );
    });

    it('should let send update invitations, consume the queue, read the SES quota and send raw email as the identity', () => {
      expect(linesOf(fns.send)).toEqual(
        [
          ...BASE,
          'dynamodb:GetItem on table',
          'dynamodb:UpdateItem on table',
          'secretsmanager:GetSecretValue on token secret',
          // The rate it paces itself by; GetSendQuota supports no resource-level permissions.
          'ses:GetSendQuota on *',
          'ses:SendRawEmail on SES identity example.com',
          'ses:SendRawEmail on SES configuration set',
          'sqs:ChangeMessageVisibility on send queue',
          'sqs:DeleteMessage on send queue',
          'sqs:GetQueueAttributes on send queue',
          'sqs:GetQueueUrl on send queue',
          'sqs:ReceiveMessage on send queue',
        ].sort(),
      );
    });

    it('should let dispatch write waves and invitations, query the index and queue send jobs', () => {
      expect(linesOf(fns.dispatch)).toEqual(
        [
          ...BASE,
          'dynamodb:GetItem on table',
          'dynamodb:GetItem on table index gsi1',
          'dynamodb:PutItem on table',
          'dynamodb:PutItem on table index gsi1',
          'dynamodb:Query on table',
          'dynamodb:Query on table index gsi1',
          // claimContact stamps the customer's last survey with a conditional update.
          'dynamodb:UpdateItem on table',
          'dynamodb:UpdateItem on table index gsi1',
          'sqs:SendMessage on send queue',
          // Lambda's on-failure destination for the scheduled (asynchronous) invocation.
          'sqs:GetQueueAttributes on failed-runs queue',
          'sqs:GetQueueUrl on failed-runs queue',
          'sqs:SendMessage on failed-runs queue',
        ].sort(),
      );
    });

    it('should let report read the table, mark final reports, write reports/, sign links and send raw email as the identity', () => {
      expect(linesOf(fns.report)).toEqual(
        [
          ...BASE,
          'dynamodb:GetItem on table',
          'dynamodb:GetItem on table index gsi1',
          'dynamodb:GetItem on table index gsi2',
          'dynamodb:Query on table',
          'dynamodb:Query on table index gsi1',
          // gsi2: a campaign's answers by date, rolled up per closed day for period reports.
          'dynamodb:Query on table index gsi2',
          // finalReportAt on the wave item; not on the index.
          'dynamodb:UpdateItem on table',
          // Its emailed links are signed tokens, not URLs presigned with its credentials; it reads back
          // only the rollups of closed days it wrote under reports/.
          's3:AbortMultipartUpload on reports/*',
          's3:GetObject on reports/*',
          's3:PutObject on reports/*',
          // So that S3 answers a rollup not yet written with 404, not 403.
          's3:ListBucket on bucket',
          'secretsmanager:GetSecretValue on token secret',
          'ses:SendRawEmail on SES identity example.com',
          'ses:SendRawEmail on SES configuration set',
          'sqs:GetQueueAttributes on failed-runs queue',
          'sqs:GetQueueUrl on failed-runs queue',
          'sqs:SendMessage on failed-runs queue',
        ].sort(),
      );
    });

    it('should let the reminder sweep only query the table and index and queue send jobs', () => {
      expect(linesOf(fns.remind)).toEqual(
        [
          ...BASE,
          // Waves by campaign (table), invitations by wave and the directory (index); the send function
          // makes every write.
          'dynamodb:Query on table',
          'dynamodb:Query on table index gsi1',
          'sqs:SendMessage on send queue',
          'sqs:GetQueueAttributes on failed-runs queue',
          'sqs:GetQueueUrl on failed-runs queue',
          'sqs:SendMessage on failed-runs queue',
        ].sort(),
      );
    });

    it('should let ses-events only get the invitation and update the customer, and dead-letter its failures', () => {
      expect(linesOf(fns['ses-events'])).toEqual(
        [
          ...BASE,
          'dynamodb:GetItem on table',
          'dynamodb:UpdateItem on table',
          'sqs:GetQueueAttributes on failed-runs queue',
          'sqs:GetQueueUrl on failed-runs queue',
          'sqs:SendMessage on failed-runs queue',
        ].sort(),
      );
    });

    it('should route only bounces and complaints of the csat configuration set to ses-events', () => {
      const configSet = {
        'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.configurationSet)}`),
      };
      s.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ses'],
          'detail-type': ['Email Bounced', 'Email Complaint Received'],
          detail: { mail: { tags: { 'ses:configuration-set': [configSet] } } },
        },
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [id(fns['ses-events'].fn), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(s.stateless.failedRuns), 'Arn'] } },
          }),
        ],
      });
      // The default bus: no EventBusName means the account's default one, where SES publishes.
      const rule = resourcesOf(s.statelessTemplate)[id(s.stateless.sesEventsRule)]!;
      expect(rule.Properties.EventBusName).toBeUndefined();
      s.statelessTemplate.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [id(fns['ses-events'].fn), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [id(s.stateless.sesEventsRule), 'Arn'] },
      });
      const invokers = Object.values(resourcesOf(s.statelessTemplate)).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          mentions(r.Properties.FunctionName, id(fns['ses-events'].fn)),
      );
      expect(invokers).toHaveLength(1);
    });

    it('should let the customer import update customers, read imports/ and write only reports there', () => {
      expect(linesOf(fns['import-customers'])).toEqual(
        [
          ...BASE,
          // putCustomers updates each customer in place, keeping what the file does not carry.
          'dynamodb:UpdateItem on table',
          's3:GetObject on imports/*',
          's3:PutObject on imports/*.report.json',
          // Lambda's on-failure destination for the S3 (asynchronous) invocation.
          'sqs:GetQueueAttributes on failed-runs queue',
          'sqs:GetQueueUrl on failed-runs queue',
          'sqs:SendMessage on failed-runs queue',
        ].sort(),
      );
    });

    it('should invoke the customer import for .csv and .json objects created under imports/ in the bucket', () => {
      // Arrange
      const [notifications] = Object.values(resources()).filter(
        (r) => r.Type === 'Custom::S3BucketNotifications',
      );
      const [permission] = Object.values(resources()).filter(
        (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 's3.amazonaws.com',
      );

      // Act
      const configs = notifications!.Properties.NotificationConfiguration.LambdaFunctionConfigurations;

      // Assert
      expect(mentions(notifications!.Properties.BucketName, id(s.stateful.bucket))).toBe(true);
      expect(notifications!.Properties.Managed).toBe(false);
      expect(configs).toEqual(
        ['.csv', '.json'].map((suffix) => ({
          Events: ['s3:ObjectCreated:*'],
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'suffix', Value: suffix },
                { Name: 'prefix', Value: 'imports/' },
              ],
            },
          },
          LambdaFunctionArn: { 'Fn::GetAtt': [id(fns['import-customers'].fn), 'Arn'] },
        })),
      );
      expect(mentions(permission!.Properties.SourceArn, id(s.stateful.bucket))).toBe(true);
      expect(mentions(permission!.Properties.FunctionName, id(fns['import-customers'].fn))).toBe(true);
    });

    it('should let each schedule invoke only its own function and dead-letter to the failed-runs queue', () => {
      // Arrange
      const schedules = Object.values(resources()).filter((r) => r.Type === 'AWS::Scheduler::Schedule');

      // Act
      const byTarget = schedules.map((sch) => {
        const roleId = sch.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
        return [
          label(sch.Properties.Target.Arn),
          permissionLines(statementsOfRole(s, roleId), label),
        ] as const;
      });

      // Assert
      // A dispatch and a report schedule per campaign, and a reminder schedule per campaign with reminders.
      expect(byTarget).toHaveLength(
        2 * programme.campaigns.length + programme.campaigns.filter((c) => c.reminders).length,
      );
      for (const [target, lines] of byTarget) {
        expect(lines).toEqual(
          [
            `lambda:InvokeFunction on ${target}`,
            `lambda:InvokeFunction on ${target} versions`,
            'sqs:SendMessage on failed-runs queue',
          ].sort(),
        );
      }
    });

    it('should use "*" only for X-Ray and ses:GetSendQuota, and no wildcard actions, in either stack', () => {
      const all = [s.statelessTemplate, s.statefulTemplate].flatMap((t) =>
        Object.values(resourcesOf(t))
          .filter((r) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type))
          .flatMap((r) => r.Properties.PolicyDocument.Statement),
      );
      expect(all.length).toBeGreaterThan(0);
      for (const st of all) {
        const actions: string[] = [st.Action].flat();
        const resourceList = [st.Resource].flat();
        for (const action of actions) expect(action).not.toMatch(/\*/);
        if (resourceList.includes('*')) {
          expect(actions.every((a) => a.startsWith('xray:') || a === 'ses:GetSendQuota')).toBe(true);
        }
      }
    });
  });

  describe('functions', () => {
    it('should run every handler on Node.js 22, arm64, ESM, traced, logging to its own log group', () => {
      for (const f of Object.values(fns)) {
        const fnProps = resources()[id(f.fn)]!.Properties;
        expect(fnProps).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: id(f.logGroup) } },
          Environment: { Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: 'csat' }) },
        });
        expect(resources()[id(f.logGroup)]!.Properties.RetentionInDays).toBe(30);
        expect(resources()[id(f.role)]!.Properties.ManagedPolicyArns ?? []).not.toContainEqual(
          expect.objectContaining({
            'Fn::Join': expect.arrayContaining([
              expect.arrayContaining([expect.stringMatching(/iam::aws:policy/)]),
            ]),
          }),
        );
      }
    });

    it('should wire each function with exactly the shared environment variables it uses', () => {
      // Arrange
      const table = { 'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.table)}`) };
      const secret = { 'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.tokenSecret)}`) };
      const configSet = {
        'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.configurationSet)}`),
      };
      const bucket = { 'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.bucket)}`) };
      const apiEndpoint = { 'Fn::GetAtt': [id(s.stateless.api), 'ApiEndpoint'] };
      const shared = { TABLE_NAME: table, RETENTION_DAYS: '365' };
      const expected: Record<HandlerName, Record<string, unknown>> = {
        'survey-page': {
          ...shared,
          TOKEN_SECRET_ARN: secret,
          PUBLIC_BASE_URL: apiEndpoint,
          BUCKET_NAME: bucket,
        },
        send: {
          ...shared,
          TOKEN_SECRET_ARN: secret,
          PUBLIC_BASE_URL: apiEndpoint,
          SES_CONFIGURATION_SET: configSet,
          SEND_CONCURRENCY: '2',
        },
        dispatch: { ...shared, SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) } },
        remind: { ...shared, SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) } },
        'import-customers': { ...shared, BUCKET_NAME: bucket },
        'ses-events': shared,
        report: {
          ...shared,
          BUCKET_NAME: bucket,
          SES_CONFIGURATION_SET: configSet,
          TOKEN_SECRET_ARN: secret,
          PUBLIC_BASE_URL: apiEndpoint,
        },
      };

      for (const [name, vars] of Object.entries(expected) as Array<[HandlerName, Record<string, unknown>]>) {
        // Act
        const env = envOf(name);

        // Assert
        const { POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, NODE_OPTIONS, ...shared } = env;
        expect(Object.keys(shared).sort(), name).toEqual(Object.keys(vars).sort());
        s.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
          Environment: { Variables: Match.objectLike(vars) },
          Description: resources()[id(fns[name].fn)]!.Properties.Description,
        });
      }
    });

    it('should provide every variable a handler requires at init', () => {
      for (const [name, entry] of Object.entries(HANDLERS) as Array<[HandlerName, string]>) {
        // Arrange: what the handler's folder reads with requireEnv, and the secret's ARN if it signs links.
        const dir = join(entry, '..');
        const source = readdirSync(dir)
          .filter((f) => f.endsWith('.ts'))
          .map((f) => readFileSync(join(dir, f), 'utf8'))
          .join('\n');
        const required = [...source.matchAll(/requireEnv\('([A-Z0-9_]+)'\)/g)].map((m) => m[1]!);
        if (source.includes('adapters/secrets.ts')) required.push('TOKEN_SECRET_ARN');

        // Act
        const env = envOf(name);

        // Assert
        expect(required.length, name).toBeGreaterThan(0);
        for (const variable of required) expect(env, `${name} needs ${variable}`).toHaveProperty(variable);
      }
    });

    it('should point survey and report links at publicBaseUrl when it is set', () => {
      expect(envOf('survey-page', custom).PUBLIC_BASE_URL).toBe('https://survey.example.com');
      expect(envOf('send', custom).PUBLIC_BASE_URL).toBe('https://survey.example.com');
      expect(envOf('report', custom).PUBLIC_BASE_URL).toBe('https://survey.example.com');
      custom.statelessTemplate.hasOutput('PublicBaseUrl', { Value: 'https://survey.example.com' });
    });
  });

  describe('report function', () => {
    it('should have Lambda’s longest timeout, for the responses.csv of a large period', () => {
      expect(resources()[id(fns.report.fn)]!.Properties.Timeout).toBe(REPORT_TIMEOUT.toSeconds());
      expect(REPORT_TIMEOUT.toSeconds()).toBe(900);
    });
  });

  describe('send queue', () => {
    it('should keep a message invisible for at least six times the send timeout', () => {
      const timeout = resources()[id(fns.send.fn)]!.Properties.Timeout as number;
      const visibility = resources()[id(s.stateless.sendQueue)]!.Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    });

    it('should move a job to the DLQ after SEND_MAX_RECEIVE_COUNT receives, at least five', () => {
      const { RedrivePolicy } = resources()[id(s.stateless.sendQueue)]!.Properties;
      expect(RedrivePolicy.deadLetterTargetArn).toEqual({
        'Fn::GetAtt': [id(s.stateless.sendDeadLetterQueue), 'Arn'],
      });
      // The throttling test (test/handlers/send-throttling.test.ts) runs its local queue with this count.
      expect(RedrivePolicy.maxReceiveCount).toBe(SEND_MAX_RECEIVE_COUNT);
      expect(SEND_MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(5);
    });

    it('should encrypt every queue and refuse requests that are not over TLS', () => {
      const queues = s.statelessTemplate.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(3);
      for (const [queueId, q] of Object.entries(queues)) {
        expect(q.Properties.SqsManagedSseEnabled).toBe(true);
        s.statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('should feed send in batches of ten, reporting item failures, at the configured concurrency', () => {
      const mapping = (concurrency: number) => ({
        EventSourceArn: { 'Fn::GetAtt': [id(s.stateless.sendQueue), 'Arn'] },
        FunctionName: { Ref: id(fns.send.fn) },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: concurrency },
      });
      s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', mapping(2));
      custom.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', mapping(5));
      // Each instance paces itself at MaxSendRate ÷ the concurrency it is told.
      expect(envOf('send', custom).SEND_CONCURRENCY).toBe('5');
    });
  });

  describe('alarms', () => {
    for (const [queue, name] of [
      ['sendDeadLetterQueue', 'the send DLQ'],
      ['failedRuns', 'the failed-runs queue'],
    ] as const) {
      it(`should alarm to the topic as soon as a message is visible in ${name}`, () => {
        s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(s.stateless[queue]), 'QueueName'] } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: id(s.stateless.alarmTopic) }],
        });
      });
    }

    it('should email alarmEmail when it is set, and subscribe nobody otherwise', () => {
      custom.statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: id(custom.stateless.alarmTopic) },
      });
      s.statelessTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('should refuse publishing to the alarm topic without TLS', () => {
      s.statelessTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('HTTP API', () => {
    it('should route GET and POST of /s/{token} and /u/{token}, GET /r/{token}, and nothing else, to the survey page', () => {
      // Arrange
      const routes = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route'));

      // Act
      const targets = routes.map((r) => {
        const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
        return [r.Properties.RouteKey, resources()[integrationId]!.Properties.IntegrationUri] as const;
      });

      // Assert
      expect(targets.map(([key]) => key).sort()).toEqual([
        'GET /r/{token}',
        'GET /s/{token}',
        'GET /u/{token}',
        'POST /s/{token}',
        'POST /u/{token}',
      ]);
      // The same routes the handler and the local bridge know.
      expect(targets.map(([key]) => key).sort()).toEqual([...ROUTES].sort());
      for (const [, uri] of targets)
        expect(uri).toEqual({ 'Fn::GetAtt': [id(fns['survey-page'].fn), 'Arn'] });
    });

    it('should throttle the default stage and log access without the token or the client address', () => {
      // Arrange
      const stage = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Stage'));

      // Act
      const [props] = stage.map((st) => st.Properties);
      const format = JSON.parse(props.AccessLogSettings.Format);

      // Assert
      expect(props).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      });
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey' });
      expect(Object.values(format).join(' ')).not.toMatch(/\$context\.(path|identity|rawPath)/);
    });
  });

  describe('schedules', () => {
    const dispatchArn = (of: Synthesised) => ({ 'Fn::GetAtt': [id(of.stateless.dispatch.fn), 'Arn'] });
    const reportArn = (of: Synthesised) => ({ 'Fn::GetAtt': [id(of.stateless.report.fn), 'Arn'] });
    const remindArn = (of: Synthesised) => ({ 'Fn::GetAtt': [id(of.stateless.remind.fn), 'Arn'] });

    it('should sweep the example campaign for due reminders daily at 10:00 in its time zone', () => {
      s.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 10 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Target: Match.objectLike({
          Arn: remindArn(s),
          Input: Match.serializedJson({ campaignId: 'demo' }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(s.stateless.failedRuns), 'Arn'] } },
        }),
      });
    });

    it('should give a reminder sweep only to campaigns that send reminders, on their own schedule', () => {
      const sweeps = Object.values(resourcesOf(custom.statelessTemplate)).filter(
        (r) =>
          r.Type === 'AWS::Scheduler::Schedule' &&
          JSON.stringify(r.Properties.Target.Arn) === JSON.stringify(remindArn(custom)),
      );
      expect(
        sweeps.map((r) => [
          JSON.parse(r.Properties.Target.Input).campaignId,
          r.Properties.ScheduleExpression,
          r.Properties.ScheduleExpressionTimezone,
        ]),
      ).toEqual([
        ['demo', 'cron(0 10 * * ? *)', 'Asia/Shanghai'],
        ['west', 'cron(15 11 ? * MON-FRI *)', 'Europe/Berlin'],
      ]);
    });

    it('should dispatch and report the example campaign on its cron in Asia/Shanghai', () => {
      s.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 9 1 1,4,7,10 ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Target: Match.objectLike({
          Arn: dispatchArn(s),
          Input: Match.serializedJson({
            campaignId: 'demo',
            scheduledTime: '<aws.scheduler.scheduled-time>',
          }),
        }),
      });
      s.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 18 ? * FRI *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Target: Match.objectLike({
          Arn: reportArn(s),
          // Says it is the schedule's run: one that finds nothing new to report is skipped, not failed.
          Input: Match.serializedJson({ campaignId: 'demo', trigger: 'schedule' }),
        }),
      });
    });

    it('should give every campaign its own dispatch and report schedule, in its own time zone', () => {
      for (const campaign of twoCampaigns.campaigns) {
        custom.statelessTemplate.resourcePropertiesCountIs(
          'AWS::Scheduler::Schedule',
          {
            ScheduleExpression: toEventBridgeCron(campaign.dispatch.cron),
            ScheduleExpressionTimezone: campaign.dispatch.timeZone,
            State: 'ENABLED',
            Target: Match.objectLike({
              Arn: dispatchArn(custom),
              Input: Match.serializedJson({
                campaignId: campaign.id,
                scheduledTime: '<aws.scheduler.scheduled-time>',
              }),
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(custom.stateless.failedRuns), 'Arn'] } },
            }),
          },
          1,
        );
        custom.statelessTemplate.resourcePropertiesCountIs(
          'AWS::Scheduler::Schedule',
          {
            ScheduleExpression: toEventBridgeCron(campaign.report.schedule.cron),
            ScheduleExpressionTimezone: campaign.report.schedule.timeZone,
            State: 'ENABLED',
            Target: Match.objectLike({
              Arn: reportArn(custom),
              Input: Match.serializedJson({ campaignId: campaign.id, trigger: 'schedule' }),
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(custom.stateless.failedRuns), 'Arn'] } },
            }),
          },
          1,
        );
      }
      // Dispatch and report for each, plus the reminder sweeps of demo and west.
      custom.statelessTemplate.resourceCountIs(
        'AWS::Scheduler::Schedule',
        2 * twoCampaigns.campaigns.length + 2,
      );
    });

    it('should send failed scheduled runs of dispatch, report and remind to the failed-runs queue', () => {
      for (const f of [fns.dispatch, fns.report, fns.remind, fns['ses-events']]) {
        s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: id(f.fn) },
          DestinationConfig: {
            OnFailure: { Destination: { 'Fn::GetAtt': [id(s.stateless.failedRuns), 'Arn'] } },
          },
        });
      }
    });
  });

  describe('outputs', () => {
    it('should output what the csat CLI reads', () => {
      const t = s.statelessTemplate;
      t.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [id(s.stateless.api), 'ApiEndpoint'] } });
      t.hasOutput('TableName', {
        Value: { 'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.table)}`) },
      });
      t.hasOutput('BucketName', {
        Value: { 'Fn::ImportValue': Match.stringLikeRegexp(`Ref${id(s.stateful.bucket)}`) },
      });
      t.hasOutput('SendQueueUrl', { Value: { Ref: id(s.stateless.sendQueue) } });
      t.hasOutput('DispatchFunctionName', { Value: { Ref: id(fns.dispatch.fn) } });
      t.hasOutput('ReportFunctionName', { Value: { Ref: id(fns.report.fn) } });
      t.hasOutput('RemindFunctionName', { Value: { Ref: id(fns.remind.fn) } });
    });
  });
});
