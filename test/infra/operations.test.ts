import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVISIONAL_CALENDAR_METRIC } from '../../functions/adapters/metrics.ts';
import type { HandlerName } from '../../lib/bundling.ts';
import type { CsatFunction } from '../../lib/csat-function.ts';
import {
  DISPATCH_QUEUE_MAX_AGE,
  SEND_QUEUE_MAX_AGE,
  SES_BOUNCE_RATE_THRESHOLD,
  SES_COMPLAINT_RATE_THRESHOLD,
} from '../../lib/operations.ts';
import { exportName } from '../../lib/shared-resources.ts';
import { functionsOf, id, resourcesOf, type Synthesised, synthCsat } from './synth.ts';

/** Every alarm of the template, by metric (or math expression), with what the tests assert on. */
function alarmsOf(template: Template) {
  return Object.values(resourcesOf(template))
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties);
}

describe('Operations', () => {
  let s: Synthesised;
  let custom: Synthesised;
  let fns: Record<HandlerName, CsatFunction>;

  beforeAll(() => {
    s = synthCsat();
    custom = synthCsat({ alarmEmail: 'ops@example.com' });
    fns = functionsOf(s);
  });

  const topic = () => [{ Ref: id(s.stateless.alarmTopic) }];

  describe('queue alarms', () => {
    for (const [queue, name] of [
      ['sendDeadLetterQueue', 'the send DLQ'],
      ['dispatchDeadLetterQueue', 'the dispatch DLQ'],
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
      expect(s.config.alarmEmail).toBeUndefined();
    });

    it('should let CloudWatch of this account publish to the alarm topic (its policy replaces the default)', () => {
      s.statelessTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
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

  it('should alarm on every function’s errors and throttles, from the first one in five minutes', () => {
    for (const f of Object.values(fns)) {
      for (const metric of ['Errors', 'Throttles']) {
        s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(f.fn) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: topic(),
          OKActions: topic(),
        });
      }
    }
  });

  it('should alarm when a dispatch runs for 80 % of its timeout', () => {
    const timeout = resourcesOf(s.statelessTemplate)[id(fns.dispatch.fn)]!.Properties.Timeout as number;
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(fns.dispatch.fn) } }],
      Statistic: 'Maximum',
      Threshold: timeout * 1000 * 0.8,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: topic(),
    });
  });

  it('should alarm on the HTTP API’s 5xx', () => {
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: id(s.stateless.api) } }],
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: topic(),
    });
  });

  it('should count 429s from the access log, which is where the HTTP API records its throttling, and alarm on them', () => {
    // Arrange
    const filters = Object.values(resourcesOf(s.statelessTemplate)).filter(
      (r) => r.Type === 'AWS::Logs::MetricFilter',
    );

    // Act
    const [filter] = filters.map((r) => r.Properties);

    // Assert
    expect(filters).toHaveLength(1);
    expect(filter).toMatchObject({
      LogGroupName: { Ref: id(s.stateless.surveyApi.accessLogs) },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        { MetricNamespace: 'csat/CsatStateless', MetricName: 'Api429', MetricValue: '1', DefaultValue: 0 },
      ],
    });
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'csat/CsatStateless',
      MetricName: 'Api429',
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: topic(),
    });
  });

  it('should alarm when a reminder decision rests on a provisional calendar, on the metric the remind function logs', () => {
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'csat/CsatStateless',
      MetricName: PROVISIONAL_CALENDAR_METRIC,
      Statistic: 'Sum',
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: topic(),
      OKActions: topic(),
    });
    // The namespace the handler writes its EMF metric to.
    const remind = resourcesOf(s.statelessTemplate)[id(s.stateless.remind.fn)]!;
    expect(remind.Properties.Environment.Variables.METRICS_NAMESPACE).toBe('csat/CsatStateless');
  });

  it('should alarm when the oldest send job has waited six hours', () => {
    expect(SEND_QUEUE_MAX_AGE.toHours()).toBe(6);
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(s.stateless.sendQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 6 * 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: topic(),
    });
  });

  it('should alarm when the oldest dispatch task has waited an hour: the fan-out has stalled', () => {
    expect(DISPATCH_QUEUE_MAX_AGE.toHours()).toBe(1);
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [id(s.stateless.dispatchQueue), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: topic(),
    });
  });

  it('should alarm at the account-level SES bounce and complaint rates AWS reviews an account at', () => {
    expect([SES_BOUNCE_RATE_THRESHOLD, SES_COMPLAINT_RATE_THRESHOLD]).toEqual([0.05, 0.001]);
    for (const [metric, threshold] of [
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.001],
    ] as const) {
      const [alarm] = alarmsOf(s.statelessTemplate).filter((a) => a.MetricName === metric);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SES',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: topic(),
      });
      // Account-level: no configuration-set dimension.
      expect(alarm!.Dimensions).toBeUndefined();
    }
  });

  it('should alarm on DynamoDB throttling of every item operation the functions call on the table', () => {
    // Arrange
    const [alarm] = alarmsOf(s.statelessTemplate).filter((a) =>
      JSON.stringify(a.Metrics ?? []).includes('ThrottledRequests'),
    );

    // Act
    const metrics = (alarm!.Metrics as Array<{ MetricStat?: { Metric: { Dimensions: unknown } } }>).flatMap(
      (m) => (m.MetricStat ? [m.MetricStat] : []),
    );

    // Assert
    expect(metrics.map((m) => m.Metric.Dimensions)).toEqual(
      ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem'].map((operation) =>
        expect.arrayContaining([
          { Name: 'TableName', Value: { 'Fn::ImportValue': exportName('Csat', 'tableName') } },
          { Name: 'Operation', Value: operation },
        ]),
      ),
    );
    expect(alarm).toMatchObject({ Threshold: 1, AlarmActions: topic() });
  });

  it('should send every alarm, and its recovery, to the alarm topic', () => {
    const alarms = alarmsOf(s.statelessTemplate);
    // 9 functions × (errors, throttles), dispatch duration, 5xx, 429, 2 queue ages (send, dispatch), 2 SES
    // rates, table, 3 DLQs (send, dispatch, failed runs), provisional calendar.
    expect(alarms).toHaveLength(9 * 2 + 1 + 2 + 2 + 2 + 1 + 3 + 1);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual(topic());
      expect(alarm.OKActions).toEqual(topic());
      expect(alarm.AlarmDescription).toMatch(/^csat: /);
    }
  });

  it('should show every alarm and the metrics behind them on one dashboard', () => {
    // Arrange
    const dashboards = Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Dashboard'));

    // Act
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);

    // Assert
    expect(dashboards).toHaveLength(1);
    for (const shown of [
      'AWS/Lambda',
      'AWS/ApiGateway',
      'Api429',
      'AWS/SQS',
      'Reputation.BounceRate',
      'ThrottledRequests',
    ]) {
      expect(body).toContain(shown);
    }
    for (const alarm of Object.keys(s.statelessTemplate.findResources('AWS::CloudWatch::Alarm'))) {
      expect(body).toContain(alarm);
    }
  });
});
