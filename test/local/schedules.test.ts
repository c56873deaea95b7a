import { describe, expect, it } from 'vitest';
import { table } from '../../bin/cli/format.ts';
import {
  localTime,
  SCHEDULE_HEAD,
  scheduledTimeOf,
  scheduleRows,
  startSchedules,
  toCronerPattern,
} from '../../local/schedules.ts';
import { programme } from '../../programme/index.ts';
import { demoCampaign } from '../support/programme.ts';

describe('local schedules', () => {
  it('should turn EventBridge "no specific value" into croner\'s wildcard and keep the rest', () => {
    // Act / Assert
    expect(toCronerPattern('0 9 ? * MON-FRI')).toBe('0 9 * * MON-FRI');
    expect(toCronerPattern(' 0  18 * * FRI ')).toBe('0 18 * * FRI');
    expect(toCronerPattern('0 9 1 1,4,7,10 ?')).toBe('0 9 1 1,4,7,10 *');
  });

  it('should name the tick as EventBridge Scheduler does: the minute in UTC, no milliseconds', () => {
    // Act / Assert
    expect(scheduledTimeOf(new Date('2025-04-01T01:00:00.734Z'))).toBe('2025-04-01T01:00:00Z');
    expect(scheduledTimeOf(new Date('2025-04-01T01:00:59.999Z'))).toBe('2025-04-01T01:00:00Z');
  });

  it("should schedule the demo campaign's dispatch, report and reminder sweep in the campaign's time zone", () => {
    // Arrange
    const schedules = startSchedules(programme.campaigns, {
      dispatch: async () => ({}),
      report: async () => ({}),
      remind: async () => ({}),
      actions: async () => ({}),
    });

    try {
      // Act
      const dispatch = schedules.jobs.find((j) => j.campaignId === 'demo' && j.kind === 'dispatch')!;
      const report = schedules.jobs.find((j) => j.campaignId === 'demo' && j.kind === 'report')!;
      const remind = schedules.jobs.find((j) => j.campaignId === 'demo' && j.kind === 'remind')!;
      const actions = schedules.jobs.find((j) => j.campaignId === 'demo' && j.kind === 'actions')!;

      // Assert: 09:00 on the first of each quarter and Fridays 18:00, Shanghai time (UTC+8).
      expect(dispatch).toMatchObject({ cron: demoCampaign.dispatch.cron, timeZone: 'Asia/Shanghai' });
      expect(dispatch.nextRun(new Date('2025-02-10T00:00:00Z'))?.toISOString()).toBe(
        '2025-04-01T01:00:00.000Z',
      );
      // 2025-01-01 is a Wednesday.
      expect(report.nextRun(new Date('2025-01-01T00:00:00Z'))?.toISOString()).toBe(
        '2025-01-03T10:00:00.000Z',
      );
      // The sweep's default: every day at 10:00 Shanghai time (it skips days off itself).
      expect(remind).toMatchObject({ cron: '0 10 * * *', timeZone: 'Asia/Shanghai' });
      expect(remind.nextRun(new Date('2026-02-14T03:00:00Z'))?.toISOString()).toBe(
        '2026-02-15T02:00:00.000Z',
      );
      // The actions sweep: every day at 09:00 Shanghai time (it skips days off itself).
      expect(actions).toMatchObject({ cron: '0 9 * * *', timeZone: 'Asia/Shanghai' });
      expect(actions.nextRun(new Date('2026-02-14T03:00:00Z'))?.toISOString()).toBe(
        '2026-02-15T01:00:00.000Z',
      );
    } finally {
      schedules.stop();
    }
  });

  it('should invoke the targets with the same event shapes as the deployed schedules', async () => {
    // Arrange
    const events: unknown[] = [];
    const runs: string[] = [];
    const { reminders: _none, actions: _noActions, ...withoutReminders } = demoCampaign;
    const schedules = startSchedules(
      [demoCampaign, { ...withoutReminders, id: 'quiet' }],
      {
        dispatch: async (e) => {
          events.push(e);
          return { waveId: 'w' };
        },
        report: async (e) => {
          events.push(e);
          throw new Error('no wave yet');
        },
        remind: async (e) => {
          events.push(e);
          return { queued: 0 };
        },
        actions: async (e) => {
          events.push(e);
          return { escalated: 0 };
        },
      },
      {
        onRun: (job) => runs.push(`${job.kind} ok`),
        onError: (job, e) => runs.push(`${job.kind} ${(e as Error).message}`),
      },
    );

    try {
      // Act
      for (const job of schedules.jobs.filter((j) => j.campaignId === 'demo')) await job.trigger();

      // Assert
      expect(events).toEqual([
        { campaignId: 'demo', scheduledTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/) },
        { campaignId: 'demo', trigger: 'schedule' },
        { campaignId: 'demo' },
        { campaignId: 'demo' },
      ]);
      expect(runs).toEqual(['dispatch ok', 'report no wave yet', 'remind ok', 'actions ok']);
      // A campaign without reminders or actions gets neither sweep.
      expect(schedules.jobs.filter((j) => j.campaignId === 'quiet').map((j) => j.kind)).toEqual([
        'dispatch',
        'report',
      ]);
    } finally {
      schedules.stop();
    }
  });

  it("should line up npm start's schedules table, the event-triggered campaign's long id included", () => {
    // Arrange
    const schedules = startSchedules(programme.campaigns, {
      dispatch: async () => ({}),
      report: async () => ({}),
      remind: async () => ({}),
      actions: async () => ({}),
    });
    try {
      // Act
      const lines = table(
        SCHEDULE_HEAD,
        scheduleRows(schedules.jobs, new Date('2026-12-02T04:00:00Z')),
        [],
      ).split('\n');

      // Assert: every column starts where its heading does, on every line.
      const starts = ['Runs', 'Cron', 'Time zone', 'Next (local time)'].map((h) => lines[0]!.indexOf(h));
      const rows = lines.slice(1);
      expect(rows.some((l) => l.startsWith('after-delivery '))).toBe(true);
      for (const line of rows) {
        for (const start of starts) expect(line[start - 1], line).toBe(' ');
        for (const start of starts) expect(line[start], line).not.toBe(' ');
      }
      expect(rows).toContain('demo            report    0 18 * * FRI      Asia/Shanghai  2026-12-04 18:00');
    } finally {
      schedules.stop();
    }
  });

  it('should write a time as the schedule reads it, in its own time zone', () => {
    expect(localTime(new Date('2026-12-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2027-01-01 00:30');
    expect(localTime(new Date('2026-12-31T16:30:00Z'), 'UTC')).toBe('2026-12-31 16:30');
  });
});
