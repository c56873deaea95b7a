import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, responsesCsv } from '../../functions/domain/report/csv.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { MIXED } from '../support/programme.ts';
import { reportInvitations, reportWave } from './report-fixture.ts';

/** A strict RFC 4180 reader, enough to check what a spreadsheet would see in each cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];

describe('neutraliseCell', () => {
  it.each(FORMULA_STARTS)('should put a quote before a cell starting with %j', (start) => {
    expect(neutraliseCell(`${start}1+1`)).toBe(`'${start}1+1`);
  });

  it('should leave other cells alone', () => {
    expect(neutraliseCell('Delivery was late')).toBe('Delivery was late');
    expect(neutraliseCell('')).toBe('');
    expect(neutraliseCell("'=already quoted")).toBe("'=already quoted");
  });

  it('should never return a cell a spreadsheet reads as a formula, and keep the text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = neutraliseCell(s);
        expect(FORMULA_STARTS.includes(out[0] ?? '')).toBe(false);
        expect(out === s || out === `'${s}`).toBe(true);
      }),
    );
  });
});

describe('responsesCsv', () => {
  const wave = reportWave();
  const invitations = reportInvitations(wave);
  const csv = responsesCsv(wave, invitations);
  const rows = parseCsv(csv.slice(1));

  it('should start with a UTF-8 byte-order mark and end lines with CRLF', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('should have a header and one row per counted response, oldest first', () => {
    expect(rows[0]).toEqual([
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
      'Consulting',
      'Technical support',
      'If anything fell short, please tell us why',
      'Any suggestions or other requirements?',
      'Data cleaning',
    ]);
    expect(rows).toHaveLength(4);
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      invitationId(wave.waveId, 'n1'),
      invitationId(wave.waveId, 'n2'),
      invitationId(wave.waveId, 's1'),
    ]);
  });

  it('should write each response’s score, grade, levels and comments', () => {
    const n2 = rows[2]!;
    // The department reads as its id where the campaign gives it no display name; languages by name.
    expect(n2.slice(1, 7)).toEqual(['North', 'North', 'English', '2025-04-02T09:30:00.000Z', '77', 'C']);
    expect(n2.slice(7, 14)).toEqual([
      'Very satisfied',
      'Satisfied',
      'Basically satisfied',
      'Dissatisfied',
      'Very satisfied',
      'Very dissatisfied',
      'Satisfied',
    ]);
    expect(n2[14]).toBe('Delivery was late\nand incomplete');
    expect(n2[15]).toBe('');
  });

  it('should neutralise a formula a customer typed', () => {
    const s1 = rows[3]!;
    expect(s1[15]).toBe(`'=HYPERLINK("http://evil.example","x") <img src=x onerror=alert(1)>`);
  });

  it('should neutralise formulas in every column, department included', () => {
    const hostile = reportInvitations(wave, [
      {
        customer: 'h1',
        department: '@SUM(A1:A9)',
        ratings: MIXED,
        comments: { dissatisfaction: '+cmd|/c calc', suggestions: '-2+3' },
      },
      { customer: 'h2', department: '\tTabbed', ratings: MIXED, comments: { suggestions: '=1+1' } },
    ]);
    const cells = parseCsv(responsesCsv(wave, hostile).slice(1)).slice(1).flat();
    expect(cells).toEqual(
      expect.arrayContaining(["'@SUM(A1:A9)", "'+cmd|/c calc", "'-2+3", "'\tTabbed", "'=1+1"]),
    );
    for (const cell of cells) expect(FORMULA_STARTS.includes(cell[0] ?? '')).toBe(false);
  });

  it('should write headers and levels in the report’s language', () => {
    const zhWave = reportWave({ language: 'zh-CN' });
    const zh = parseCsv(responsesCsv(zhWave, reportInvitations(zhWave)).slice(1));
    expect(zh[0]?.slice(0, 8)).toEqual([
      '邀请编号',
      '部门',
      '部门编号',
      '语言',
      '回复时间',
      '总分',
      '等级',
      '质量',
    ]);
    expect(zh[1]?.[7]).toBe('非常满意');
  });

  it('should name each department in the reader’s language and keep its id beside it', () => {
    // Arrange: the campaign names North in both languages; South has no display name.
    const named = (language: 'zh-CN' | 'en') => {
      const w = reportWave({ language });
      return {
        ...w,
        campaign: { ...w.campaign, departments: { North: { 'zh-CN': '北方大区', en: 'North region' } } },
      };
    };
    // Act
    const zh = parseCsv(responsesCsv(named('zh-CN'), invitations).slice(1));
    const en = parseCsv(responsesCsv(named('en'), invitations).slice(1));
    // Assert
    expect(zh.slice(1).map((r) => r.slice(1, 4))).toEqual([
      ['北方大区', 'North', '英文'],
      ['北方大区', 'North', '英文'],
      ['South', 'South', '中文'],
    ]);
    expect(en.slice(1).map((r) => r.slice(1, 4))).toEqual([
      ['North region', 'North', 'English'],
      ['North region', 'North', 'English'],
      ['South', 'South', 'Chinese'],
    ]);
  });

  it('should write only the header for a wave without responses', () => {
    expect(parseCsv(responsesCsv(wave, []).slice(1))).toHaveLength(1);
  });
});
