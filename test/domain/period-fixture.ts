import type { Language } from '../../functions/domain/language.ts';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import { parsePeriod } from '../../functions/domain/report/period.ts';
import { buildPeriodReport, type PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { invitedByOf, rollupEntries } from '../../functions/domain/report/rollup.ts';
import { reportInvitations, reportWave } from './report-fixture.ts';

/*
 * The period 2025-04 of the demo campaign: the wave of report-fixture.ts (North and South, the XSS
 * comments), its customers in segments (n1 and s1 key, n2 active), reminders before two answers, and the
 * wave of March as the previous period for the trend (one North answer, all very satisfied).
 */

/** The report schedule's time zone of the demo campaign: cohorts are its months. */
export const TZ = 'Asia/Shanghai';

export function periodWave(options: { language?: Language; managers?: string[] } = {}): {
  wave: Wave;
  invitations: Invitation[];
} {
  const base = reportWave({ ...options, waveId: 'demo-20250401T0100' });
  const segments: Record<string, Array<'active' | 'new' | 'key'>> = {
    n1: ['key', 'active'],
    s1: ['key'],
    n2: ['active'],
  };
  const invitations = reportInvitations(base).map((i) => ({
    ...i,
    customer: { ...i.customer, ...(segments[i.customer.id] ? { segments: segments[i.customer.id] } : {}) },
    // n2 answered after reminder 1 (2 Apr 09:00); s1 after reminders 1 and 2.
    sent:
      i.customer.id === 'n2'
        ? { invite: base.createdAt, 'remind-1': '2025-04-02T09:00:00.000Z' }
        : i.customer.id === 's1'
          ? {
              invite: base.createdAt,
              'remind-1': '2025-04-02T09:00:00.000Z',
              'remind-2': '2025-04-03T07:00:00.000Z',
            }
          : i.sent,
  }));
  const wave: Wave = { ...base, invitedBy: invitedByOf(invitations.map((i) => i.customer)) };
  return { wave, invitations };
}

export function marchWave(): { wave: Wave; invitations: Invitation[] } {
  const base = reportWave({ waveId: 'demo-20250301T0100' });
  const wave0: Wave = {
    ...base,
    createdAt: '2025-03-01T01:00:00.000Z',
    deadline: '2025-03-15T01:00:00.000Z',
  };
  const invitations = reportInvitations(wave0, [
    {
      customer: 'm1',
      department: 'North',
      ratings: allVerySatisfied(),
      answeredAt: '2025-03-02T08:00:00.000Z',
    },
    { customer: 'm2', department: 'North' },
  ]);
  return {
    wave: { ...wave0, invited: 2, invitedBy: invitedByOf(invitations.map((i) => i.customer)) },
    invitations,
  };
}

function allVerySatisfied(): Record<string, string> {
  return Object.fromEntries(reportWave().questionnaire.categories.map((c) => [c.id, 'very-satisfied']));
}

/** The report of 2025-04 (whole campaign, or one department), generated on 1 May 2025. */
export function periodReport(
  options: { language?: Language; department?: string; now?: Date } = {},
): PeriodReportDocument {
  const april = periodWave(options);
  const march = marchWave();
  return buildPeriodReport({
    campaignId: 'demo',
    campaign: april.wave.campaign,
    period: parsePeriod('2025-04'),
    waves: [april.wave],
    entries: rollupEntries(new Map([[april.wave.waveId, april.wave]]), april.invitations, TZ),
    previous: [
      {
        period: parsePeriod('2025-03'),
        waves: [march.wave],
        entries: rollupEntries(new Map([[march.wave.waveId, march.wave]]), march.invitations, TZ),
      },
    ],
    department: options.department,
    now: options.now ?? new Date('2025-05-01T02:00:00.000Z'),
    language: options.language ?? 'en',
  });
}
