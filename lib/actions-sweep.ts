import { CfnOutput, Duration, type RemovalPolicy, type Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { CfnFunction, IDestination } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { TABLE_KEYS } from '../functions/adapters/dynamo-store.ts';
import { actionsSweepSchedule } from '../functions/domain/actions/sweep.ts';
import { type Programme, toEventBridgeCron } from '../functions/domain/programme.ts';
import { CsatFunction } from './csat-function.ts';

export interface ActionsSweepProps {
  programme: Programme;
  environment: Record<string, string>;
  table: { tableArn: string };
  sendQueue: IQueue;
  /** Where a run the scheduler cannot deliver, or that keeps failing, ends up. */
  failedRuns: IQueue;
  onFailure: IDestination;
  removalPolicy: RemovalPolicy;
}

/**
 * The daily sweep of corrective actions (functions/handlers/actions): its function (id ActionsSweep) and
 * one schedule per campaign with `actions`, daily at 09:00 in the campaign's time zone.
 */
export function actionsSweep(stack: Stack, props: ActionsSweepProps): CsatFunction {
  const fn = new CsatFunction(stack, 'ActionsSweep', {
    handler: 'actions',
    description: 'csat: the daily sweep of corrective actions (reminders, escalations, follow-ups)',
    memorySize: 512,
    timeout: Duration.minutes(5),
    removalPolicy: props.removalPolicy,
    environment: { ...props.environment, SEND_QUEUE_URL: props.sendQueue.queueUrl },
  });
  // Live actions (gsi2, sparse) and the answers of the last days (gsi2, by date); waves (GetItem);
  // conditional changes of actions (UpdateItem); actions of answers whose submit died (PutItem).
  fn.grantIndexes(props.table, ['Query'], [TABLE_KEYS.gsi2.name]);
  fn.grantTable(props.table, ['GetItem', 'UpdateItem', 'PutItem']);
  fn.grantSendMessages(props.sendQueue);
  fn.grantPutEvents();
  // Every change is conditional and every email claimed once, so Lambda's own retries are safe.
  fn.fn.configureAsyncInvoke({
    onFailure: props.onFailure,
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });

  const logicalId = stack.resolve(stack.getLogicalId(fn.fn.node.defaultChild as CfnFunction));
  Validations.of(stack).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
    reason:
      "The schedules' role may invoke only this function; `:*` is the grant's form for its versions " +
      'and aliases, which csat does not publish.',
  });
  for (const campaign of props.programme.campaigns) {
    const schedule = actionsSweepSchedule(campaign);
    if (!schedule) continue;
    new Schedule(stack, `ActionsSchedule-${campaign.id}`, {
      description: `csat: sweep the corrective actions of campaign ${campaign.id}`,
      schedule: ScheduleExpression.expression(
        toEventBridgeCron(schedule.cron),
        TimeZone.of(schedule.timeZone),
      ),
      target: new LambdaInvoke(fn.fn, {
        input: ScheduleTargetInput.fromObject({ campaignId: campaign.id }),
        deadLetterQueue: props.failedRuns,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
  }
  // `csat actions sweep --stack …` invokes it by this name.
  new CfnOutput(stack, 'ActionsFunctionName', { value: fn.fn.functionName });
  return fn;
}
