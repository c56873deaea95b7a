import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anonymised,
  anonymousResponseId,
  minGroupSizeOf,
  reportInvitations,
} from '../../functions/domain/anonymity.ts';
import { invitationEmail } from '../../functions/domain/email/invitation.ts';
import type { Invitation, StoredResponse } from '../../functions/domain/model.ts';
import { surveyPage } from '../../functions/domain/pages/survey-page.ts';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { withholdPeriod } from '../../functions/domain/report/period-withholding.ts';
import type { WaveStatistics } from '../../functions/domain/report/statistics.ts';
import { withholdSmallGroups } from '../../functions/domain/report/withholding.ts';
import cnMainland from '../../programme/calendars/cn-mainland.json' with { type: 'json' };
import demoJson from '../../programme/campaigns/demo.json' with { type: 'json' };
import itssV1 from '../../programme/questionnaires/itss-satisfaction.v1.json' with { type: 'json' };
import { demoCampaign, itss, MIXED } from '../support/programme.ts';

const response = (over: Partial<StoredResponse> = {}): StoredResponse => ({
  answeredAt: '2025-06-03T14:15:16.789Z',
  ratings: MIXED,
  comments: {},
  total: 77,
  grade: 'C',
  language: 'en',
  questionnaireVersion: 1,
  ...over,
});

const load = (campaign: Record<string, unknown>) =>
  loadProgramme({
    calendars: { 'programme/calendars/cn-mainland.json': cnMainland },
    questionnaires: { 'programme/questionnaires/q.json': itssV1 },
    campaigns: { 'programme/campaigns/c.json': campaign },
  });

describe('anonymous campaign settings', () => {
  it('should default minGroupSize to 5 for an anonymous campaign, and have none otherwise', () => {
    const [anonymous] = load({ ...demoJson, anonymous: true }).campaigns;
    const [sized] = load({ ...demoJson, anonymous: true, minGroupSize: 3 }).campaigns;
    const [plain] = load(demoJson).campaigns;
    expect(minGroupSizeOf(anonymous!)).toBe(5);
    expect(minGroupSizeOf(sized!)).toBe(3);
    expect(minGroupSizeOf(plain!)).toBeUndefined();
  });

  it('should refuse a minGroupSize that is not a whole number of at least 2, and anonymous not a boolean', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: 1 }), fc.double({ noInteger: true }), fc.string(), fc.constant(null)),
        (minGroupSize) => {
          try {
            load({ ...demoJson, anonymous: true, minGroupSize });
          } catch (e) {
            expect(e).toBeInstanceOf(ProgrammeError);
            expect((e as ProgrammeError).problems).toEqual([
              'programme/campaigns/c.json: minGroupSize: must be a whole number of at least 2',
            ]);
            return;
          }
          throw new Error(`accepted ${String(minGroupSize)}`);
        },
      ),
    );
    expect(() => load({ ...demoJson, anonymous: 'yes' })).toThrow(/anonymous: must be true or false/);
  });
});

describe('anonymous responses', () => {
  it('should keep only the UTC day of the answer and drop the seconds taken', () => {
    const at = new Date('2025-06-03T23:59:59.999Z');
    const stored = anonymised(response({ cleaning: { flags: ['too-fast'], secondsTaken: 4.321 } }), at);
    expect(stored.answeredAt).toBe('2025-06-03T00:00:00.000Z');
    expect(stored.cleaning).toEqual({ flags: ['too-fast'] });
    expect(stored.ratings).toEqual(MIXED);
  });

  it('should derive a response id that only the secret links to its invitation', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (secret, id) => {
        const r = anonymousResponseId(secret, id);
        expect(r).toMatch(/^[\w-]{22}$/);
        expect(anonymousResponseId(secret, id)).toBe(r);
        expect(r).not.toContain(id.length >= 4 ? id : '\u0000');
        expect(anonymousResponseId(`${secret}x`, id)).not.toBe(r);
      }),
    );
  });

  it('should count each response in place of an emailed invitation of its department', () => {
    const invitation = (id: string, department: string, emailed: boolean): Invitation => ({
      id,
      campaignId: 'demo',
      waveId: 'w',
      customer: { id, name: id, email: `${id}@x.test`, language: 'en', department },
      createdAt: '2025-06-01T00:00:00.000Z',
      expiresAt: '2025-06-15T00:00:00.000Z',
      sent: emailed ? { invite: '2025-06-01T00:00:00.000Z' } : {},
    });
    const counted = reportInvitations(
      [invitation('b', 'east', false), invitation('a', 'east', true), invitation('c', 'north', true)],
      [
        { id: 'r1', campaignId: 'demo', waveId: 'w', department: 'east', response: response() },
        { id: 'r2', campaignId: 'demo', waveId: 'w', department: 'north', response: response() },
      ],
    );
    // Invited 3, emailed 2 (one not yet), answered 2: what the invitations and responses say.
    expect(counted.map((i) => [i.id, i.customer.department, Boolean(i.response)])).toEqual([
      ['b', 'east', false],
      ['r1', 'east', true],
      ['r2', 'north', true],
    ]);
    expect(
      counted.filter((i) => i.response).every((i) => i.customer.id === '' && i.customer.email === ''),
    ).toBe(true);
  });
});

describe('withholdSmallGroups', () => {
  const group = (department: string, answered: number) => ({
    department,
    invited: answered + 1,
    answered,
    cleaned: 0,
    returnRate: 0.5,
    meanTotal: 80,
    meanRaw: 80,
    targetMet: null,
    grade: 'C' as const,
    satisfactionRate: 0.9,
  });
  const stats = (departments: ReturnType<typeof group>[]) =>
    ({
      ...group(
        '',
        departments.reduce((s, d) => s + d.answered, 0),
      ),
      departments,
      comments: departments.map((d) => ({
        questionId: 'suggestions',
        text: `from ${d.department}`,
        language: 'en',
        department: d.department,
        total: 80,
        grade: 'C',
        answeredAt: '2025-06-03T00:00:00.000Z',
        invitationId: 'x',
      })),
    }) as unknown as WaveStatistics;

  it('should withhold a department of fewer than minGroupSize responses unnamed, keeping the totals', () => {
    const shown = withholdSmallGroups(stats([group('east', 6), group('south', 9), group('north', 2)]), 5);
    expect(shown.answered).toBe(17);
    // north is small; east, the next smallest, goes too, or the totals minus south would give north away.
    expect(shown.departments).toEqual([group('south', 9)]);
    expect(shown.withheldDepartments).toEqual({ count: 2, note: 'withheld: fewer than 5 responses' });
    expect(shown.comments.map((c) => c.department)).toEqual(['south']);
    expect(JSON.stringify(shown)).not.toMatch(/north|east/);
    expect(shown.commentsWithheld).toBeUndefined();
  });

  it('should withhold no second group when two or more are small, nor when none is', () => {
    const two = withholdSmallGroups(stats([group('east', 6), group('north', 2), group('west', 1)]), 5);
    expect(two.departments.map((d) => d.department)).toEqual(['east']);
    expect(two.withheldDepartments?.count).toBe(2);
    expect(
      withholdSmallGroups(stats([group('east', 6), group('north', 7)]), 5).withheldDepartments,
    ).toBeUndefined();
  });

  it('should withhold every comment when the whole wave has fewer responses than minGroupSize', () => {
    const shown = withholdSmallGroups(stats([group('east', 2), group('north', 1)]), 5);
    expect(shown.comments).toEqual([]);
    expect(shown.commentsWithheld).toBe('withheld: fewer than 5 responses');
  });

  it('should show a group of exactly minGroupSize, and change nothing for a campaign that is not anonymous', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 0, max: 60 }), (min, n) => {
        const s = stats([group('east', n), group('north', 60)]);
        const shown = withholdSmallGroups(s, min);
        // east small: both withheld (north too, or the totals would give east away).
        expect(shown.departments.length).toBe(n < min ? 0 : 2);
        expect(withholdSmallGroups(s, undefined)).toBe(s);
      }),
    );
  });
});

describe('what the customer and the managers read', () => {
  const view = {
    questionnaire: itss,
    customerName: 'Alice Morgan',
    expiresAt: '2025-01-15T09:00:00.000Z',
    timeZone: 'Asia/Shanghai',
    wave: { campaignId: 'demo', waveId: 'demo-20250101T0100' },
  };

  it('should say on the survey page that the survey is anonymous, in the page’s language', () => {
    expect(surveyPage({ ...view, language: 'en', anonymous: true })).toContain(
      '<p class="anonymous">This survey is anonymous: your answers are stored apart from your name and email',
    );
    expect(surveyPage({ ...view, language: 'zh-CN', anonymous: true })).toContain(
      '<p class="anonymous">本调查为匿名调查',
    );
    expect(surveyPage({ ...view, language: 'en' })).not.toContain('anonymous');
  });

  it('should say in the invitation and the reminder that the survey is anonymous, in the customer’s language', () => {
    const email = (language: 'en' | 'zh-CN', anonymous: boolean, step: 'invite' | 'remind-1' = 'invite') =>
      invitationEmail({
        invitationId: 'AAAAAAAAAAAAAAAAAAAAAA',
        customer: { id: 'c1', name: 'Alice', email: 'a@example.com', language, department: 'north-region' },
        campaign: { ...demoCampaign, anonymous },
        deadline: '2025-01-15T01:00:00.000Z',
        surveyUrl: 'https://survey.example.test/s/x',
        unsubscribeUrl: 'https://survey.example.test/u/x',
        now: new Date('2025-01-01T01:00:00.000Z'),
        step,
      });
    expect(email('en', true).text).toContain('This survey is anonymous');
    expect(email('en', true, 'remind-1').html).toContain('This survey is anonymous');
    expect(email('zh-CN', true).html).toContain('本调查为匿名调查');
    expect(email('en', false).text).not.toContain('anonymous');
  });

  it('should render a withheld department and withheld comments in report.html, in the report’s language', () => {
    const wave = {
      campaignId: 'demo',
      waveId: 'demo-20250601T0100',
      createdAt: '2025-06-01T01:00:00.000Z',
      deadline: '2025-06-15T01:00:00.000Z',
      campaign: { ...demoCampaign, anonymous: true, minGroupSize: 3 },
      questionnaire: itss,
      invited: 2,
    };
    const answered: Invitation[] = ['a', 'b'].map((id) => ({
      id,
      campaignId: 'demo',
      waveId: wave.waveId,
      customer: { id: '', name: '', email: '', language: 'en', department: 'north-region' },
      createdAt: '2025-06-03T00:00:00.000Z',
      expiresAt: '2025-06-03T00:00:00.000Z',
      sent: {},
      response: response({ comments: { suggestions: `note ${id}` } }),
    }));
    const page = reportHtml(buildReport(wave, answered, new Date('2025-06-04T00:00:00.000Z')));
    expect(page).toContain('<tr class="withheld"><td>1</td><td colspan="4">已隐去：回答少于 3 份</td>');
    expect(page).not.toContain('north-region');
    expect(page).toContain('<p class="note withheld">已隐去：回答少于 3 份</p>');
    expect(page).not.toContain('note a');
  });
});

describe('withholdPeriod', () => {
  const figures = (answered: number) => ({ invited: answered + 2, answered, cleaned: 0, meanTotal: 80 });
  const doc = (department: string | null, answered: Record<string, number>) => {
    const total = Object.values(answered).reduce((s, n) => s + n, 0);
    return {
      department,
      definitions: {},
      statistics: {
        ...figures(total),
        grades: [{ grade: 'A', count: total }],
        cleaningFlags: [],
        categories: [{ id: 'quality' }],
        departments: Object.entries(answered).map(([d, n]) => ({ department: d, ...figures(n) })),
        segments: [{ segment: 'key', ...figures(1) }],
        trend: [],
        comments: Object.keys(answered).map((d) => ({ department: d, text: `from ${d}` })),
      },
    } as unknown as PeriodReportDocument;
  };

  it('should count small departments and list small segments as withheld, keeping the totals', () => {
    const shown = withholdPeriod(doc(null, { east: 6, north: 2, south: 9 }), 5);
    expect(shown.statistics.answered).toBe(17);
    expect(shown.statistics.departments.map((d) => d.department)).toEqual(['south']);
    expect(shown.statistics.segments).toEqual([]);
    expect(shown.withheld).toMatchObject({ departments: 2, segments: ['key'], scope: false });
    expect(shown.statistics.comments.map((c) => c.department)).toEqual(['south']);
    expect(JSON.stringify(shown)).not.toMatch(/north|east/);
  });

  it('should keep only the counts of a department’s own report under minGroupSize', () => {
    const shown = withholdPeriod(doc('north', { north: 2 }), 5);
    expect(shown.withheld?.scope).toBe(true);
    expect(shown.statistics).toMatchObject({
      invited: 4,
      answered: 2,
      meanTotal: null,
      categories: [],
      comments: [],
    });
    expect(shown.statistics.grades).toEqual([{ grade: 'A', count: 0 }]);
  });

  it('should change nothing when the campaign is not anonymous or no group is small', () => {
    const d = doc(null, { east: 6, north: 7 });
    expect(withholdPeriod(d, undefined)).toBe(d);
    expect(
      withholdPeriod({ ...d, statistics: { ...d.statistics, segments: [] } }, 5).withheld,
    ).toBeUndefined();
  });
});
