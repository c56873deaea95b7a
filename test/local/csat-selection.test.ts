import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/csat.ts';
import { findCampaign } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';
import { seedWave } from '../support/fixtures.ts';
import { demoCampaign } from '../support/programme.ts';

/* As in csat-deployed.test.ts: CloudFormation and Lambda mocked, the table this file's own on dynalite. */
const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const excluded = { notInAudience: 3, unsubscribed: 1, suppressed: 2, surveyedRecently: 4, notSampled: 40 };

async function csat(...argv: string[]) {
  const stdout: string[] = [];
  const code = await main(argv, { stdout: (t) => stdout.push(t), stderr: () => {}, env: {} });
  return { code, stdout: stdout.join('\n') };
}

beforeAll(() => {
  cfn.on(DescribeStacksCommand, { StackName: 'csat-prod' }).resolves({
    Stacks: [
      {
        Outputs: [
          { OutputKey: 'DispatchFunctionName', OutputValue: 'csat-prod-dispatch' },
          { OutputKey: 'ReportFunctionName', OutputValue: 'csat-prod-report' },
          { OutputKey: 'TableName', OutputValue: process.env.TABLE_NAME! },
        ],
      } as never,
    ],
  });
});

afterAll(() => {
  cfn.reset();
  lambda.reset();
});

describe('csat: who a wave left out', () => {
  it('should show each wave reason counts and seed in status', async () => {
    await seedWave({
      createdAt: '2025-07-01T01:00:00.000Z',
      selection: { seed: 'q3-2025', directory: 60, excluded },
    });

    const out = await csat('status', 'demo', '--stack', 'csat-prod');

    expect(out.code).toBe(0);
    expect(out.stdout.split('\n').slice(-2)).toEqual([
      'Left out of each wave:',
      '  demo-20250701T0100: 3 not in audience · 1 unsubscribed · 2 suppressed · 4 surveyed recently · 40 not sampled (of 60; seed q3-2025)',
    ]);
  });

  it('should leave event waves out of that line: their counts are due steps, of no sample', async () => {
    // Arrange: a periodic wave and an event wave (its campaign has a trigger) of the same campaign.
    const trigger = findCampaign(programme, 'after-delivery')!.trigger!;
    const periodic = await seedWave({
      createdAt: '2025-09-01T01:00:00.000Z',
      selection: { seed: 'q3-2025', directory: 60, excluded },
    });
    const event = await seedWave({
      createdAt: '2025-09-02T01:00:00.000Z',
      campaign: { ...demoCampaign, trigger },
      selection: { seed: 'q3-2025', directory: 60, excluded },
    });

    // Act
    const out = await csat('status', 'demo', '--stack', 'csat-prod');

    // Assert: both waves have their row; only the periodic one says whom it left out.
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    const leftOut = lines.slice(lines.indexOf('Left out of each wave:') + 1);
    expect(lines.some((l) => l.includes(event.waveId))).toBe(true);
    expect(leftOut.some((l) => l.startsWith(`  ${periodic.waveId}: `))).toBe(true);
    expect(leftOut.filter((l) => l.includes(event.waveId))).toEqual([]);
  });

  it('should show the counts after a dispatch', async () => {
    const result = {
      campaignId: 'demo',
      waveId: 'demo-20250701T0100',
      state: 'done',
      invited: 10,
      // A redone chunk: 3 invitations were there already, one of them not yet emailed.
      created: 7,
      queued: 8,
    };
    lambda.on(InvokeCommand).resolves({
      Payload: new TextEncoder().encode(JSON.stringify({ ...result, seed: 'q3-2025', excluded })) as never,
    });

    const out = await csat('dispatch', 'demo', '--stack', 'csat-prod');

    expect(out.stdout).toBe(
      'Wave demo-20250701T0100 of demo: 10 invited, 7 created now, 8 email(s) queued.\n' +
        'Left out: 3 not in audience · 1 unsubscribed · 2 suppressed · 4 surveyed recently · 40 not sampled (seed q3-2025).',
    );
  });

  it('should say why nobody was eligible when the wave is empty', async () => {
    const empty = { notInAudience: 0, unsubscribed: 2, suppressed: 0, surveyedRecently: 48, notSampled: 0 };
    const result = {
      campaignId: 'demo',
      waveId: 'demo-20250801T0100',
      state: 'empty',
      invited: 0,
      created: 0,
    };
    lambda.on(InvokeCommand).resolves({
      Payload: new TextEncoder().encode(
        JSON.stringify({ ...result, seed: 'q3-2025', excluded: empty }),
      ) as never,
    });

    const out = await csat('dispatch', 'demo', '--stack', 'csat-prod');

    expect(out.stdout).toBe(
      'Wave demo-20250801T0100 of demo: 0 eligible: 2 unsubscribed · 48 surveyed recently (seed q3-2025). ' +
        'No invitations; reports and reminders skip it.',
    );
  });
});
