import { describe, expect, it } from 'vitest';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import { currentQuestionnaire } from '../../functions/domain/programme.ts';
import type { Questionnaire } from '../../functions/domain/questionnaire.ts';
import { responsesCsv } from '../../functions/domain/report/csv.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportEmail } from '../../functions/domain/report/email.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { waveStatistics } from '../../functions/domain/report/wave-tally.ts';
import { score } from '../../functions/domain/scoring.ts';
import { programme } from '../../programme/index.ts';
import { demoCampaign } from '../support/programme.ts';

const table = currentQuestionnaire(programme, 'supplier-points-table');
const likert = currentQuestionnaire(programme, 'product-likert');

const every = (q: Questionnaire, level: string): Record<string, string> =>
  Object.fromEntries(q.categories.map((c) => [c.id, level]));

const _Q_FILE = 'programme/questionnaires/q.json';

/** A Likert wave of three responses, its figures computed by hand below. */
function likertWave(): { wave: Wave; invitations: Invitation[] } {
  const wave: Wave = {
    campaignId: 'demo',
    waveId: 'demo-20260301T0100',
    createdAt: '2026-03-01T01:00:00.000Z',
    deadline: '2026-03-15T01:00:00.000Z',
    campaign: { ...demoCampaign, report: { ...demoCampaign.report, language: 'en' } },
    questionnaire: likert,
    invited: 4,
  };
  const answers: Array<[string, Record<string, string>, Record<string, string> | undefined]> = [
    // all 5 → mean 5, total 100
    ['a', every(likert, '5'), { 'usage-frequency': 'high' }],
    // all 4 but extra features blank → mean 4, total 75
    ['b', (({ 'extra-features': _x, ...r }) => r)(every(likert, '4')), { 'usage-frequency': 'high' }],
    // all 2 → mean 2, total 25; frequency blank
    ['c', every(likert, '2'), {}],
  ];
  const invitations: Invitation[] = answers.map(([id, ratings, choices], i) => {
    const s = score(likert, ratings);
    return {
      id: `inv-${id}`,
      campaignId: 'demo',
      waveId: wave.waveId,
      customer: { id, name: id, email: `${id}@example.com`, language: 'en', department: 'North' },
      createdAt: wave.createdAt,
      expiresAt: wave.deadline,
      sent: { invite: wave.createdAt },
      response: {
        answeredAt: `2026-03-0${i + 2}T08:00:00.000Z`,
        ratings,
        comments: {},
        choices,
        total: s.total,
        raw: s.raw,
        grade: s.grade,
        language: 'en',
        questionnaireVersion: 1,
      },
    };
  });
  invitations.push({
    id: 'inv-d',
    campaignId: 'demo',
    waveId: wave.waveId,
    customer: { id: 'd', name: 'd', email: 'd@example.com', language: 'en', department: 'North' },
    createdAt: wave.createdAt,
    expiresAt: wave.deadline,
    sent: { invite: wave.createdAt },
  });
  return { wave, invitations };
}

describe('scales: the report in the scale’s own units', () => {
  it('should give a Likert wave its mean score against the target, per-item means and choice counts', () => {
    const { wave, invitations } = likertWave();
    const s = waveStatistics(wave, invitations);
    // totals 100, 75, 25 → 66.67 (C); means 5, 4, 2 → 3.67 < target 4.0
    expect(s).toMatchObject({
      answered: 3,
      invited: 4,
      meanTotal: 66.67,
      grade: 'C',
      meanRaw: 3.67,
      targetMet: false,
    });
    // rated answers: 7 + 6 + 7 = 20; satisfied (≥ 3): 7 + 6 = 13
    expect([s.ratedAnswers, s.satisfiedAnswers, s.satisfactionRate]).toEqual([20, 13, 0.65]);
    const extra = s.categories.find((c) => c.id === 'extra-features')!;
    // answered by a (5) and c (2): mean 3.5 → (2.5 / 4) × 100 = 62.5
    expect(extra).toMatchObject({
      required: false,
      weight: null,
      worst: 1,
      best: 5,
      answers: 2,
      meanPoints: 3.5,
      meanPercent: 62.5,
    });
    const brand = s.categories.find((c) => c.id === 'brand')!;
    // (5 + 4 + 2) / 3 = 3.67 → (11/3 − 1) / 4 × 100 = 66.67
    expect([brand.answers, brand.meanPoints, brand.meanPercent]).toEqual([3, 3.67, 66.67]);
    expect(s.choices).toEqual([
      {
        id: 'usage-frequency',
        answers: 2,
        distribution: [
          { option: 'high', count: 2 },
          { option: 'medium', count: 0 },
          { option: 'low', count: 0 },
        ],
      },
    ]);
  });

  it('should render the Likert report (HTML, email, CSV) with the mean, the target and the choices', () => {
    const { wave, invitations } = likertWave();
    const report = buildReport(wave, invitations, new Date('2026-03-16T00:00:00.000Z'));
    expect(report.questionnaire).toMatchObject({ scaleKind: 'likert', targetMean: 4 });
    const page = reportHtml(report);
    expect(page).toContain('<span>Mean score</span><b>3.67 (target 4.0: not reached)</b>');
    expect(page).toContain(
      '<h2 id="h-choices">Single-choice questions</h2><h3>How often do you use our product?</h3>',
    );
    expect(page).toContain(
      '<th scope="row">Additional features (optional)</th><td class="n" data-label="Points range">1 – 5</td><td class="n" data-label="Mean score">3.50</td>',
    );
    const email = reportEmail({
      report,
      from: { name: 'Quality', address: 'survey@example.com' },
      managers: ['gm@example.com'],
      htmlUrl: 'https://x.example/r/1',
      csvUrl: 'https://x.example/r/2',
      linksExpireAt: new Date('2026-03-23T00:00:00.000Z'),
      now: new Date('2026-03-16T00:00:00.000Z'),
    });
    expect(email.text).toContain('Mean score: 3.67 (target 4.0: not reached)');
    const csv = responsesCsv(wave, invitations).split('\r\n');
    expect(csv[0]).toContain('Total,Mean score,Grade,');
    expect(csv[0]).toContain(',How often do you use our product?,');
    // b: extra features blank, frequency high
    expect(csv[2]).toContain(',75,4,C,4 · Satisfied,,4 · Satisfied,');
    expect(csv[2]).toContain(',Often (several times a week),');
  });

  it('should show a points-table wave with each item’s points range and raw mean points', () => {
    const wave: Wave = { ...likertWave().wave, questionnaire: table };
    const ratings = every(table, 'fairly-satisfied');
    const s85 = score(table, ratings);
    const invitations: Invitation[] = [
      {
        ...likertWave().invitations[0]!,
        response: {
          answeredAt: '2026-03-02T08:00:00.000Z',
          ratings,
          comments: {},
          total: s85.total,
          raw: s85.raw,
          grade: s85.grade,
          language: 'en',
          questionnaireVersion: 1,
        },
      },
    ];
    const report = buildReport(wave, invitations, new Date('2026-03-16T00:00:00.000Z'));
    expect(report.statistics.categories[0]).toMatchObject({
      worst: 0,
      best: 25,
      meanPoints: 20,
      meanPercent: 80,
    });
    expect(report.questionnaire.categories[0]?.points).toEqual({
      'very-satisfied': 25,
      'fairly-satisfied': 20,
      satisfied: 16,
      dissatisfied: 10,
      'very-dissatisfied': 0,
    });
    const page = reportHtml(report);
    expect(page).toContain('<span>Mean raw points</span><b>85.00</b>');
    expect(page).toContain(
      '<th scope="col" class="n">Points range</th><th scope="col" class="n">Mean points</th><th scope="col" class="n">Score (0–100)</th>',
    );
  });
});
