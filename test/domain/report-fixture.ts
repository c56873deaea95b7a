import type { Language } from '../../functions/domain/language.ts';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import { grade, score } from '../../functions/domain/scoring.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { allAt, demoCampaign, itss, MIXED } from '../support/programme.ts';

/*
 * One wave of the example programme (seed 002 weights), small enough to compute every figure by hand.
 * The hand computation is in test/domain/report-statistics.test.ts.
 *
 *   North (3 invited): n1 all very satisfied (100, A); n2 mixed (77, C); n3 no answer
 *   South (3 invited): s1 all dissatisfied (40, D); s2 no answer; s3 answered on another version (excluded)
 */
export const XSS_SCRIPT = '<script>alert("xss")</script>';
export const XSS_IMG = '<img src=x onerror=alert(1)>';

export function reportWave(
  options: { waveId?: string; managers?: string[]; language?: Language } = {},
): Wave {
  const waveId = options.waveId ?? 'demo-20250401T0100';
  return {
    campaignId: 'demo',
    waveId,
    createdAt: '2025-04-01T01:00:00.000Z',
    deadline: '2025-04-15T01:00:00.000Z',
    campaign: {
      ...demoCampaign,
      report: {
        ...demoCampaign.report,
        managers: options.managers ?? demoCampaign.report.managers,
        language: options.language ?? 'en',
      },
    },
    questionnaire: itss,
    invited: 6,
  };
}

interface Row {
  customer: string;
  department: string;
  ratings?: Record<string, string>;
  comments?: Record<string, string>;
  answeredAt?: string;
  language?: Language;
  version?: number;
}

export const ROWS: Row[] = [
  // South first: the statistics must sort departments, not keep the store's order.
  {
    customer: 's1',
    department: 'South',
    ratings: allAt('dissatisfied'),
    comments: {
      dissatisfaction: XSS_SCRIPT,
      suggestions: `=HYPERLINK("http://evil.example","x") ${XSS_IMG}`,
    },
    answeredAt: '2025-04-03T08:00:00.000Z',
    language: 'zh-CN',
  },
  { customer: 's2', department: 'South' },
  {
    customer: 's3',
    department: 'South',
    ratings: allAt('very-satisfied'),
    comments: { suggestions: 'answered on an older questionnaire' },
    answeredAt: '2025-04-04T08:00:00.000Z',
    version: 99,
  },
  {
    customer: 'n1',
    department: 'North',
    ratings: allAt('very-satisfied'),
    comments: { suggestions: 'Keep it up' },
    answeredAt: '2025-04-02T08:00:00.000Z',
  },
  {
    customer: 'n2',
    department: 'North',
    ratings: MIXED,
    comments: { dissatisfaction: 'Delivery was late\nand incomplete' },
    answeredAt: '2025-04-02T09:30:00.000Z',
  },
  { customer: 'n3', department: 'North' },
];

export function reportInvitations(wave: Wave, rows: Row[] = ROWS): Invitation[] {
  return rows.map((r) => {
    const invitation: Invitation = {
      id: invitationId(wave.waveId, r.customer),
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      customer: {
        id: r.customer,
        name: `Customer ${r.customer}`,
        email: `${r.customer}@customer.example`,
        language: r.language ?? 'en',
        department: r.department,
      },
      createdAt: wave.createdAt,
      expiresAt: wave.deadline,
      sent: { invite: wave.createdAt },
    };
    if (r.ratings) {
      invitation.response = {
        answeredAt: r.answeredAt ?? wave.createdAt,
        ratings: r.ratings,
        comments: r.comments ?? {},
        ...score(wave.questionnaire, r.ratings),
        language: r.language ?? 'en',
        questionnaireVersion: r.version ?? wave.questionnaire.version,
      };
    }
    return invitation;
  });
}

/**
 * Answered invitations (North, comment "total {n}") whose stored totals are these, graded as the
 * questionnaire grades them: for figures just under a grade threshold, which the example's weights need
 * not reach exactly.
 */
export function answeredWithTotals(wave: Wave, totals: number[]): Invitation[] {
  const rows = totals.map((total, i) => ({
    customer: `t${i}`,
    department: 'North',
    ratings: MIXED,
    comments: { suggestions: `total ${total}` },
  }));
  return reportInvitations(wave, rows).map((invitation, i) => {
    const total = totals[i]!;
    return {
      ...invitation,
      response: { ...invitation.response!, total, grade: grade(total, wave.questionnaire.grades) },
    };
  });
}
