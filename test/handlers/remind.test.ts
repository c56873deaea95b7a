import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/adapters/logger.ts';
import { PROVISIONAL_CALENDAR_METRIC } from '../../functions/adapters/metrics.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import { handler } from '../../functions/handlers/remind/index.ts';
import { lambdaContext, queuedSendJobs, seedInvitation, seedWave } from '../support/fixtures.ts';
import { demoCampaign } from '../support/programme.ts';

/*
 * The remind handler in a year the calendar file has no notice for (2027): the demo campaign counts 3
 * working days by cn-mainland, whose 2027 comes from the law alone. Every such decision is logged, with
 * the EMF metric the ProvisionalCalendarAlarm watches, and the reminder skips New Year's Day.
 */
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);

beforeEach(async () => {
  await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The handler run at `now`, with what it logged as a warning. */
async function remindAt(now: Date) {
  const warn = vi.spyOn(logger, 'warn');
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
  try {
    const result = await handler({ campaignId: demoCampaign.id }, lambdaContext());
    return { result, warnings: warn.mock.calls };
  } finally {
    vi.useRealTimers();
    warn.mockRestore();
  }
}

describe('Handler: remind, in a year without an official holiday notice', () => {
  it('should not remind on New Year’s Day 2027, remind on Mon 4 January, and log each provisional decision with its metric', async () => {
    // Arrange: invited Tue 29 Dec 2026; working days after it: Wed 30, Thu 31, Mon 4 Jan (1 Jan is off).
    const createdAt = at('2026-12-29', '09:00').toISOString();
    const wave = await seedWave({
      createdAt,
      deadline: new Date(Date.parse(createdAt) + 30 * 86_400_000).toISOString(),
    });
    const { invitation } = await seedInvitation(wave, { sent: { invite: createdAt } });

    // Act
    const newYear = await remindAt(at('2027-01-01'));
    const newYearJobs = await queuedSendJobs(QUEUE_URL);
    const monday = await remindAt(at('2027-01-04'));
    const mondayJobs = await queuedSendJobs(QUEUE_URL);

    // Assert: 1 January is a day off by the law, and the decision says it rests on the law alone.
    expect(newYearJobs).toEqual([]);
    expect(newYear.result.waves).toEqual([
      {
        waveId: wave.waveId,
        queued: {},
        notDue: { 'day-off': 1 },
        provisional: {
          calendar: 'cn-mainland',
          decisions: 1,
          queued: 0,
          days: [{ date: '2027-01-01', basis: 'provisional', working: false }],
        },
      },
    ]);
    expect(newYear.result.provisionalDecisions).toBe(1);
    expect(mondayJobs).toEqual([{ invitationId: invitation.id, step: 'remind-1' }]);
    expect(monday.result.waves[0]!.provisional).toMatchObject({ decisions: 1, queued: 1 });
    expect(monday.result.waves[0]!.provisional!.days.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
    ]);

    for (const { warnings, now } of [
      { ...newYear, now: at('2027-01-01') },
      { ...monday, now: at('2027-01-04') },
    ]) {
      expect(warnings).toHaveLength(1);
      const [message, fields] = warnings[0] as [string, Record<string, unknown>];
      expect(message).toMatch(/without an official holiday notice/);
      // An EMF document: CloudWatch makes the metric of it.
      expect(fields).toMatchObject({
        [PROVISIONAL_CALENDAR_METRIC]: 1,
        _aws: {
          Timestamp: now.getTime(),
          CloudWatchMetrics: [
            {
              Namespace: 'csat',
              Dimensions: [[]],
              Metrics: [{ Name: PROVISIONAL_CALENDAR_METRIC, Unit: 'Count' }],
            },
          ],
        },
        waves: [{ waveId: wave.waveId, calendar: 'cn-mainland', decisions: 1 }],
      });
      // Dates and counts, nothing about the customer.
      const line = JSON.stringify(fields);
      for (const pii of [invitation.customer.email, invitation.customer.name, invitation.id]) {
        expect(line).not.toContain(pii);
      }
    }
  });

  it('should log nothing provisional for a decision the 2026 notice makes', async () => {
    // Arrange: invited Wed 30 Sep 2026; 1–7 Oct are off by the notice.
    const createdAt = at('2026-09-30', '09:00').toISOString();
    const wave = await seedWave({
      createdAt,
      deadline: new Date(Date.parse(createdAt) + 30 * 86_400_000).toISOString(),
    });
    await seedInvitation(wave, { sent: { invite: createdAt } });

    // Act
    const { result, warnings } = await remindAt(at('2026-10-05'));

    // Assert
    expect(result.provisionalDecisions).toBeUndefined();
    expect(result.waves.find((w) => w.waveId === wave.waveId)).toEqual({
      waveId: wave.waveId,
      queued: {},
      notDue: { 'day-off': 1 },
    });
    expect(warnings).toEqual([]);
  });
});
