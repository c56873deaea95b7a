import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMNS, type ImportFormat, parseCustomers } from '../../functions/domain/customers/import.ts';
import type { Customer } from '../../functions/domain/programme.ts';

/* parseCustomers against any text: it never throws, accounts for every row and gives back what it was given. */

const HEADER = COLUMNS.map((c) => c.column).join(',');

// Customers whose every field survives a CSV cell: no ";" in a tag, text already trimmed.
const text = (max: number) =>
  fc
    .string({
      minLength: 1,
      maxLength: max,
      unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '"', '\n', '王', ';', '='),
    })
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const isoDate = fc
  .date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const customerArb: fc.Arbitrary<Customer> = fc.record(
  {
    id: fc.stringMatching(/^[\w.-]{1,64}$/),
    name: text(200),
    email: fc.constantFrom('a@example.com', 'first.last+tag@mail.example.org'),
    language: fc.constantFrom('zh-CN', 'en'),
    department: text(100),
    registeredAt: isoDate,
    lastInteractionAt: isoDate,
    spend12m: fc.double({ min: 0, max: 1e9, noNaN: true }).map((n) => Math.round(n * 100) / 100 + 0), // + 0: no -0
    interactions12m: fc.nat(),
    key: fc.boolean(),
    deliveryDates: fc.array(isoDate, { minLength: 1, maxLength: 5 }),
    tags: fc.array(
      text(50).filter((t) => !t.includes(';')),
      { minLength: 1, maxLength: 5 },
    ),
  },
  { requiredKeys: ['id', 'name', 'email', 'language', 'department'] },
);
const uniqueCustomers = fc.uniqueArray(customerArb, { selector: (c) => c.id, maxLength: 20 });

const toCsv = (customers: Customer[]): string =>
  stringify(
    customers.map((c) =>
      COLUMNS.map((col) => {
        const v = c[col.field];
        return Array.isArray(v) ? v.join(';') : v === undefined ? '' : String(v);
      }),
    ),
    { header: true, columns: COLUMNS.map((c) => c.column), bom: true, record_delimiter: 'windows' },
  );

describe('parseCustomers properties', () => {
  it('should never throw, and give every problem a line, a field and a reason, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom<ImportFormat>('csv', 'json'),
        (s, format) => {
          const { customers, rejected, problems } = parseCustomers(s, format);
          expect(rejected).toBeGreaterThanOrEqual(0);
          // A CSV record takes at least a line (a JSON line may hold several objects).
          if (format === 'csv')
            expect(customers.length + rejected).toBeLessThanOrEqual(s.split(/\r\n|\r|\n/).length);
          for (const p of problems) {
            expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
            expect(p.field.length).toBeGreaterThan(0);
            expect(p.reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should never throw on rows of odd cells under the real header, and account for every row', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', 'zh', 'en', '-1', '1e3', 'yes', '2025-02-29', 'a@b.co', 'x;y'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 14 }), { maxLength: 15 }), (rows) => {
        // Arrange
        const csv = stringify([COLUMNS.map((c) => c.column), ...rows]);
        const meant = rows.filter((r) => r.some((c) => c.trim() !== '')).length;

        // Act
        const { customers, rejected, problems } = parseCustomers(csv, 'csv');

        // Assert
        expect(customers.length + rejected).toBe(meant);
        expect(new Set(problems.map((p) => p.line)).size).toBe(rejected);
        expect(problems.every((p) => p.line >= 2)).toBe(true);
      }),
    );
  });

  it('should give each row the line it starts on, through CRLF or LF, cells over several lines and blank lines', () => {
    const cell = fc.string({
      minLength: 1,
      maxLength: 8,
      unit: fc.constantFrom('x', ',', '"', '\n', '\r\n', ' '),
    });
    const row = fc.record({
      // Fewer cells than the header: each row earns a (row) problem on its own line.
      cells: fc.array(cell, { minLength: 1, maxLength: 3 }).filter((cs) => cs.some((c) => c.trim() !== '')),
      blankLinesBefore: fc.nat(2),
    });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        (rows, eol) => {
          // Arrange
          let csv = `${HEADER}${eol}`;
          const expected: number[] = [];
          for (const r of rows) {
            csv += eol.repeat(r.blankLinesBefore);
            expected.push(csv.split(/\r\n|\n/).length);
            // Quoted as spreadsheets do: csv-stringify leaves a lone "\n" bare in a CRLF file.
            csv += stringify([r.cells], {
              record_delimiter: eol === '\n' ? 'unix' : 'windows',
              quoted: true,
            });
          }

          // Act
          const { problems } = parseCustomers(csv, 'csv');

          // Assert
          expect(problems.map((p) => [p.line, p.field])).toEqual(expected.map((line) => [line, '(row)']));
        },
      ),
    );
  });

  it('should give back the customers it was given, written as CSV or JSON', () => {
    fc.assert(
      fc.property(uniqueCustomers, (customers) => {
        expect(parseCustomers(toCsv(customers), 'csv')).toEqual({ customers, rejected: 0, problems: [] });
        expect(parseCustomers(JSON.stringify(customers, null, 2), 'json')).toEqual({
          customers,
          rejected: 0,
          problems: [],
        });
      }),
    );
  });
});
