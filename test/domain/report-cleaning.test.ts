import { describe, expect, it } from 'vitest';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import { responsesCsv } from '../../functions/domain/report/csv.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportEmail } from '../../functions/domain/report/email.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { waveStatistics } from '../../functions/domain/report/wave-tally.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { allAt, MIXED } from '../support/programme.ts';
import { ROWS, reportInvitations, reportWave } from './report-fixture.ts';

/*
 * The report fixture (n1 = 100, n2 = 77, s1 = 40 counted; s3 on another version; n3, s2 silent) plus two
 * responses data cleaning flagged, which must change nothing but the answered counts:
 *   n4 North, all very satisfied (100), straight-lining in 5 s, with a comment;
 *   s4 South, mixed (77), too fast (3 s).
 * n1 was judged too and passed (flags []), so a judged response that passed counts as before.
 */
function cleanedWave(language: 'en' | 'zh-CN' = 'en'): { wave: Wave; invitations: Invitation[] } {
  const base = reportWave({ language });
  const wave: Wave = {
    ...base,
    invited: 8,
    campaign: {
      ...base.campaign,
      cleaning: {
        rules: [
          { kind: 'straight-lining', withinSeconds: 30 },
          { kind: 'too-fast', minSeconds: 10 },
        ],
      },
    },
  };
  const invitations = reportInvitations(wave, [
    ...ROWS,
    {
      customer: 'n4',
      department: 'North',
      ratings: allAt('very-satisfied'),
      comments: { suggestions: 'flagged comment' },
      answeredAt: '2025-04-05T08:00:00.000Z',
    },
    { customer: 's4', department: 'South', ratings: MIXED, answeredAt: '2025-04-06T08:00:00.000Z' },
  ]);
  const judged: Record<string, Invitation['response']> = {};
  for (const i of invitations) judged[i.customer.id] = i.response;
  judged.n1!.cleaning = { flags: [], secondsTaken: 95 };
  judged.n4!.cleaning = { flags: ['straight-lining', 'too-fast'], secondsTaken: 5 };
  judged.s4!.cleaning = { flags: ['too-fast'], secondsTaken: 3 };
  return { wave, invitations };
}

describe('statistics with data cleaning', () => {
  const plain = reportWave();
  const before = waveStatistics(plain, reportInvitations(plain));
  const { wave, invitations } = cleanedWave();
  const stats = waveStatistics(wave, invitations);

  it('should count flagged responses as answered (return rate) and as cleaned, apart from misfits', () => {
    // 8 invited; answered n1, n2, s1 + flagged n4, s4 = 5 → 5 / 8 = 0.625; s3 still excluded.
    expect(stats).toMatchObject({ invited: 8, answered: 5, cleaned: 2, excluded: 1, returnRate: 0.625 });
    expect(stats.cleaningFlags).toEqual([
      { flag: 'straight-lining', count: 1 },
      { flag: 'too-fast', count: 2 },
      { flag: 'unverifiable-timing', count: 0 },
    ]);
  });

  it('should leave flagged responses out of every score, rate, grade, category and comment', () => {
    // Still (100 + 77 + 40) / 3 = 72.33 (C), 12 of 21 item answers satisfied.
    expect(stats.meanTotal).toBe(72.33);
    expect(stats.grade).toBe('C');
    expect(stats.ratedAnswers).toBe(21);
    expect(stats.satisfiedAnswers).toBe(12);
    expect(stats.satisfactionRate).toBe(before.satisfactionRate);
    expect(stats.grades).toEqual(before.grades);
    expect(stats.categories).toEqual(before.categories);
    expect(stats.comments).toEqual(before.comments);
    expect(stats.comments.map((c) => c.text)).not.toContain('flagged comment');
  });

  it('should count them per department too', () => {
    expect(stats.departments).toEqual([
      // North: n1, n2 counted, n4 flagged of 4 invited → 3 / 4; (100 + 77) / 2 = 88.5 (B)
      {
        department: 'North',
        invited: 4,
        emailed: 4,
        answered: 3,
        cleaned: 1,
        returnRate: 0.75,
        meanTotal: 88.5,
        meanRaw: 88.5,
        targetMet: null,
        grade: 'B',
        satisfactionRate: 0.8571,
      },
      // South: s1 counted, s4 flagged, s3 excluded, s2 silent → 2 / 4; 40 (D)
      {
        department: 'South',
        invited: 4,
        emailed: 4,
        answered: 2,
        cleaned: 1,
        returnRate: 0.5,
        meanTotal: 40,
        meanRaw: 40,
        targetMet: null,
        grade: 'D',
        satisfactionRate: 0,
      },
    ]);
  });

  it('should put the rules and the counts in report.json, with their definitions', () => {
    const report = buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z'));
    expect(report.cleaning).toEqual({
      rules: [
        { kind: 'straight-lining', withinSeconds: 30 },
        { kind: 'too-fast', minSeconds: 10 },
      ],
    });
    expect(report.statistics).toMatchObject({ answered: 5, cleaned: 2 });
    expect(report.definitions.cleaned).toMatch(/data-cleaning/);
    expect(buildReport(plain, reportInvitations(plain), new Date()).cleaning).toBeNull();
    expect(buildReport(plain, reportInvitations(plain), new Date()).statistics.cleaned).toBe(0);
  });
});

describe('responses.csv with data cleaning', () => {
  const { wave, invitations } = cleanedWave();
  const lines = responsesCsv(wave, invitations).slice(1).split('\r\n').filter(Boolean);

  it('should list flagged responses too, with what flagged them in the last column', () => {
    expect(lines[0]?.endsWith(',Data cleaning')).toBe(true);
    // n1, n2, s1, n4, s4 by time of answer; s3 (another version) is still left out.
    expect(lines).toHaveLength(6);
    const byId = (customer: string) => lines.find((l) => l.startsWith(invitationId(wave.waveId, customer)))!;
    expect(byId('n4').endsWith(',every item at the same level and answered quickly; answered too fast')).toBe(
      true,
    );
    expect(byId('s4').endsWith(',answered too fast')).toBe(true);
    expect(byId('n1').endsWith(',')).toBe(true);
    expect(byId('n2').endsWith(',')).toBe(true);
  });

  it('should name the flags in Chinese for a Chinese report', () => {
    const zh = cleanedWave('zh-CN');
    const text = responsesCsv(zh.wave, zh.invitations);
    expect(text.split('\r\n')[0]?.endsWith(',数据清洗')).toBe(true);
    expect(text).toContain(',所有项目选同一等级且作答过快；作答过快\r\n');
  });
});

describe('report.html and the email with data cleaning', () => {
  const NOTE_EN =
    '2 response(s) excluded by data cleaning (every item at the same level and answered quickly: 1; answered too fast: 2): kept and counted in the return rate, left out of scores and rates.';
  const NOTE_ZH =
    '2 份回复经数据清洗判为无效（所有项目选同一等级且作答过快 1 份；作答过快 2 份）：已保留并计入回收率，未计入得分和满意率。';

  const render = (language: 'en' | 'zh-CN') => {
    const { wave, invitations } = cleanedWave(language);
    const report = buildReport(wave, invitations, new Date('2025-04-10T10:00:00Z'));
    const email = reportEmail({
      report,
      from: { name: 'Quality', address: 'survey@example.com' },
      managers: ['boss@staff.example'],
      htmlUrl: 'https://survey.example.test/r/a',
      csvUrl: 'https://survey.example.test/r/b',
      linksExpireAt: new Date('2025-04-17T10:00:00Z'),
      now: new Date('2025-04-10T10:00:00Z'),
    });
    return { html: reportHtml(report), email };
  };

  it('should say how many were excluded and why, in English', () => {
    const { html, email } = render('en');
    expect(html).toContain(`<p class="note" id="cleaned">${NOTE_EN}</p>`);
    expect(html).toContain('<b>5 / 8</b>');
    expect(email.text).toContain(NOTE_EN);
    expect(email.html).toContain(NOTE_EN);
  });

  it('should say it in Chinese', () => {
    const { html, email } = render('zh-CN');
    expect(html).toContain(NOTE_ZH);
    expect(email.text).toContain(NOTE_ZH);
    expect(email.html).toContain(NOTE_ZH);
  });

  it('should say nothing about cleaning when nothing was flagged', () => {
    const plain = reportWave();
    const report = buildReport(plain, reportInvitations(plain), new Date('2025-04-10T10:00:00Z'));
    expect(reportHtml(report)).not.toContain('data cleaning');
  });
});
