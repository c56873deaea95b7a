import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HandlerName } from '../../lib/bundling.ts';
import type { CsatFunction } from '../../lib/csat-function.ts';
import { exportName } from '../../lib/shared-resources.ts';
import { programme } from '../../programme/index.ts';
import {
  functionsOf,
  id,
  mentions,
  permissionLines,
  resourcesOf,
  type Synthesised,
  statementsOfRole,
  synthCsat,
} from './synth.ts';

describe('StatelessStack permissions', () => {
  let s: Synthesised;
  let fns: Record<HandlerName, CsatFunction>;

  beforeAll(() => {
    s = synthCsat();
    fns = functionsOf(s);
  });

  const resources = () => resourcesOf(s.statelessTemplate);

  /** Names each resource an IAM statement may point at, so the expectations read as sentences. */
  function label(resource: unknown): string {
    if (resource === '*') return '*';
    const { stateless } = s;
    const named: Array<[string, string]> = [
      [id(stateless.sendQueue), 'send queue'],
      [id(stateless.sendDeadLetterQueue), 'send DLQ'],
      [id(stateless.dispatchQueue), 'dispatch queue'],
      [id(stateless.dispatchDeadLetterQueue), 'dispatch DLQ'],
      [id(stateless.failedRuns), 'failed-runs queue'],
      [exportName('Csat', 'tokenSecretArn'), 'token secret'],
      [exportName('Csat', 'configurationSetName'), 'SES configuration set'],
      ...Object.values(fns).map((f): [string, string] => [id(f.logGroup), `own log group`]),
    ];
    const json = JSON.stringify(resource);
    if (mentions(resource, exportName('Csat', 'tableArn'))) {
      const index = /\/index\/(gsi\d)"/.exec(json)?.[1];
      return index ? `table index ${index}` : 'table';
    }
    if (mentions(resource, exportName('Csat', 'bucketArn'))) {
      const objects = /\/((?:reports|imports)\/[^"]*)"\]\]\}$/.exec(json);
      return (
        objects?.[1] ?? (json === JSON.stringify({ 'Fn::ImportValue': 'Csat-BucketArn' }) ? 'bucket' : json)
      );
    }
    if (json.includes(':identity/example.com"')) return 'SES identity example.com';
    if (json.includes(':event-bus/default"')) return 'default event bus';
    for (const f of [fns.dispatch, fns.report, fns.remind, fns.actions]) {
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

  it('should let the survey page read and update items, open actions, queue their alerts, publish csat events, read the token secret and get reports/*, nothing else', () => {
    expect(linesOf(fns['survey-page'])).toEqual(
      [
        ...BASE,
        'dynamodb:GetItem on table',
        // A response's corrective action, created once (issue 12).
        'dynamodb:PutItem on table',
        'dynamodb:UpdateItem on table',
        // Response Submitted and the action events of submits and pages, source csat only (below).
        'events:PutEvents on default event bus',
        // Report links redirect to a URL presigned with this role: reading reports, never writing.
        's3:GetObject on reports/*',
        'secretsmanager:GetSecretValue on token secret',
        // Alerts of an opened action and the reopened emails of a customer's "no" go out through the send queue.
        'sqs:SendMessage on send queue',
      ].sort(),
    );
    const putEvents = statementsOfRole(s, id(fns['survey-page'].role)).filter((st) =>
      JSON.stringify(st.Action).includes('events:PutEvents'),
    );
    expect(putEvents.map((st) => st.Condition)).toEqual([
      { 'ForAnyValue:StringEquals': { 'events:source': 'csat' } },
    ]);
  });

  it('should let send update invitations, consume the queue, read the SES quota and send raw email as the identity', () => {
    expect(linesOf(fns.send)).toEqual(
      [
        ...BASE,
        // The address's suppression record, looked up before each email.
        'dynamodb:BatchGetItem on table',
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
        // Re-queues a job with a delay when SES's daily quota is used up.
        'sqs:SendMessage on send queue',
      ].sort(),
    );
  });

  /** What the dispatch and its worker both do: write waves and invitations, queue jobs and tasks. */
  const FAN_OUT = [
    ...BASE,
    'dynamodb:GetItem on table',
    'dynamodb:PutItem on table',
    // The wave's plan moves on; the worker's claimContact marks the customer item claimed for the wave.
    'dynamodb:UpdateItem on table',
    // A wave's shard records; a campaign's waves (a manual run resumes the unfinished one).
    'dynamodb:Query on table',
    // Both are given its ARN; the worker hashes the directory's addresses under it (suppression list).
    'secretsmanager:GetSecretValue on token secret',
    'sqs:SendMessage on send queue',
    // The dispatch queues a wave's first round; the worker its continuations and next rounds.
    'sqs:SendMessage on dispatch queue',
  ];

  it('should let dispatch write waves and invitations, queue send jobs and dispatch tasks, but not read the directory', () => {
    expect(linesOf(fns.dispatch)).toEqual(
      [
        ...FAN_OUT,
        // Lambda's on-failure destination for the scheduled (asynchronous) invocation.
        'sqs:GetQueueAttributes on failed-runs queue',
        'sqs:GetQueueUrl on failed-runs queue',
        'sqs:SendMessage on failed-runs queue',
      ].sort(),
    );
  });

  it('should let the dispatch worker do what dispatch does, read the directory and suppressions, and consume the dispatch queue', () => {
    expect(linesOf(fns['dispatch-worker'])).toEqual(
      [
        ...FAN_OUT,
        // The suppression list, by the hashes (under the token secret) of the directory's addresses.
        'dynamodb:BatchGetItem on table',
        // The directory's shards, a chunk a task (periodic and event waves).
        'dynamodb:Query on table index gsi1',
        // The event source mapping receives and deletes the tasks on the function's behalf.
        'sqs:ChangeMessageVisibility on dispatch queue',
        'sqs:DeleteMessage on dispatch queue',
        'sqs:GetQueueAttributes on dispatch queue',
        'sqs:GetQueueUrl on dispatch queue',
        'sqs:ReceiveMessage on dispatch queue',
      ].sort(),
    );
  });

  it('should let report read the table, mark final reports, write reports/, sign links and send raw email as the identity', () => {
    expect(linesOf(fns.report)).toEqual(
      [
        ...BASE,
        'dynamodb:GetItem on table',
        'dynamodb:Query on table',
        'dynamodb:Query on table index gsi1',
        // gsi2: a campaign's answers by date, rolled up per closed day for period reports.
        'dynamodb:Query on table index gsi2',
        // finalReportAt on the wave item; not on the index. Target actions: verified or reopened.
        'dynamodb:UpdateItem on table',
        // Target actions (issue 12): opened with a conditional put, alerts queued, events published.
        'dynamodb:PutItem on table',
        'sqs:SendMessage on send queue',
        'events:PutEvents on default event bus',
        // Its emailed links are signed tokens, not URLs presigned with its credentials; it reads back
        // only the rollups of closed days it wrote under reports/.
        's3:AbortMultipartUpload on reports/*',
        's3:GetObject on reports/*',
        // So that a rollup not written yet reads as 404 NoSuchKey, not 403 AccessDenied.
        's3:ListBucket on bucket',
        's3:PutObject on reports/*',
        'secretsmanager:GetSecretValue on token secret',
        'ses:SendRawEmail on SES identity example.com',
        'ses:SendRawEmail on SES configuration set',
        'sqs:GetQueueAttributes on failed-runs queue',
        'sqs:GetQueueUrl on failed-runs queue',
        'sqs:SendMessage on failed-runs queue',
      ].sort(),
    );
  });

  it('should let the reminder sweep only read the table and index and queue send jobs', () => {
    expect(linesOf(fns.remind)).toEqual(
      [
        ...BASE,
        // Waves by campaign (table), invitations by wave and the directory (index); the send function
        // makes every write.
        'dynamodb:Query on table',
        'dynamodb:Query on table index gsi1',
        // The suppression list, by the hashes of the due reminders' addresses.
        'dynamodb:BatchGetItem on table',
        'secretsmanager:GetSecretValue on token secret',
        'sqs:SendMessage on send queue',
        'sqs:GetQueueAttributes on failed-runs queue',
        'sqs:GetQueueUrl on failed-runs queue',
        'sqs:SendMessage on failed-runs queue',
      ].sort(),
    );
  });

  it('should let ses-events only get the invitation, update the customer and the suppression list, and dead-letter its failures', () => {
    expect(linesOf(fns['ses-events'])).toEqual(
      [
        ...BASE,
        'dynamodb:GetItem on table',
        'dynamodb:UpdateItem on table',
        // The address's suppression record is keyed by its hash under the token secret.
        'secretsmanager:GetSecretValue on token secret',
        'sqs:GetQueueAttributes on failed-runs queue',
        'sqs:GetQueueUrl on failed-runs queue',
        'sqs:SendMessage on failed-runs queue',
      ].sort(),
    );
  });

  it('should route only bounces and complaints of the csat configuration set to ses-events', () => {
    const configSet = { 'Fn::ImportValue': exportName('Csat', 'configurationSetName') };
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
        r.Type === 'AWS::Lambda::Permission' && mentions(r.Properties.FunctionName, id(fns['ses-events'].fn)),
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
    expect(notifications!.Properties.BucketName).toEqual({
      'Fn::ImportValue': exportName('Csat', 'bucketName'),
    });
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
    expect(permission!.Properties.SourceArn).toEqual({ 'Fn::ImportValue': exportName('Csat', 'bucketArn') });
    expect(mentions(permission!.Properties.FunctionName, id(fns['import-customers'].fn))).toBe(true);
  });

  it('should let the actions sweep read live actions and answers, change and open actions, queue their emails and publish csat events', () => {
    expect(linesOf(fns.actions)).toEqual(
      [
        ...BASE,
        // Live actions (sparse) and the answers of the last two days, both on gsi2; waves by key.
        'dynamodb:Query on table index gsi2',
        'dynamodb:GetItem on table',
        // Conditional changes of actions; PutItem opens the action of an answer whose submit died.
        'dynamodb:UpdateItem on table',
        'dynamodb:PutItem on table',
        'sqs:SendMessage on send queue',
        // csat's own events on the default bus (condition events:source = csat).
        'events:PutEvents on default event bus',
        'sqs:GetQueueAttributes on failed-runs queue',
        'sqs:GetQueueUrl on failed-runs queue',
        'sqs:SendMessage on failed-runs queue',
      ].sort(),
    );
  });

  it('should let each schedule invoke only its own function and dead-letter to the failed-runs queue', () => {
    // Arrange
    const schedules = Object.values(resources()).filter((r) => r.Type === 'AWS::Scheduler::Schedule');

    // Act
    const byTarget = schedules.map((sch) => {
      const roleId = sch.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
      return [label(sch.Properties.Target.Arn), permissionLines(statementsOfRole(s, roleId), label)] as const;
    });

    // Assert
    // A dispatch and a report schedule per campaign, a reminder schedule per campaign with reminders, and
    // an actions sweep per campaign with corrective actions.
    expect(byTarget).toHaveLength(
      2 * programme.campaigns.length +
        programme.campaigns.filter((c) => c.reminders).length +
        programme.campaigns.filter((c) => c.actions).length,
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
