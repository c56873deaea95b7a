import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import type { Questionnaire } from '../../functions/domain/questionnaire.ts';
import { periodResponsesCsv, periodResponsesWriter } from '../../functions/domain/report/csv.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { itssV2, MIXED } from '../support/programme.ts';
import { ROWS, reportInvitations, reportWave } from './report-fixture.ts';

/*
 * Two waves of April 2025 on different questionnaire versions:
 *   older (1 Apr, itss v1): the rows of report-fixture.ts, and n5 answering late (20 Apr 10:00)
 *   newer (15 Apr, v3 below): drops "consulting" and the dissatisfaction question, adds "training" and a
 *   single-choice "channel"; b1 North 16 Apr, b2 South 18 Apr, b3 North 20 Apr 10:00 (the time of n5)
 */
const v3: Questionnaire = {
  ...itssV2,
  version: 3,
  categories: [
    ...itssV2.categories.filter((c) => c.id !== 'consulting'),
    { id: 'training', label: { en: 'Training', 'zh-CN': '培训' }, weight: 5, required: false },
  ],
  choiceQuestions: [
    {
      id: 'channel',
      label: { en: 'How did you hear of us?', 'zh-CN': '您如何得知我们？' },
      options: [
        { id: 'web', label: { en: 'Website', 'zh-CN': '网站' } },
        { id: 'fair', label: { en: 'Trade fair', 'zh-CN': '展会' } },
      ],
      required: false,
    },
  ],
  openQuestions: itssV2.openQuestions.filter((o) => o.id === 'suggestions'),
};

const older = reportWave();
const newer: Wave = {
  ...reportWave({ waveId: 'demo-20250415T0100' }),
  createdAt: '2025-04-15T01:00:00.000Z',
  deadline: '2025-04-29T01:00:00.000Z',
  questionnaire: v3,
};

const LATE = '2025-04-20T10:00:00.000Z';

function newerInvitations(suggestions: Record<string, string> = {}): Invitation[] {
  const ratings = { quality: 'satisfied', training: 'very-satisfied' };
  const rows = [
    { customer: 'b1', department: 'North', answeredAt: '2025-04-16T08:00:00.000Z' },
    { customer: 'b2', department: 'South', answeredAt: '2025-04-18T08:00:00.000Z' },
    { customer: 'b3', department: 'North', answeredAt: LATE },
    { customer: 'b4', department: 'South' },
  ].map((r) => ({
    ...r,
    ...(r.answeredAt ? { ratings } : {}),
    comments: (suggestions[r.customer] === undefined
      ? {}
      : { suggestions: suggestions[r.customer] }) as Record<string, string>,
  }));
  return reportInvitations(newer, rows).map((i) =>
    i.customer.id === 'b1' && i.response
      ? { ...i, response: { ...i.response, choices: { channel: 'fair' } } }
      : i,
  );
}

const olderInvitations = (extra: Parameters<typeof reportInvitations>[1] = []) =>
  reportInvitations(older, [
    ...ROWS,
    {
      customer: 'n5',
      department: 'North',
      ratings: MIXED,
      answeredAt: LATE,
      comments: { suggestions: 'Late' },
    },
    ...(extra ?? []),
  ]);

/** The waves newest first: the columns must follow createdAt, not the order given. */
const waves = (suggestions: Record<string, string> = {}) => [
  { wave: newer, invitations: newerInvitations(suggestions) },
  { wave: older, invitations: olderInvitations() },
];

const read = (csv: string): string[][] => parse(csv, { bom: true });

const id = (wave: Wave, customer: string) => invitationId(wave.waveId, customer);

const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];

describe('periodResponsesCsv', () => {
  const csv = periodResponsesCsv(waves(), { language: 'en' });
  const rows = read(csv);
  const header = rows[0]!;
  const row = (customer: string) => {
    const found = rows.find((r) => r[1] === id(older, customer) || r[1] === id(newer, customer));
    if (!found) throw new Error(`no row for ${customer}`);
    return Object.fromEntries(header.map((h, i) => [h, found[i]]));
  };

  it('should start with a UTF-8 byte-order mark, end lines with CRLF and give the same bytes twice', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n').length).toBe(rows.length + 1);
    expect(periodResponsesCsv(waves(), { language: 'en' })).toBe(csv);
    expect(periodResponsesCsv([...waves()].reverse(), { language: 'en' })).toBe(csv);
  });

  it('should put the wave first, then the latest questionnaire’s items, then those only older versions had', () => {
    expect(header).toEqual([
      'Wave',
      'Invitation',
      'Department',
      'Department id',
      'Language',
      'Answered at',
      'Total',
      'Grade',
      'Quality',
      'Performance',
      'Price',
      'Delivery',
      'Operation & maintenance service',
      'Technical support',
      'Training',
      'Consulting',
      'How did you hear of us?',
      'Any suggestions or other requirements?',
      'If anything fell short, please tell us why',
      'Data cleaning',
    ]);
    for (const r of rows) expect(r).toHaveLength(header.length);
  });

  it('should list the fitting responses of every wave by time of answer, then invitation id', () => {
    const late = [
      [older.waveId, id(older, 'n5')],
      [newer.waveId, id(newer, 'b3')],
    ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1));
    expect(rows.slice(1).map((r) => r.slice(0, 2))).toEqual([
      [older.waveId, id(older, 'n1')],
      [older.waveId, id(older, 'n2')],
      [older.waveId, id(older, 's1')],
      [newer.waveId, id(newer, 'b1')],
      [newer.waveId, id(newer, 'b2')],
      ...late,
    ]);
    // s3 answered another version: left out, as in the wave's own file.
    expect(csv).not.toContain(id(older, 's3'));
  });

  it('should leave the columns a response’s own questionnaire lacks empty', () => {
    expect(row('n2')).toMatchObject({
      Wave: older.waveId,
      Department: 'North',
      Total: '77',
      Grade: 'C',
      Consulting: 'Very dissatisfied',
      Training: '',
      'How did you hear of us?': '',
      'If anything fell short, please tell us why': 'Delivery was late\nand incomplete',
      'Any suggestions or other requirements?': '',
    });
    expect(row('b1')).toMatchObject({
      Wave: newer.waveId,
      Quality: 'Satisfied',
      Performance: '',
      Training: 'Very satisfied',
      Consulting: '',
      'How did you hear of us?': 'Trade fair',
      'If anything fell short, please tell us why': '',
    });
  });

  it('should write the headers and levels in the language asked for', () => {
    const zh = read(periodResponsesCsv(waves(), { language: 'zh-CN' }));
    expect(zh[0]?.slice(0, 9)).toEqual([
      '批次',
      '邀请编号',
      '部门',
      '部门编号',
      '语言',
      '回复时间',
      '总分',
      '等级',
      '质量',
    ]);
    expect(zh[0]).toContain('培训');
    expect(zh[1]?.[8]).toBe('非常满意');
  });

  it('should name departments by the display names given, in the language asked for', () => {
    // Arrange
    const departmentNames = { South: { 'zh-CN': '南方大区', en: 'South region' } };
    // Act
    const zh = read(periodResponsesCsv(waves(), { language: 'zh-CN', department: 'South', departmentNames }));
    const en = read(periodResponsesCsv(waves(), { language: 'en', department: 'South', departmentNames }));
    // Assert: the name, then the id the analysis can rely on.
    expect(zh.slice(1).map((r) => r.slice(2, 4))).toEqual([
      ['南方大区', 'South'],
      ['南方大区', 'South'],
    ]);
    expect(en.slice(1).map((r) => r.slice(2, 4))).toEqual([
      ['South region', 'South'],
      ['South region', 'South'],
    ]);
  });

  it('should hold nothing of another department in a department’s file', () => {
    const south = periodResponsesCsv(waves(), { language: 'en', department: 'South' });
    const southRows = read(south);
    expect(southRows.slice(1).map((r) => r[1])).toEqual([id(older, 's1'), id(newer, 'b2')]);
    expect(southRows.slice(1).every((r) => r[2] === 'South')).toBe(true);
    const north = [...olderInvitations(), ...newerInvitations()].filter(
      (i) => i.customer.department === 'North',
    );
    for (const i of north) expect(south).not.toContain(i.id);
    for (const text of ['North', 'Keep it up', 'Delivery was late', 'Late', 'Trade fair']) {
      expect(south).not.toContain(text);
    }
  });

  it('should write only the header for a period without responses, or without waves', () => {
    expect(read(periodResponsesCsv(waves(), { language: 'en', department: 'West' }))).toHaveLength(1);
    expect(read(periodResponsesCsv([], { language: 'en' }))).toEqual([
      [
        'Wave',
        'Invitation',
        'Department',
        'Department id',
        'Language',
        'Answered at',
        'Total',
        'Grade',
        'Data cleaning',
      ],
    ]);
  });

  it('should neutralise formulas in every column, department included', () => {
    const hostile = periodResponsesCsv(
      [
        {
          wave: newer,
          invitations: newerInvitations({ b1: '=HYPERLINK("http://evil.example","x")', b2: '@SUM(1)' }),
        },
        {
          wave: older,
          invitations: olderInvitations([
            {
              customer: 'h1',
              department: '+cmd|/c calc',
              ratings: MIXED,
              comments: { dissatisfaction: '-2+3', suggestions: '\tTabbed' },
            },
            { customer: 'h2', department: '\rCarriage', ratings: MIXED, comments: { suggestions: '=1+1' } },
          ]),
        },
      ],
      { language: 'en' },
    );
    const cells = read(hostile).slice(1).flat();
    expect(cells).toEqual(
      expect.arrayContaining([
        `'=HYPERLINK("http://evil.example","x")`,
        "'@SUM(1)",
        "'+cmd|/c calc",
        "'-2+3",
        "'\tTabbed",
        "'\rCarriage",
        "'=1+1",
      ]),
    );
    for (const cell of cells) expect(FORMULA_STARTS.includes(cell[0] ?? '')).toBe(false);
  });

  it('should round-trip any comment, with a quote added exactly when it starts a formula', () => {
    const comment = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.tuple(fc.constantFrom(...FORMULA_STARTS), fc.string({ unit: 'binary' })).map(([a, b]) => a + b),
    );
    const column = header.indexOf('Any suggestions or other requirements?');
    fc.assert(
      fc.property(comment, (text) => {
        const parsed = read(periodResponsesCsv(waves({ b2: text }), { language: 'en' }));
        const cell = parsed.find((r) => r[1] === id(newer, 'b2'))![column];
        expect(cell).toBe(FORMULA_STARTS.includes(text[0] ?? '') ? `'${text}` : text);
      }),
    );
  });

  it('should give the same bytes written a page at a time, however the answers are split into pages', () => {
    const all = waves().flatMap((x) => x.invitations);
    // The store's pages come in answer order (then invitation id); unanswered invitations never come.
    const answered = all
      .filter((i) => i.response)
      .sort(
        (a, b) =>
          a.response!.answeredAt.localeCompare(b.response!.answeredAt) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: answered.length - 1 }), { maxLength: answered.length }),
        fc.constantFrom(undefined, 'North', 'South'),
        (cuts, department) => {
          const edges = [0, ...[...cuts].sort((a, b) => a - b), answered.length];
          const writer = periodResponsesWriter(
            waves().map((x) => x.wave),
            { language: 'en', department },
          );
          const paged =
            writer.head +
            edges
              .slice(1)
              .map((end, k) => writer.rows(answered.slice(edges[k], end)))
              .join('');
          expect(paged).toBe(
            periodResponsesCsv(waves(), { language: 'en', ...(department ? { department } : {}) }),
          );
        },
      ),
    );
  });
});
