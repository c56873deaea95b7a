import { describe, expect, it } from 'vitest';
import { buildReport, reportJson, reportKeys } from '../../functions/domain/report/document.ts';
import { waveStatistics } from '../../functions/domain/report/wave-tally.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { reportInvitations, reportWave, XSS_SCRIPT } from './report-fixture.ts';

/*
 * Seed 002 weights: quality 20, performance 20, price 20, delivery 10, O&M 20, consulting 5, tech 5;
 * levels worth 100 / 80 / 60 / 40 / 20 % of the weight. Counted responses: n1 (all very satisfied) = 100,
 * n2 (mixed) = 20 + 16 + 12 + 4 + 20 + 1 + 4 = 77, s1 (all dissatisfied) = 40. s3 is on another version.
 */
describe('waveStatistics', () => {
  const wave = reportWave();
  const stats = waveStatistics(wave, reportInvitations(wave));

  it('should count invitations, counted and excluded responses and the return rate', () => {
    expect(stats.invited).toBe(6);
    expect(stats.answered).toBe(3);
    expect(stats.excluded).toBe(1);
    expect(stats.returnRate).toBe(0.5);
  });

  it('should count every invitation the wave created as invited, and those whose email went out as emailed', () => {
    // Arrange: one more customer never emailed (unsubscribed or closed before the send), one queued.
    const invitations = reportInvitations(wave);
    const template = invitations.find((i) => !i.response)!;
    const notSent = [
      {
        ...template,
        id: 'never-sent',
        customer: { ...template.customer, id: 'x1' },
        sent: {},
        unsubscribedAt: wave.createdAt,
      },
      { ...template, id: 'still-queued', customer: { ...template.customer, id: 'x2' }, sent: {} },
    ];
    // Act
    const withUnsent = waveStatistics(wave, [...invitations, ...notSent]);
    // Assert: invited by dispatch (return-rate.ts), so the rate counts them: 3 answered of 8.
    expect(stats).toMatchObject({ invited: 6, emailed: 6, returnRate: 0.5 });
    expect(withUnsent).toMatchObject({ invited: 8, emailed: 6, answered: 3, returnRate: 0.375 });
    const south = withUnsent.departments.find((d) => d.department === template.customer.department)!;
    const before = stats.departments.find((d) => d.department === template.customer.department)!;
    expect(south).toMatchObject({ invited: before.invited + 2, emailed: before.emailed });
  });

  it('should give the mean total score and its grade', () => {
    // (100 + 77 + 40) / 3 = 72.333… → 72.33, C (61 ≤ x < 81)
    expect(stats.meanTotal).toBe(72.33);
    expect(stats.grade).toBe('C');
    expect(stats.grades).toEqual([
      { grade: 'A', count: 1 },
      { grade: 'B', count: 0 },
      { grade: 'C', count: 1 },
      { grade: 'D', count: 1 },
      { grade: 'E', count: 0 },
    ]);
  });

  it('should take the satisfaction rate over all rated item answers at basically satisfied or better', () => {
    // n1: 7 of 7; n2: very satisfied ×2, satisfied ×2, basically satisfied = 5 of 7; s1: 0 of 7 → 12 / 21
    expect(stats.ratedAnswers).toBe(21);
    expect(stats.satisfiedAnswers).toBe(12);
    expect(stats.satisfactionRate).toBe(0.5714);
  });

  it('should give each category its mean points, % of weight, satisfaction and level distribution', () => {
    const byId = Object.fromEntries(stats.categories.map((c) => [c.id, c]));
    expect(stats.categories.map((c) => c.id)).toEqual([
      'quality',
      'performance',
      'price',
      'delivery',
      'om-service',
      'consulting',
      'technical-support',
    ]);
    // quality: 20 + 20 + 8 = 48 → 16 of 20 = 80 %
    expect(byId.quality).toEqual({
      id: 'quality',
      weight: 20,
      required: true,
      worst: 4,
      best: 20,
      answers: 3,
      meanPoints: 16,
      meanPercent: 80,
      satisfactionRate: 0.6667,
      distribution: [
        { level: 'very-satisfied', count: 2 },
        { level: 'satisfied', count: 0 },
        { level: 'basically-satisfied', count: 0 },
        { level: 'dissatisfied', count: 1 },
        { level: 'very-dissatisfied', count: 0 },
      ],
    });
    // performance: 20 + 16 + 8 = 44 → 14.67, 73.33 %
    expect([byId.performance?.meanPoints, byId.performance?.meanPercent]).toEqual([14.67, 73.33]);
    // price: 20 + 12 + 8 = 40 → 13.33, 66.67 %
    expect([byId.price?.meanPoints, byId.price?.meanPercent]).toEqual([13.33, 66.67]);
    // delivery: 10 + 4 + 4 = 18 → 6, 60 %; only n1 satisfied
    expect([byId.delivery?.meanPoints, byId.delivery?.meanPercent, byId.delivery?.satisfactionRate]).toEqual([
      6, 60, 0.3333,
    ]);
    // consulting: 5 + 1 + 2 = 8 → 2.67, 53.33 %; one answer each at very satisfied, dissatisfied, very dissatisfied
    expect([byId.consulting?.meanPoints, byId.consulting?.meanPercent]).toEqual([2.67, 53.33]);
    expect(byId.consulting?.distribution.map((d) => d.count)).toEqual([1, 0, 0, 1, 1]);
    // technical support: 5 + 4 + 2 = 11 → 3.67, 73.33 %
    expect([byId['technical-support']?.meanPoints, byId['technical-support']?.meanPercent]).toEqual([
      3.67, 73.33,
    ]);
  });

  it('should give the same figures per department, sorted by name', () => {
    expect(stats.departments).toEqual([
      // (100 + 77) / 2 = 88.5 → B; satisfied 12 of 14
      {
        department: 'North',
        invited: 3,
        emailed: 3,
        answered: 2,
        cleaned: 0,
        returnRate: 0.6667,
        meanTotal: 88.5,
        meanRaw: 88.5,
        targetMet: null,
        grade: 'B',
        satisfactionRate: 0.8571,
      },
      {
        department: 'South',
        invited: 3,
        emailed: 3,
        answered: 1,
        cleaned: 0,
        returnRate: 0.3333,
        meanTotal: 40,
        meanRaw: 40,
        targetMet: null,
        grade: 'D',
        satisfactionRate: 0,
      },
    ]);
  });

  it('should list comments in question order, lowest total first, without excluded responses', () => {
    expect(
      stats.comments.map((c) => [c.questionId, c.department, c.language, c.total, c.invitationId]),
    ).toEqual([
      ['dissatisfaction', 'South', 'zh-CN', 40, invitationId(wave.waveId, 's1')],
      ['dissatisfaction', 'North', 'en', 77, invitationId(wave.waveId, 'n2')],
      ['suggestions', 'South', 'zh-CN', 40, invitationId(wave.waveId, 's1')],
      ['suggestions', 'North', 'en', 100, invitationId(wave.waveId, 'n1')],
    ]);
    expect(stats.comments[0]?.text).toBe(XSS_SCRIPT);
  });

  it('should give nulls, not NaN, for a wave without invitations or responses', () => {
    const empty = waveStatistics(wave, []);
    expect(empty).toMatchObject({
      invited: 0,
      emailed: 0,
      answered: 0,
      returnRate: null,
      meanTotal: null,
      grade: null,
      satisfactionRate: null,
      departments: [],
      comments: [],
    });
    expect(empty.categories[0]).toMatchObject({ answers: 0, meanPoints: null, meanPercent: null });
    const unanswered = waveStatistics(
      wave,
      reportInvitations(wave).filter((i) => !i.response),
    );
    expect(unanswered).toMatchObject({ invited: 2, answered: 0, returnRate: 0, meanTotal: null });
  });

  it('should not depend on the order the store returns invitations in', () => {
    const invitations = reportInvitations(wave);
    expect(waveStatistics(wave, [...invitations].reverse())).toEqual(stats);
  });
});

const reverseKeys = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    ) as T;
  }
  return value;
};

describe('buildReport', () => {
  const wave = reportWave();
  const invitations = reportInvitations(wave);

  it('should carry schemaVersion 1, generatedAt, the definitions and the statistics', () => {
    const report = buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z'));
    expect(report.schemaVersion).toBe(1);
    expect(report.generatedAt).toBe('2025-04-10T10:00:00.000Z');
    expect(report.definitions.satisfactionRate).toMatch(/satisfiedFrom/);
    expect(report.questionnaire).toMatchObject({
      id: 'itss-satisfaction',
      version: 1,
      satisfiedFrom: 'basically-satisfied',
    });
    expect(report.statistics.meanTotal).toBe(72.33);
  });

  it('should give the same bytes apart from generatedAt when regenerated from reordered data', () => {
    // DynamoDB keeps neither the order of a wave's map keys nor that of a query's items.
    const first = reportJson(buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z')));
    const second = reportJson(
      buildReport(
        reverseKeys(wave),
        reverseKeys([...invitations].reverse()),
        new Date('2025-04-11T11:00:00Z'),
      ),
    );
    expect(second).not.toBe(first);
    expect(second.replace('2025-04-11T11:00:00.000Z', '2025-04-10T10:00:00.000Z')).toBe(first);
  });

  it('should put the files under reports/{campaign}/{wave}/', () => {
    expect(reportKeys('demo', 'demo-20250401T0100')).toEqual({
      json: 'reports/demo/demo-20250401T0100/report.json',
      csv: 'reports/demo/demo-20250401T0100/responses.csv',
      html: 'reports/demo/demo-20250401T0100/report.html',
    });
  });
});
