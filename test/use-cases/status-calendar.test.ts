import { describe, expect, it } from 'vitest';
import { human } from '../../bin/cli/format.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { programme } from '../../programme/index.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';

/*
 * `csat status`: the demo campaign's reminders count by cn-mainland, whose file has notices for 2025 and
 * 2026. From 2 December 2026 the next 90 days reach 2027, counted by the law alone (provisional).
 */
const store = testStore();
const clockAt = (iso: string) => ({ now: () => new Date(iso) });

describe('Use case: campaign status with the reminder calendar', () => {
  it('should say, in JSON and in text, that 2027 is provisional for the next 90 days', async () => {
    // Arrange
    const wave = await seedWave({ createdAt: '2026-11-30T01:00:00.000Z' });
    await seedInvitation(wave, { sent: { invite: wave.createdAt } });

    // Act
    const report = await getCampaignStatus(
      { store, programme, clock: clockAt('2026-12-02T02:00:00Z') },
      { campaignId: 'demo' },
    );
    const text = human('status', report);

    // Assert
    expect(report.invited).toBe(1);
    expect(report.calendar).toEqual({
      campaignId: 'demo',
      calendar: 'cn-mainland',
      timeZone: 'Asia/Shanghai',
      from: '2026-12-02',
      to: '2027-03-02',
      unofficial: [{ year: 2027, basis: 'provisional', from: '2027-01-01', to: '2027-03-02' }],
    });
    expect(JSON.parse(JSON.stringify(report)).calendar.unofficial[0].basis).toBe('provisional');
    expect(text).toContain(
      'Calendar cn-mainland (reminders, 2026-12-02 to 2027-03-02): no official holiday notice for 2027',
    );
    expect(text).toContain('2027-01-01 to 2027-03-02: PROVISIONAL, statutory holidays computed from the law');
  });

  it('should say nothing about the calendar while the notices cover the next 90 days', async () => {
    // Act
    const report = await getCampaignStatus(
      { store, programme, clock: clockAt('2026-03-02T02:00:00Z') },
      { campaignId: 'demo' },
    );

    // Assert
    expect(report.calendar?.unofficial).toEqual([]);
    expect(human('status', report)).not.toContain('Calendar');
  });

  it('should tell, after a remind run, how many decisions were provisional', () => {
    const text = human('remind', {
      campaignId: 'demo',
      waves: [{ waveId: 'demo-w', queued: {}, notDue: { 'day-off': 2 } }],
      queued: 0,
      provisionalDecisions: 2,
    });

    expect(text).toContain('2 decision(s) rested on a year without an official holiday notice');
  });

  it('should leave the calendar out without a programme, and for a campaign without reminders', async () => {
    const bare = await getCampaignStatus({ store }, { campaignId: 'demo' });
    const quiet = await getCampaignStatus(
      {
        store,
        clock: clockAt('2026-12-02T02:00:00Z'),
        programme: {
          calendars: programme.calendars,
          campaigns: programme.campaigns.map(({ reminders: _, ...c }) => c),
        },
      },
      { campaignId: 'demo' },
    );

    expect(bare.calendar).toBeUndefined();
    expect(quiet.calendar).toBeUndefined();
    expect(human('status', quiet)).not.toContain('Calendar');
  });
});
