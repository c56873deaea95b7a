import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/csat.ts';
import { seedInvitation, seedWave } from '../support/fixtures.ts';
import { allAt, demoCampaign } from '../support/programme.ts';

/*
 * There is no emulator for CloudFormation or Lambda, so those two are mocked; the table is this test
 * file's real one on dynalite, named by the (mocked) stack output.
 */
const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

const outputs = () => [
  { OutputKey: 'DispatchFunctionName', OutputValue: 'csat-prod-dispatch' },
  { OutputKey: 'ReportFunctionName', OutputValue: 'csat-prod-report' },
  { OutputKey: 'RemindFunctionName', OutputValue: 'csat-prod-remind' },
  { OutputKey: 'ActionsFunctionName', OutputValue: 'csat-prod-actions' },
  { OutputKey: 'TableName', OutputValue: process.env.TABLE_NAME! },
];

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

async function csat(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    stdout: (t) => stdout.push(t),
    stderr: (t) => stderr.push(t),
    env: {},
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('csat against a deployed stack', () => {
  beforeEach(() => {
    cfn.reset();
    lambda.reset();
    cfn
      .on(DescribeStacksCommand, { StackName: 'csat-prod' })
      .resolves({ Stacks: [{ Outputs: outputs() } as never] });
  });

  afterEach(() => {
    cfn.reset();
    lambda.reset();
  });

  it('should invoke the dispatch function named by the stack outputs with the schedule event shape', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      Payload: payload({ campaignId: 'demo', waveId: 'demo-20250401T0100', invited: 3, created: 3 }),
    });

    // Act
    const out = await csat('dispatch', 'demo', '--stack', 'csat-prod', '--json');

    // Assert
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      campaignId: 'demo',
      waveId: 'demo-20250401T0100',
      invited: 3,
      created: 3,
    });
    const call = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('csat-prod-dispatch');
    expect(JSON.parse(new TextDecoder().decode(call.Payload as Uint8Array))).toEqual({ campaignId: 'demo' });
  });

  it('should invoke the remind function with the schedule event shape and print what it queued', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      Payload: payload({
        campaignId: 'demo',
        waves: [
          {
            waveId: 'demo-20260211T0100',
            queued: { 'remind-1': 2 },
            notDue: { answered: 5, 'not-yet': 1 },
          },
        ],
        queued: 2,
      }),
    });

    // Act
    const out = await csat('remind', 'demo', '--stack', 'csat-prod');

    // Assert
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Campaign demo: 2 reminder(s) queued.');
    expect(out.stdout).toMatch(/demo-20260211T0100\s+remind-1 2\s+answered 5, not-yet 1/);
    const call = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('csat-prod-remind');
    expect(JSON.parse(new TextDecoder().decode(call.Payload as Uint8Array))).toEqual({ campaignId: 'demo' });
  });

  it('should invoke the actions function for `actions sweep` and print its counts', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      Payload: payload({
        campaignId: 'demo',
        workingDay: true,
        reminded: 1,
        escalated: 2,
        followUps: 0,
        closed: 1,
        reopened: 0,
        recovered: 0,
        alertsRequeued: 0,
        unpublished: 0,
      }),
    });

    // Act
    const out = await csat('actions', 'sweep', 'demo', '--stack', 'csat-prod');
    const refused = await csat('actions', 'sweep', 'after-delivery', '--stack', 'csat-prod');

    // Assert
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      'Campaign demo: 1 reminded, 2 escalated, 0 follow-up(s), 1 closed, 0 reopened, 0 recovered.',
    );
    const call = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('csat-prod-actions');
    expect(JSON.parse(new TextDecoder().decode(call.Payload as Uint8Array))).toEqual({ campaignId: 'demo' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no campaign "after-delivery" with corrective actions/);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('should pass --wave to the report function', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      Payload: payload({
        campaignId: 'demo',
        waveId: 'demo-20250101T0100',
        keys: { json: 'r.json', csv: 'r.csv', html: 'r.html' },
        htmlUrl: 'https://example.test/r.html',
        emailed: 2,
        final: true,
      }),
    });

    // Act
    const out = await csat('report', 'demo', '--wave', 'demo-20250101T0100', '--stack', 'csat-prod');

    // Assert
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(
      'Report of demo, wave demo-20250101T0100 (final): emailed to 2 recipient(s).',
    );
    expect(out.stdout).toContain('Open: https://example.test/r.html');
    const call = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('csat-prod-report');
    expect(JSON.parse(new TextDecoder().decode(call.Payload as Uint8Array))).toEqual({
      campaignId: 'demo',
      waveId: 'demo-20250101T0100',
    });
  });

  it('should pass --period to the report function and print the period report', async () => {
    // Arrange
    const result = {
      campaignId: 'demo',
      period: '2026-Q4',
      keys: {
        json: 'reports/demo/2026-Q4/report.json',
        csv: 'reports/demo/2026-Q4/responses.csv',
        html: 'reports/demo/2026-Q4/report.html',
      },
      htmlUrl: 'https://survey.example.test/r/abc.def',
      departments: ['east-region', 'north-region'],
      emailed: 4,
      final: true,
      rolledUp: ['2026-12-30', '2026-12-31'],
      liveResponses: 0,
    };
    lambda.on(InvokeCommand).resolves({ Payload: payload(result) });

    // Act
    const human = await csat('report', 'demo', '--period', '2026-Q4', '--stack', 'csat-prod');
    const json = await csat('report', 'demo', '--period', '2026-Q4', '--stack', 'csat-prod', '--json');

    // Assert
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')).toEqual([
      'Report of demo for 2026-Q4 (final): emailed to 4 recipient(s).',
      // Departments by demo.json's display names (the JSON keeps the ids).
      'Departments: East region, North region (the files of each under reports/demo/2026-Q4/departments/).',
      '2 closed day(s) rolled up now, 0 response(s) of today read live.',
      'File  Key',
      'html  reports/demo/2026-Q4/report.html',
      'csv   reports/demo/2026-Q4/responses.csv',
      'json  reports/demo/2026-Q4/report.json',
      '',
      'Open: https://survey.example.test/r/abc.def',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(result);
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.FunctionName)).toEqual(['csat-prod-report', 'csat-prod-report']);
    for (const call of calls) {
      expect(JSON.parse(new TextDecoder().decode(call.Payload as Uint8Array))).toEqual({
        campaignId: 'demo',
        period: '2026-Q4',
      });
    }
  });

  it('should refuse a malformed --period before asking CloudFormation or Lambda anything', async () => {
    // Act
    const out = await csat('report', 'demo', '--period', '2026-H3', '--stack', 'csat-prod');

    // Assert
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--period: "2026-H3" is not a period: write a month (2026-11)');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it.each([
    [
      { campaignId: 'demo', skipped: 'no-wave' },
      'Nothing to report for demo: no wave has been dispatched yet.',
    ],
    [
      {
        campaignId: 'demo',
        skipped: 'already-final',
        waveId: 'demo-20250101T0100',
        finalReportAt: '2025-01-17T10:00:00.000Z',
      },
      'Nothing new to report for demo: wave demo-20250101T0100 has closed and its final report went out at 2025-01-17T10:00:00.000Z.',
    ],
  ])('should print a skipped report run %j as one plain line', async (skipped, line) => {
    // Arrange
    lambda.on(InvokeCommand).resolves({ Payload: payload(skipped) });

    // Act
    const out = await csat('report', 'demo', '--stack', 'csat-prod');

    // Assert
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(line);
  });

  it('should exit 1 with the function error when the Lambda fails', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'ReportRequestError', errorMessage: 'the campaign has no wave yet' }),
    });

    // Act
    const out = await csat('report', 'demo', '--stack', 'csat-prod');

    // Assert
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('csat-prod-report failed: ReportRequestError: the campaign has no wave yet');
  });

  it('should exit 1 naming the missing output of a stack that is not a csat stack', async () => {
    // Arrange
    cfn.on(DescribeStacksCommand, { StackName: 'other' }).resolves({ Stacks: [{ Outputs: [] } as never] });

    // Act
    const out = await csat('dispatch', 'demo', '--stack', 'other');

    // Assert
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('stack other has no output');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("should read the status from the stack's table and show each department against its target", async () => {
    // Arrange: an older wave sent before the campaign had targets (its snapshot has none), and a newer
    // one under demo.json's targets: default 30 %, north-region 10 %, east-region none of its own.
    const answer = {
      answeredAt: '2025-04-02T00:00:00.000Z',
      ratings: allAt('satisfied'),
      comments: {},
      total: 80,
      grade: 'B' as const,
      language: 'zh-CN' as const,
      questionnaireVersion: 1,
    };
    const { targets: _, ...untargeted } = demoCampaign;
    const older = await seedWave({ createdAt: '2025-01-01T01:00:00.000Z', campaign: untargeted });
    const newer = await seedWave({ createdAt: '2025-04-01T01:00:00.000Z' });
    await seedInvitation(older, { customer: { department: 'east-region' }, response: answer });
    // Emailed but not answered.
    await seedInvitation(newer, {
      customer: { department: 'east-region' },
      sent: { invite: newer.createdAt },
    });
    await seedInvitation(newer, { customer: { department: 'north-region' }, response: answer });

    // Act: on 5 April 2025, when the next 90 days have the official notice (status would say otherwise;
    // test/use-cases/status-calendar.test.ts shows that).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-04-05T02:00:00Z'));
    let json: Awaited<ReturnType<typeof csat>>;
    let human: Awaited<ReturnType<typeof csat>>;
    try {
      json = await csat('status', 'demo', '--stack', 'csat-prod', '--json');
      human = await csat('status', 'demo', '--stack', 'csat-prod');
    } finally {
      vi.useRealTimers();
    }

    // Assert: all waves are measured against the newest wave's targets; the older wave against none.
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      campaignId: 'demo',
      invited: 3,
      answered: 2,
      target: 0.3,
      met: true,
      departments: [
        { department: 'east-region', invited: 2, answered: 1, returnRate: 0.5, target: 0.3, met: true },
        { department: 'north-region', invited: 1, answered: 1, returnRate: 1, target: 0.1, met: true },
      ],
      waves: [
        {
          waveId: 'demo-20250401T0100',
          invited: 2,
          answered: 1,
          returnRate: 0.5,
          target: 0.3,
          met: true,
          departments: [
            { department: 'east-region', invited: 1, answered: 0, returnRate: 0, target: 0.3, met: false },
            { department: 'north-region', invited: 1, answered: 1, returnRate: 1, target: 0.1, met: true },
          ],
        },
        {
          waveId: 'demo-20250101T0100',
          target: null,
          met: null,
          departments: [{ department: 'east-region', invited: 1, answered: 1, target: null, met: null }],
        },
      ],
    });
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')).toEqual([
      'Campaign demo: 3 invited (3 emailed), 2 answered, return rate 66.7 %',
      '',
      'Wave                Department    Invited  Emailed  Answered   Return  Target  Met',
      'demo-20250401T0100  East region         1        1         0    0.0 %  30.0 %  NO',
      '                    North region        1        1         1  100.0 %  10.0 %  yes',
      '                    all                 2        2         1   50.0 %  30.0 %  yes',
      'demo-20250101T0100  East region         1        1         1  100.0 %       –  –',
      '                    all                 1        1         1  100.0 %       –  –',
      'all waves           East region         2        2         1   50.0 %  30.0 %  yes',
      '                    North region        1        1         1  100.0 %  10.0 %  yes',
      '                    all                 3        3         2   66.7 %  30.0 %  yes',
    ]);
  });
});
