import { Duration, type Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { type Programme, reminderSchedule, toEventBridgeCron } from '../functions/domain/programme.ts';

export interface CampaignSchedulesProps {
  programme: Programme;
  dispatch: IFunction;
  report: IFunction;
  remind: IFunction;
  /** Where a run the scheduler cannot deliver ends up. */
  failedRuns: IQueue;
}

/**
 * One dispatch and one report schedule per campaign, and a reminder sweep for each campaign that sends
 * reminders, each on the campaign's cron in its time zone. The schedules are created in the stack's scope
 * (their ids predate this helper; a schedule's logical id is its identity).
 */
export function addCampaignSchedules(stack: Stack, props: CampaignSchedulesProps): void {
  const { programme, failedRuns } = props;
  const retries = { deadLetterQueue: failedRuns, retryAttempts: 3, maxEventAge: Duration.hours(6) };

  // EventBridge Scheduler's Lambda target grants lambda:InvokeFunction on the function and on
  // `<arn>:*` (its versions and aliases); acknowledged by exact finding, one per scheduled function.
  for (const fn of [props.dispatch, props.report, props.remind]) {
    const logicalId = stack.resolve(stack.getLogicalId(fn.node.defaultChild as CfnFunction));
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        "The schedules' role may invoke only this function; `:*` is the grant's form for its versions " +
        'and aliases, which csat does not publish.',
    });
  }

  for (const campaign of programme.campaigns) {
    new Schedule(stack, `DispatchSchedule-${campaign.id}`, {
      description: `csat: dispatch a wave of campaign ${campaign.id}`,
      schedule: cron(campaign.dispatch.cron, campaign.dispatch.timeZone),
      target: new LambdaInvoke(props.dispatch, {
        // The scheduled time names the wave, so a retried or repeated tick finds the same wave.
        input: ScheduleTargetInput.fromObject({
          campaignId: campaign.id,
          scheduledTime: ContextAttribute.scheduledTime,
        }),
        ...retries,
      }),
    });
    new Schedule(stack, `ReportSchedule-${campaign.id}`, {
      description: `csat: report the latest wave of campaign ${campaign.id}`,
      schedule: cron(campaign.report.schedule.cron, campaign.report.schedule.timeZone),
      target: new LambdaInvoke(props.report, {
        // A scheduled run reports only what is new: nothing before the first wave or after a final report.
        input: ScheduleTargetInput.fromObject({ campaignId: campaign.id, trigger: 'schedule' }),
        ...retries,
      }),
    });
    const reminders = reminderSchedule(campaign);
    if (reminders) {
      new Schedule(stack, `RemindSchedule-${campaign.id}`, {
        description: `csat: queue the due reminders of campaign ${campaign.id}`,
        schedule: cron(reminders.cron, reminders.timeZone),
        target: new LambdaInvoke(props.remind, {
          input: ScheduleTargetInput.fromObject({ campaignId: campaign.id }),
          ...retries,
        }),
      });
    }
  }
}

function cron(expression: string, timeZone: string): ScheduleExpression {
  return ScheduleExpression.expression(toEventBridgeCron(expression), TimeZone.of(timeZone));
}
