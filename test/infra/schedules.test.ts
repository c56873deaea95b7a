import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeCron } from '../../functions/domain/programme.ts';
import type { HandlerName } from '../../lib/bundling.ts';
import type { CsatFunction } from '../../lib/csat-function.ts';
import { twoCampaigns } from './campaigns.ts';
import { functionsOf, id, resourcesOf, type Synthesised, synthCsat } from './synth.ts';

describe('StatelessStack', () => {
  let s: Synthesised;
  let custom: Synthesised;
  let fns: Record<HandlerName, CsatFunction>;

  beforeAll(() => {
    s = synthCsat();
    custom = synthCsat({}, { programme: twoCampaigns });
    fns = functionsOf(s);
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
      // Dispatch and report for each, plus the reminder and actions sweeps of demo and west.
      custom.statelessTemplate.resourceCountIs(
        'AWS::Scheduler::Schedule',
        2 * twoCampaigns.campaigns.length + 2 + 2,
      );
    });

    it('should sweep the corrective actions of each campaign that has them daily at 09:00 in its time zone', () => {
      const actionsArn = { 'Fn::GetAtt': [id(custom.stateless.actions.fn), 'Arn'] };
      const sweeps = Object.values(resourcesOf(custom.statelessTemplate)).filter(
        (r) =>
          r.Type === 'AWS::Scheduler::Schedule' &&
          JSON.stringify(r.Properties.Target.Arn) === JSON.stringify(actionsArn),
      );
      expect(
        sweeps.map((r) => [
          JSON.parse(r.Properties.Target.Input),
          r.Properties.ScheduleExpression,
          r.Properties.ScheduleExpressionTimezone,
          r.Properties.Target.DeadLetterConfig,
        ]),
      ).toEqual(
        [
          ['demo', 'Asia/Shanghai'],
          ['west', 'Europe/Berlin'],
        ].map(([campaignId, timeZone]) => [
          { campaignId },
          'cron(0 9 * * ? *)',
          timeZone,
          { Arn: { 'Fn::GetAtt': [id(custom.stateless.failedRuns), 'Arn'] } },
        ]),
      );
    });

    it('should send failed scheduled runs of dispatch, report and remind to the failed-runs queue', () => {
      for (const f of [fns.dispatch, fns.report, fns.remind, fns['ses-events'], fns.actions]) {
        s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: id(f.fn) },
          DestinationConfig: {
            OnFailure: { Destination: { 'Fn::GetAtt': [id(s.stateless.failedRuns), 'Arn'] } },
          },
        });
      }
    });
  });
});
