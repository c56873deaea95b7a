import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ERASED,
  erasedInvitation,
  erasureTarget,
  redactFile,
  withoutCustomerRows,
} from '../../functions/domain/erasure.ts';
import { escapeHtml } from '../../functions/domain/html.ts';
import type { Invitation } from '../../functions/domain/model.ts';
import { neutraliseCell } from '../../functions/domain/report/csv.ts';

const invitation = (comment: string): Invitation => ({
  id: 'InvIdOfTheCustomer0001',
  campaignId: 'demo',
  waveId: 'demo-20260101T0100',
  customer: {
    id: 'c101',
    name: 'Wang Wei',
    email: 'Wang.Wei@example.com',
    language: 'zh-CN',
    department: 'east-region',
    segments: ['key'],
  },
  createdAt: '2026-01-01T01:00:00.000Z',
  expiresAt: '2026-01-15T01:00:00.000Z',
  sent: { invite: '2026-01-01T01:00:01.000Z' },
  response: {
    answeredAt: '2026-01-02T01:00:00.000Z',
    ratings: { quality: 'satisfied' },
    comments: { suggestions: comment },
    total: 80,
    grade: 'C',
    language: 'zh-CN',
    questionnaireVersion: 1,
  },
});

const targetOf = (comment: string) => erasureTarget({ customerId: 'c101' }, [], [invitation(comment)]);

describe('erasedInvitation', () => {
  it('should keep what reports count and drop who answered and what they wrote', () => {
    const erased = erasedInvitation(invitation('call me, Wang Wei'));

    expect(erased.customer).toEqual({
      id: ERASED,
      name: ERASED,
      email: ERASED,
      language: 'zh-CN',
      department: 'east-region',
      segments: ['key'],
    });
    expect(erased.response).toMatchObject({
      ratings: { quality: 'satisfied' },
      comments: { suggestions: ERASED },
      total: 80,
      grade: 'C',
    });
  });
});

describe('redactFile', () => {
  it('should erase names and addresses in any case, comments and invitation ids in JSON, keeping its layout', () => {
    const t = targetOf('too slow');
    const doc = {
      statistics: {
        answered: 2,
        comments: [{ invitationId: 'InvIdOfTheCustomer0001', text: 'too slow', total: 80 }],
      },
      note: 'forwarded by WANG WEI <wang.wei@EXAMPLE.com>',
    };
    const pretty = `${JSON.stringify(doc, null, 2)}\n`;

    const out = redactFile('reports/demo/w/report.json', pretty, t);

    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({
      statistics: { answered: 2, comments: [{ invitationId: ERASED, text: ERASED, total: 80 }] },
      note: `forwarded by ${ERASED} <${ERASED}>`,
    });
    expect(redactFile('reports/demo/rollups/2026-01-02.json', JSON.stringify(doc), t)).not.toContain('\n');
  });

  it('should erase a comment cell even when it was neutralised against formulas, in a CSV with BOM and CRLF', () => {
    const comment = '=HYPERLINK("http://x")';
    const t = targetOf(comment);
    const csv = `\ufeffInvitation,Score,Suggestions\r\nInvIdOfTheCustomer0001,80,"${neutraliseCell(comment).replace(/"/g, '""')}"\r\nother,60,fine\r\n`;

    const out = redactFile('reports/demo/w/responses.csv', csv, t);

    expect(out).toBe(`\ufeffInvitation,Score,Suggestions\r\n${ERASED},80,${ERASED}\r\nother,60,fine\r\n`);
  });

  it('should erase a comment in HTML only where it is shown as one, never in the markup', () => {
    const t = targetOf('p');
    const html = `<html><p>p</p><p class="x">Wang &amp; Wei</p><div class="comment"><p>${escapeHtml('p')}</p></div><div class="comment"><p>ask Wang Wei</p></div></html>`;

    const out = redactFile('reports/demo/w/report.html', html, t);

    expect(out).toBe(
      `<html><p>p</p><p class="x">Wang &amp; Wei</p><div class="comment"><p>${ERASED}</p></div><div class="comment"><p>ask ${ERASED}</p></div></html>`,
    );
  });

  it('should leave ids, keys and labels alone when a customer is called like one ("Price")', () => {
    const t = erasureTarget(
      { customerId: 'c1' },
      [{ id: 'c1', name: 'Price', email: 'p@example.com', language: 'en', department: 'd' }],
      [],
    );
    const json = JSON.stringify({ price: { level: 'Price' }, comments: [{ text: 'Price was rude' }] });
    const html = '<th>Price</th><div class="comment"><p>Price was rude</p></div>';

    expect(JSON.parse(redactFile('reports/r.json', json, t))).toEqual({
      price: { level: 'Price' },
      comments: [{ text: `${ERASED} was rude` }],
    });
    expect(redactFile('reports/r.html', html, t)).toBe(
      `<th>Price</th><div class="comment"><p>${ERASED} was rude</p></div>`,
    );
  });

  it('should erase a short Latin name only as a word, a Chinese name inside Chinese text too', () => {
    const t = erasureTarget(
      { customerId: 'c1' },
      [
        { id: 'c1', name: 'Li', email: 'li@example.com', language: 'en', department: 'd' },
        { id: 'c1', name: '王伟', email: 'li@example.com', language: 'zh-CN', department: 'd' },
      ],
      [],
    );

    expect(redactFile('reports/a.txt', 'Delivery: Li said "li is late"; 客户王伟说好', t)).toBe(
      `Delivery: ${ERASED} said "${ERASED} is late"; 客户${ERASED}说好`,
    );
  });

  it('should leave a file that does not mention them byte for byte the same', () => {
    const t = targetOf('too slow');
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/wang|InvIdOfTheCustomer0001|too slow/i.test(text));
        expect(redactFile('reports/x.txt', text, t)).toBe(text);
      }),
    );
  });
});

describe('withoutCustomerRows', () => {
  it('should drop the rows of their id or address (any case) from a CSV import and count them', () => {
    const t = erasureTarget({ email: 'wang.wei@example.com' }, [], [invitation('x')]);
    const csv =
      'ID,Name,Email,language,department\nc101,Wang Wei,wang.wei@example.com,zh-CN,east\nc102,Li Na,li@example.com,en,east\nc999,W,WANG.WEI@example.com,en,east\n';

    const { text, removed } = withoutCustomerRows('imports/crm.csv', csv, t);

    expect(removed).toBe(2);
    expect(text).toBe('ID,Name,Email,language,department\nc102,Li Na,li@example.com,en,east\n');
  });

  it('should drop their objects from a JSON import and redact its report', () => {
    const t = targetOf('x');
    const json = JSON.stringify([
      { id: 'c101', name: 'Wang Wei' },
      { id: 'c102', name: 'Li Na' },
    ]);

    expect(withoutCustomerRows('imports/crm.json', json, t)).toEqual({
      text: `${JSON.stringify([{ id: 'c102', name: 'Li Na' }], null, 2)}\n`,
      removed: 1,
    });
    const report = JSON.stringify({ problems: [{ line: 2, reason: 'Wang Wei: bad email' }] });
    expect(withoutCustomerRows('imports/crm.report.json', report, t)).toEqual({
      text: JSON.stringify({ problems: [{ line: 2, reason: `${ERASED}: bad email` }] }),
      removed: 0,
    });
  });
});
