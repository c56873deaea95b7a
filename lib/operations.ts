import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { metricsNamespace, PROVISIONAL_CALENDAR_METRIC } from '../functions/adapters/metrics.ts';
import type { CsatFunction, TableAction } from './csat-function.ts';

/**
 * A send job older than this means sending has stalled, not merely that a wave is large: at the SES
 * sandbox's 1 email/s a wave of 10,000 takes under 3 hours, at a production rate of 14/s a wave of
 * 100,000 about 2. A job SES's daily quota holds back is re-queued with a delay, which starts its age
 * again, so a quota pause does not page anyone; failing senders, a disabled event source or a job
 * that keeps failing (it is dead-lettered after ~1 hour of retries) do.
 */
export const SEND_QUEUE_MAX_AGE = Duration.hours(6);
/**
 * A dispatch task older than this means the fan-out has stalled: a shard's chunks queue one another as
 * they finish, so a task waits only for a free worker (DISPATCH_WORKER_CONCURRENCY), minutes at most.
 */
export const DISPATCH_QUEUE_MAX_AGE = Duration.hours(1);
/** AWS reviews an account whose bounce rate reaches 5 % and whose complaint rate reaches 0.1 %. */
export const SES_BOUNCE_RATE_THRESHOLD = 0.05;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.001;
/** Dispatch alarms when a run takes this share of its timeout: the next larger wave would time out. */
export const DISPATCH_DURATION_SHARE = 0.8;

const FIVE_MINUTES = Duration.minutes(5);

export interface OperationsProps {
  topic: ITopic;
  functions: Record<string, CsatFunction>;
  api: HttpApi;
  /** The API's access-log group, whose status field the 429 metric filter counts. */
  apiAccessLogs: ILogGroup;
  sendQueue: IQueue;
  sendDeadLetterQueue: IQueue;
  failedRuns: IQueue;
  sendMaxReceiveCount: number;
  /** The dispatch task queue (lib/dispatch-fanout.ts), its DLQ, and how many receives lead there. */
  dispatchQueue: IQueue;
  dispatchDeadLetterQueue: IQueue;
  dispatchMaxReceiveCount: number;
  tableName: string;
  /** The item operations the functions call on the table (their throttles are summed). */
  tableOperations: readonly TableAction[];
  dispatch: CsatFunction;
}

/**
 * Alarms that notify the alarm topic (and notify again when they clear), and one dashboard with their
 * metrics. Each alarm's description says what it means and what to do; README § Operate has the same.
 */
export class Operations extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  /** Count of HTTP API responses with status 429, from the access log. */
  readonly api429: Metric;
  /** Reminder decisions that rested on a year without an official holiday notice (EMF, remind). */
  readonly provisionalCalendar: Metric;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationsProps,
  ) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;

    this.whenQueueNotEmpty(
      'SendDeadLetterAlarm',
      props.sendDeadLetterQueue,
      `send jobs failed ${props.sendMaxReceiveCount} times`,
    );
    this.whenQueueNotEmpty(
      'DispatchDeadLetterAlarm',
      props.dispatchDeadLetterQueue,
      `dispatch tasks failed ${props.dispatchMaxReceiveCount} times: their wave is not fully dispatched`,
    );
    this.whenQueueNotEmpty('FailedRunsAlarm', props.failedRuns, 'a scheduled dispatch or report failed');

    for (const [name, f] of Object.entries(props.functions)) {
      this.alarm(`${f.node.id}Errors`, f.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), {
        threshold: 1,
        what: `the ${name} function failed (an uncaught error or a timeout); see its log group for ERROR`,
      });
      this.alarm(`${f.node.id}Throttles`, f.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), {
        threshold: 1,
        what: `Lambda throttled the ${name} function: the account's concurrency is used up`,
      });
    }

    const dispatchTimeout = props.dispatch.fn.timeout?.toMilliseconds() ?? 3000;
    this.alarm(
      'DispatchNearTimeoutAlarm',
      props.dispatch.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      {
        threshold: Math.round(dispatchTimeout * DISPATCH_DURATION_SHARE),
        what: `a dispatch ran for ${DISPATCH_DURATION_SHARE * 100} % of its timeout: a larger wave would time out`,
      },
    );

    // Every 5xx is a bug or an outage: csat answers bad input with a 4xx.
    this.alarm('Api5xxAlarm', props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), {
      threshold: 1,
      what: 'the survey pages answered with a 5xx',
    });
    // The HTTP API publishes no throttling metric; the stage's throttle answers 429, which the access log
    // records, so a metric filter on the log counts them.
    const filter = new MetricFilter(this, 'Api429Filter', {
      logGroup: props.apiAccessLogs,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: metricsNamespace(stackName),
      metricName: 'Api429',
      metricValue: '1',
      defaultValue: 0,
    });
    this.api429 = filter.metric({ period: FIVE_MINUTES, statistic: 'Sum' });
    this.alarm('Api429Alarm', this.api429, {
      threshold: 1,
      what: 'the HTTP API refused requests over its throttle (429): raise apiRateLimit/apiBurstLimit or find the caller',
    });

    // The remind function logs this EMF metric when a reminder decision rests on a year the holiday
    // calendar has no official notice for (statutory days computed from the law, or weekends only).
    // A day's period: remind runs daily, so an hour's would go back to OK an hour later, every day.
    this.provisionalCalendar = new Metric({
      namespace: metricsNamespace(stackName),
      metricName: PROVISIONAL_CALENDAR_METRIC,
      period: Duration.days(1),
      statistic: 'Sum',
    });
    this.alarm('ProvisionalCalendarAlarm', this.provisionalCalendar, {
      threshold: 1,
      what:
        'reminders were decided by a provisional holiday calendar (a year without the official notice): add ' +
        'the notice to programme/calendars/ and deploy (README: next year’s holiday notice)',
    });

    this.alarm(
      'SendQueueAgeAlarm',
      props.sendQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      {
        threshold: SEND_QUEUE_MAX_AGE.toSeconds(),
        what: `a send job has waited ${SEND_QUEUE_MAX_AGE.toHours()} hours: sending has stalled`,
      },
    );

    this.alarm(
      'DispatchQueueAgeAlarm',
      props.dispatchQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      {
        threshold: DISPATCH_QUEUE_MAX_AGE.toSeconds(),
        what: `a dispatch task has waited ${DISPATCH_QUEUE_MAX_AGE.toHours()} hour: a wave's dispatch has stalled`,
      },
    );

    // Account-level reputation (no dimension): the rates SES's account review looks at.
    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    this.alarm('SesBounceRateAlarm', ses('Reputation.BounceRate'), {
      threshold: SES_BOUNCE_RATE_THRESHOLD,
      what: 'the SES bounce rate reached 5 %, where AWS reviews the account: clean the customer list',
    });
    this.alarm('SesComplaintRateAlarm', ses('Reputation.ComplaintRate'), {
      threshold: SES_COMPLAINT_RATE_THRESHOLD,
      what: 'the SES complaint rate reached 0.1 %, where AWS reviews the account: check who is surveyed',
    });

    const throttled = Object.fromEntries(
      props.tableOperations.map((operation, i) => [
        `t${i}`,
        new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'ThrottledRequests',
          dimensionsMap: { TableName: props.tableName, Operation: operation },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        }),
      ]),
    );
    const tableThrottles = new MathExpression({
      expression: Object.keys(throttled)
        .map((k) => `FILL(${k}, 0)`)
        .join(' + '),
      usingMetrics: throttled,
      label: `DynamoDB throttled requests (${props.tableOperations.join(', ')})`,
      period: FIVE_MINUTES,
    });
    this.alarm('TableThrottlesAlarm', tableThrottles, {
      threshold: 1,
      what: 'DynamoDB throttled requests to the table; the SDK retried them, but sustained throttling fails requests',
    });

    this.dashboard = this.buildDashboard(tableThrottles, ses);
  }

  private whenQueueNotEmpty(id: string, queue: IQueue, what: string): void {
    const visible = queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    this.alarm(id, visible, {
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      what: `${what}; messages are waiting in the queue (README: redrive)`,
    });
  }

  private alarm(
    id: string,
    metric: IMetric,
    o: { threshold: number; what: string; comparison?: ComparisonOperator },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: `csat: ${o.what}`,
      metric,
      threshold: o.threshold,
      comparisonOperator: o.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.props.topic));
    alarm.addOkAction(new SnsAction(this.props.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(tableThrottles: IMetric, ses: (name: string) => Metric): Dashboard {
    const { functions, api, sendQueue, sendDeadLetterQueue, failedRuns, dispatch } = this.props;
    const { dispatchQueue, dispatchDeadLetterQueue } = this.props;
    const fns = Object.entries(functions);
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
    });
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'csat alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      graph(
        'Function errors',
        fns.map(([name, f]) => f.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: name })),
      ),
      graph(
        'Function throttles',
        fns.map(([name, f]) => f.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label: name })),
      ),
    );
    dashboard.addWidgets(
      graph(
        'HTTP API requests, 4xx, 5xx, 429',
        [api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' })],
        [
          api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }),
          api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
          this.api429,
        ],
      ),
      graph('Dispatch duration (max) against its timeout', [
        dispatch.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Send queue: waiting jobs, oldest job (s)',
        [sendQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' })],
        [sendQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' })],
      ),
      graph(
        'Dead letters: send DLQ, dispatch DLQ, failed runs',
        [sendDeadLetterQueue, dispatchDeadLetterQueue, failedRuns].map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        ),
      ),
    );
    dashboard.addWidgets(
      graph('SES reputation: bounce and complaint rate', [
        ses('Reputation.BounceRate'),
        ses('Reputation.ComplaintRate'),
      ]),
      graph('DynamoDB throttled requests', [tableThrottles]),
    );
    dashboard.addWidgets(
      graph('Reminder decisions on a provisional calendar', [this.provisionalCalendar]),
      graph(
        'Dispatch queue: waiting tasks, oldest task (s)',
        [
          dispatchQueue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
          }),
        ],
        [dispatchQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' })],
      ),
    );
    return dashboard;
  }
}
