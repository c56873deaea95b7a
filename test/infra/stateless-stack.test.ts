import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName } from '../../lib/bundling.ts';
import type { CsatFunction } from '../../lib/csat-function.ts';
import { SEND_MAX_CONCURRENCY } from '../../lib/send-queue.ts';
import { exportName } from '../../lib/shared-resources.ts';
import { REPORT_TIMEOUT, SEND_MAX_RECEIVE_COUNT } from '../../lib/stateless-stack.ts';
import { twoCampaigns } from './campaigns.ts';
import { functionsOf, id, resourcesOf, type Synthesised, synthCsat } from './synth.ts';

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
      const table = { 'Fn::ImportValue': exportName('Csat', 'tableName') };
      const secret = { 'Fn::ImportValue': exportName('Csat', 'tokenSecretArn') };
      const configSet = { 'Fn::ImportValue': exportName('Csat', 'configurationSetName') };
      const bucket = { 'Fn::ImportValue': exportName('Csat', 'bucketName') };
      const apiEndpoint = { 'Fn::GetAtt': [id(s.stateless.api), 'ApiEndpoint'] };
      const shared = { TABLE_NAME: table, RETENTION_DAYS: '365' };
      const fanOut = {
        ...shared,
        TOKEN_SECRET_ARN: secret,
        SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) },
        DISPATCH_QUEUE_URL: { Ref: id(s.stateless.dispatchQueue) },
      };
      const expected: Record<HandlerName, Record<string, unknown>> = {
        'survey-page': {
          ...shared,
          TOKEN_SECRET_ARN: secret,
          PUBLIC_BASE_URL: apiEndpoint,
          BUCKET_NAME: bucket,
          // A customer's "not resolved" queues the reopened emails.
          SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) },
        },
        send: {
          ...shared,
          TOKEN_SECRET_ARN: secret,
          PUBLIC_BASE_URL: apiEndpoint,
          SES_CONFIGURATION_SET: configSet,
          // Where it re-queues jobs, delayed, when SES's daily quota is used up.
          SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) },
        },
        // The secret: suppressed addresses are looked up (dispatch, remind) and written (ses-events) by hash.
        dispatch: fanOut,
        // The same as the dispatch: it runs the tasks the dispatch starts, and queues the ones that follow.
        'dispatch-worker': fanOut,
        remind: {
          ...shared,
          TOKEN_SECRET_ARN: secret,
          SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) },
          // Where its ProvisionalCalendarDecisions metric goes (the alarm's namespace).
          METRICS_NAMESPACE: 'csat/CsatStateless',
        },
        'import-customers': { ...shared, BUCKET_NAME: bucket },
        'ses-events': { ...shared, TOKEN_SECRET_ARN: secret },
        actions: { ...shared, SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) } },
        report: {
          ...shared,
          BUCKET_NAME: bucket,
          SES_CONFIGURATION_SET: configSet,
          TOKEN_SECRET_ARN: secret,
          PUBLIC_BASE_URL: apiEndpoint,
          SEND_QUEUE_URL: { Ref: id(s.stateless.sendQueue) },
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
    it('should keep messages 14 days in every queue, not SQS’s default 4', () => {
      const queues = Object.values(s.statelessTemplate.findResources('AWS::SQS::Queue'));
      expect(queues).toHaveLength(5);
      for (const q of queues) expect(q.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    });

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
      expect(Object.keys(queues)).toHaveLength(5);
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

    it('should feed send in batches of ten, reporting item failures, at the default or configured concurrency', () => {
      const mapping = (concurrency: number) => ({
        EventSourceArn: { 'Fn::GetAtt': [id(s.stateless.sendQueue), 'Arn'] },
        FunctionName: { Ref: id(fns.send.fn) },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: concurrency },
      });
      // Unset, enough instances for the rate ceiling; the shared budget holds them to the account's rate,
      // so no instance is told how many there are.
      s.statelessTemplate.hasResourceProperties(
        'AWS::Lambda::EventSourceMapping',
        mapping(SEND_MAX_CONCURRENCY),
      );
      custom.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', mapping(5));
      expect(envOf('send', custom)).not.toHaveProperty('SEND_CONCURRENCY');
    });
  });

  describe('outputs', () => {
    it('should output what the csat CLI reads', () => {
      const t = s.statelessTemplate;
      t.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [id(s.stateless.api), 'ApiEndpoint'] } });
      t.hasOutput('TableName', { Value: { 'Fn::ImportValue': exportName('Csat', 'tableName') } });
      t.hasOutput('BucketName', { Value: { 'Fn::ImportValue': exportName('Csat', 'bucketName') } });
      t.hasOutput('SendQueueUrl', { Value: { Ref: id(s.stateless.sendQueue) } });
      t.hasOutput('DispatchQueueUrl', { Value: { Ref: id(s.stateless.dispatchQueue) } });
      t.hasOutput('DispatchFunctionName', { Value: { Ref: id(fns.dispatch.fn) } });
      t.hasOutput('ReportFunctionName', { Value: { Ref: id(fns.report.fn) } });
      t.hasOutput('RemindFunctionName', { Value: { Ref: id(fns.remind.fn) } });
    });
  });
});
