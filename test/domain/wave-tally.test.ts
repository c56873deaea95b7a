import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnonymousResponse,
  AnonymousStandIns,
  asAnsweredInvitation,
  reportInvitations,
} from '../../functions/domain/anonymity.ts';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { WAVE_COMMENTS, WaveTally } from '../../functions/domain/report/wave-tally.ts';
import { answeredWithTotals, reportInvitations as fixtureInvitations, reportWave } from './report-fixture.ts';

const NOW = new Date('2025-04-20T00:00:00.000Z');

/** Answered invitations of `department` whose comments (question suggestions) say their total. */
function answered(wave: Wave, department: string, totals: number[], tag = department): Invitation[] {
  return answeredWithTotals(wave, totals).map((i, k) => ({
    ...i,
    id: `${tag}-${k}`,
    customer: { ...i.customer, department },
  }));
}

describe('WaveTally comments', () => {
  it('should quote the lowest WAVE_COMMENTS of a question, lowest first, and say how many it left out', () => {
    // Arrange: 25 comments, totals 99 down to 75, given in no order.
    const wave = reportWave();
    const totals = Array.from({ length: WAVE_COMMENTS + 5 }, (_, k) => 75 + ((k * 7) % 25));

    // Act
    const report = buildReport(wave, answered(wave, 'North', totals), NOW);

    // Assert
    const quoted = report.statistics.comments.map((c) => c.total);
    expect(quoted).toEqual(Array.from({ length: WAVE_COMMENTS }, (_, k) => 75 + k));
    expect(report.statistics.commentsOmitted).toBe(5);
    expect(report.definitions).toHaveProperty('commentsOmitted');
    expect(reportHtml(report)).toContain(
      `5 more comments are not listed (each question lists the ${WAVE_COMMENTS} of the lowest totals)`,
    );
  });

  it('should say nothing of omitted comments when none is left out (the reports stay as they were)', () => {
    const wave = reportWave();
    const report = buildReport(wave, fixtureInvitations(wave), NOW);
    expect(report.statistics).not.toHaveProperty('commentsOmitted');
    expect(report.definitions).not.toHaveProperty('commentsOmitted');
  });

  it('should fill an anonymous wave’s quota from the departments shown, not lose it to a withheld one', () => {
    // Arrange: a withheld department (2 responses, below 5) with the lowest totals and many comments… of
    // its own; the shown departments' comments must still fill the quota.
    const base = reportWave();
    const wave: Wave = { ...base, campaign: { ...base.campaign, anonymous: true, minGroupSize: 5 } };
    const invitations = [
      ...answered(wave, 'Tiny', [1, 2], 'tiny'),
      ...answered(
        wave,
        'North',
        Array.from({ length: 15 }, (_, k) => 50 + k),
      ),
      ...answered(
        wave,
        'South',
        Array.from({ length: 15 }, (_, k) => 60 + k),
      ),
      // Withheld too, as the next smallest (so Tiny cannot be worked out from the totals).
      ...answered(
        wave,
        'East',
        Array.from({ length: 6 }, (_, k) => 3 + k),
        'east',
      ),
    ];

    // Act
    const s = buildReport(wave, invitations, NOW).statistics;

    // Assert
    expect(s.withheldDepartments?.count).toBe(2);
    expect(s.comments).toHaveLength(WAVE_COMMENTS);
    expect(s.comments.every((c) => c.department === 'North' || c.department === 'South')).toBe(true);
    const shown = [
      ...Array.from({ length: 15 }, (_, k) => 50 + k),
      ...Array.from({ length: 15 }, (_, k) => 60 + k),
    ];
    expect(s.comments.map((c) => c.total)).toEqual(shown.sort((a, b) => a - b).slice(0, WAVE_COMMENTS));
    expect(s.commentsOmitted).toBe(30 - WAVE_COMMENTS);
  });

  it('should count departments named like Object.prototype members as departments', () => {
    const wave = reportWave();
    const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];
    const tally = new WaveTally(wave.questionnaire);
    for (const name of names) for (const i of answered(wave, name, [70, 80], name)) tally.addInvitation(i);
    const s = tally.statistics();
    expect(s.departments.map((d) => [d.department, d.invited, d.answered, d.meanTotal])).toEqual(
      [...names].sort().map((n) => [n, 2, 2, 75]),
    );
  });
});

describe('AnonymousStandIns', () => {
  const departments = ['North', 'South', '__proto__'];
  const segments = [[], ['key'], ['key', 'new']] as const;
  const invitationArb = fc.record({
    department: fc.constantFrom(...departments),
    segments: fc.constantFrom(...segments),
    emailed: fc.boolean(),
  });
  const responseArb = fc.record({
    department: fc.constantFrom(...departments, 'West'),
    segments: fc.constantFrom(...segments),
  });

  const wave = reportWave();
  const invitationOf = (
    x: { department: string; segments: readonly string[]; emailed: boolean },
    k: number,
  ) =>
    ({
      ...fixtureInvitations(wave)[0]!,
      id: `i${k}`,
      customer: {
        id: `c${k}`,
        name: '',
        email: '',
        language: 'en',
        department: x.department,
        ...(x.segments.length > 0 ? { segments: [...x.segments] } : {}),
      },
      sent: x.emailed ? { invite: wave.createdAt } : {},
    }) as Invitation;
  const responseOf = (
    x: { department: string; segments: readonly string[] },
    k: number,
  ): AnonymousResponse => ({
    id: `r${k}`,
    campaignId: wave.campaignId,
    waveId: wave.waveId,
    department: x.department,
    ...(x.segments.length > 0 ? { segments: [...x.segments] as AnonymousResponse['segments'] } : {}),
    response: { ...answeredWithTotals(wave, [70])[0]!.response!, answeredAt: '2025-04-02T00:00:00.000Z' },
  });

  /** Per department: [invited, emailed] as the report counts them. */
  function counted(invitations: Invitation[]): Map<string, [number, number]> {
    const tally = new WaveTally(wave.questionnaire);
    for (const i of invitations) tally.addInvitation(i);
    return new Map(tally.statistics().departments.map((d) => [d.department, [d.invited, d.emailed]]));
  }

  function byCounts(
    invitations: Invitation[],
    responses: AnonymousResponse[],
  ): Map<string, [number, number]> {
    const standIns = new AnonymousStandIns();
    for (const i of invitations) standIns.addInvitation(i);
    for (const r of responses) standIns.take(r);
    const tally = new WaveTally(wave.questionnaire);
    for (const r of responses) tally.addInvitation(asAnsweredInvitation(r));
    for (const { department, invited, emailed } of standIns.remaining())
      tally.addUnanswered(department, invited, emailed);
    return new Map(tally.statistics().departments.map((d) => [d.department, [d.invited, d.emailed]]));
  }

  it('should count invited per department as reportInvitations does, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(invitationArb, { maxLength: 30 }),
        fc.array(responseArb, { maxLength: 30 }),
        (is, rs) => {
          const invitations = is.map(invitationOf);
          const responses = rs.map(responseOf);
          const expected = counted(reportInvitations(invitations, responses));
          const actual = byCounts(invitations, responses);
          expect(new Map([...actual].map(([d, [invited]]) => [d, invited]))).toEqual(
            new Map([...expected].map(([d, [invited]]) => [d, invited])),
          );
        },
      ),
    );
  });

  it('should count invited and emailed exactly as reportInvitations does when no customer has segments', () => {
    fc.assert(
      fc.property(
        fc.array(invitationArb, { maxLength: 30 }),
        fc.array(responseArb, { maxLength: 30 }),
        (is, rs) => {
          const invitations = is.map((x, k) => invitationOf({ ...x, segments: [] }, k));
          const responses = rs.map((x, k) => responseOf({ ...x, segments: [] }, k));
          expect(byCounts(invitations, responses)).toEqual(
            counted(reportInvitations(invitations, responses)),
          );
        },
      ),
    );
  });
});
