import { readFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  elementLines,
  type ImportFormat,
  parseCustomers,
  recogniseLanguage,
} from '../../functions/domain/customers/import.ts';
import type { Customer } from '../../functions/domain/programme.ts';

const HEADER = COLUMNS.map((c) => c.column).join(',');
const fixture = readFileSync(new URL('../fixtures/customers-bad.csv', import.meta.url), 'utf8');

const fieldsOf = (text: string, format: ImportFormat = 'csv') =>
  parseCustomers(text, format).problems.map((p) => [p.line, p.field]);

describe('parseCustomers (CSV)', () => {
  it('should read every column of a row into a Customer', () => {
    // Act
    const { customers, rejected, problems } = parseCustomers(fixture, 'csv');

    // Assert
    expect(customers.map((c) => c.id)).toEqual(['c101', 'c102', 'c113']);
    expect(customers[0]).toEqual({
      id: 'c101',
      name: 'Wang, Wei',
      email: 'wang.wei@example.com',
      language: 'zh-CN',
      department: 'east-region',
      registeredAt: '2024-03-01',
      lastInteractionAt: '2026-01-15',
      spend12m: 125000.5,
      interactions12m: 14,
      key: true,
      deliveryDates: ['2025-01-10', '2025-07-01'],
      tags: ['steel', 'vip'],
    });
    // Empty cells are no value; "0" and "no" are values.
    expect(customers[1]).toEqual({
      id: 'c102',
      name: 'Ben Carter',
      email: 'ben.carter@example.com',
      language: 'en',
      department: 'north-region',
      registeredAt: '2025-11-20',
      spend12m: 0,
      interactions12m: 0,
      key: false,
    });
    expect(customers[2]).toMatchObject({
      name: 'Li "Nana" Na',
      language: 'zh-CN',
      deliveryDates: ['2025-12-01'],
    });
    expect(rejected).toBe(11);
    expect(problems.every((p) => p.reason.length > 0)).toBe(true);
  });

  it('should report each bad row of the fixture with its line and field', () => {
    // Act
    const { problems } = parseCustomers(fixture, 'csv');

    // Assert
    expect(problems.map((p) => [p.line, p.field, p.reason])).toEqual([
      [4, 'id', 'required'],
      [5, 'email', 'Invalid email address'],
      [6, 'language', expect.stringContaining('must be zh-CN or en')],
      [7, 'spend_12m', 'must not be negative'],
      [8, 'registered_at', 'must be a date written YYYY-MM-DD'],
      [9, 'key', expect.stringContaining('must be true or false')],
      [10, 'id', expect.stringContaining('the same id is on line 11')],
      [11, 'id', expect.stringContaining('the same id is on line 10')],
      [12, '(row)', 'has 4 cells where the header has 12'],
      [14, 'spend_12m', expect.stringContaining('must be a number')],
      [14, 'interactions_12m', 'must be a whole number'],
      [15, 'delivery_dates', 'item 2: must be a date written YYYY-MM-DD'],
    ]);
  });

  it('should read a byte-order mark, CRLF, quoted commas, quotes and line breaks, and count lines as an editor does', () => {
    // Arrange: line 3 is blank, the record on line 4 runs on to line 5.
    const text = [
      '\uFEFFid,name,email,language,department',
      'a1,"Zhang, ""Min""",a1@example.com,zh,east',
      '',
      'a2,"two',
      'lines",a2@example.com,en,east',
      'a3,,a3@example.com,en,east',
    ].join('\r\n');

    // Act
    const { customers, problems } = parseCustomers(text, 'csv');

    // Assert
    expect(customers.map((c) => c.name)).toEqual(['Zhang, "Min"', 'two\r\nlines']);
    expect(problems).toEqual([{ line: 6, field: 'name', reason: 'required' }]);
  });

  it('should take the columns in any order, under any spelling of their names, and the optional ones not at all', () => {
    // Arrange
    const text =
      'Department,E-Mail,Language,ID,Name,spendAt12m,Spend 12m,registeredAt\nwest,x@example.com,EN,x1,X,,,\n';

    // Act
    const result = parseCustomers(text, 'csv');

    // Assert: "E-Mail" is not "email", "spendAt12m" is no column.
    expect(result.customers).toEqual([]);
    expect(result.rejected).toBe(1);
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([
      [1, 'E-Mail'],
      [1, 'spendAt12m'],
      [1, 'email'],
    ]);
    expect(
      parseCustomers(
        'Department,Email,Language,ID,Name,Spend 12m,registeredAt\nwest,x@example.com,EN,x1,X,7,2025-01-01',
        'csv',
      ).customers,
    ).toEqual([
      {
        id: 'x1',
        name: 'X',
        email: 'x@example.com',
        language: 'en',
        department: 'west',
        spend12m: 7,
        registeredAt: '2025-01-01',
      },
    ]);
  });

  it('should reject the whole file, naming the header, when a column is unknown, missing or twice', () => {
    // Act
    const result = parseCustomers(
      'id,name,email,language,name,colour\nb1,B,b@example.com,en\nb2,B,b2@example.com,en\n',
      'csv',
    );

    // Assert
    expect(result).toEqual({
      customers: [],
      rejected: 2,
      problems: [
        { line: 1, field: 'name', reason: 'the column appears twice' },
        {
          line: 1,
          field: 'colour',
          reason: expect.stringContaining('unknown column; the columns are id, name'),
        },
        { line: 1, field: 'department', reason: expect.stringContaining('missing column') },
      ],
    });
  });

  it('should skip blank rows and say so when there is no header at all', () => {
    expect(parseCustomers(`${HEADER}\n,,,,,,,,,,,\n   \n`, 'csv')).toEqual({
      customers: [],
      rejected: 0,
      problems: [],
    });
    expect(fieldsOf('')).toEqual([[1, '(file)']]);
    expect(fieldsOf('\uFEFF\r\n\r\n')).toEqual([[1, '(file)']]);
  });

  it('should reject a file whose quotes do not close, at the line of the row the quote opened in', () => {
    // Act
    const { customers, problems } = parseCustomers(
      `${HEADER}\r\nc1,A,c1@example.com,en,east,,,,,,,\r\n\r\nc2,"Open,c2@example.com,en,east\r\nc3,B,c3@example.com,en,east\r\n`,
      'csv',
    );

    // Assert
    expect(customers).toEqual([]);
    expect(problems).toEqual([
      {
        line: 4,
        field: '(file)',
        reason: 'not valid CSV: a quote opened in the row on this line is never closed',
      },
    ]);
    expect(
      fieldsOf(`${HEADER}\nc1,A,c1@example.com,en,east,,,,,,,\nc2,"B"x,c2@example.com,en,east,,,,,,,\n`),
    ).toEqual([[3, '(file)']]);
  });
});

describe('the README', () => {
  it('should document every column, and its example should import cleanly', () => {
    // Arrange
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Customers'), readme.indexOf('## Deploy'));
    const documented = [...section.matchAll(/^\| `(\w+)` +\| `(\w+)` +\|/gm)].map((m) => [m[1], m[2]]);
    const example = /```csv\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

    // Act
    const parsed = parseCustomers(example, 'csv');

    // Assert
    expect(documented).toEqual(COLUMNS.map((c) => [c.column, c.field]));
    expect(parsed.problems).toEqual([]);
    expect(parsed.customers).toHaveLength(2);
  });
});

describe('parseCustomers (JSON)', () => {
  it('should read objects keyed by field name, with the line each object starts on', () => {
    // Arrange
    const text = JSON.stringify(
      [
        {
          id: 'j1',
          name: 'Jane',
          email: 'jane@example.com',
          language: 'en-US',
          department: 'west',
          spend12m: 10.5,
          key: true,
          tags: ['a', 'b'],
          lastInteractionAt: null,
        },
        { id: 'j2', name: 'No mail', language: 'zh', department: 'west', colour: 'red' },
        'j3',
        { id: 'j4', name: 'J4', email: 'j4@example.com', language: 'de', department: 'west', spend12m: '7' },
      ],
      null,
      2,
    );

    // Act
    const { customers, rejected, problems } = parseCustomers(`\uFEFF${text}`, 'json');

    // Assert
    expect(customers).toEqual([
      {
        id: 'j1',
        name: 'Jane',
        email: 'jane@example.com',
        language: 'en',
        department: 'west',
        spend12m: 10.5,
        key: true,
        tags: ['a', 'b'],
      },
    ]);
    expect(rejected).toBe(3);
    expect(problems.map((p) => [p.line, p.field, p.reason])).toEqual([
      [16, 'colour', expect.stringContaining('unknown field')],
      [16, 'email', 'required'],
      [23, '(row)', 'must be an object with the customer fields'],
      [24, 'language', expect.stringContaining('must be zh-CN or en')],
      [24, 'spend12m', 'must be a number'],
    ]);
  });

  it('should accept the CSV column names as keys too, but not the same field twice', () => {
    // Act
    const { customers, problems } = parseCustomers(
      '[{"id":"k1","name":"K","email":"k@example.com","language":"en","department":"d","spend_12m":3,"spend12m":4}]',
      'json',
    );

    // Assert
    expect(customers).toEqual([]);
    expect(problems).toEqual([{ line: 1, field: 'spend12m', reason: 'the same field as spend_12m' }]);
  });

  it('should report a file that is not a JSON list of objects on the line where it breaks', () => {
    expect(fieldsOf('{"id": "x"}', 'json')).toEqual([[1, '(file)']]);
    // Where the parser says where (it does not for every kind of mistake).
    expect(fieldsOf('[\n  {"id": "x"}\n  {"id": "y"}\n]', 'json')).toEqual([[3, '(file)']]);
    expect(fieldsOf('[\n  {"id": "x"},\n  {"id": \n}\n]', 'json')).toEqual([[1, '(file)']]);
    expect(parseCustomers('[]', 'json')).toEqual({ customers: [], rejected: 0, problems: [] });
  });
});

describe('recogniseLanguage', () => {
  it.each([
    ['zh', 'zh-CN'],
    ['zh_CN', 'zh-CN'],
    [' ZH-cn ', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['中文', 'zh-CN'],
    ['Chinese', 'zh-CN'],
    ['en', 'en'],
    ['EN-us', 'en'],
    ['English', 'en'],
    ['英文', 'en'],
    ['fr', undefined],
    ['eng', undefined],
    ['zen', undefined],
    ['zh-', undefined],
    ['', undefined],
  ])('should read %j as %j', (value, expected) => {
    expect(recogniseLanguage(value)).toBe(expected);
  });
});

describe('duplicate ids', () => {
  it('should reject every row that shares an id, each naming the others, whatever else is wrong with them', () => {
    // Arrange
    const text = [
      HEADER,
      'd1,A,a@example.com,en,x,,,,,,,',
      'd1,B,bad-email,en,x,,,,,,,',
      'd2,C,c@example.com,en,x,,,,,,,',
      'd1,D,d@example.com,en,x,,,,,,,',
    ].join('\n');

    // Act
    const { customers, rejected, problems } = parseCustomers(text, 'csv');

    // Assert
    expect(customers.map((c) => c.id)).toEqual(['d2']);
    expect(rejected).toBe(3);
    expect(problems.filter((p) => p.field === 'id').map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [2, 'the same id is on line 3, 5'],
      [3, 'the same id is on line 2, 5'],
      [5, 'the same id is on line 2, 3'],
    ]);
  });
});

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

describe('elementLines', () => {
  it('should find the line each element of a pretty-printed list starts on', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 10 }), (list) => {
        // Arrange: JSON.stringify puts each element on a new line after the "[" line.
        const expected: number[] = [];
        let line = 2;
        for (const item of list) {
          expected.push(line);
          line += (JSON.stringify(item, null, 2) ?? 'null').split('\n').length;
        }

        // Act / Assert
        expect(elementLines(JSON.stringify(list, null, 2))).toEqual(expected);
        expect(elementLines(JSON.stringify(list))).toEqual(list.map(() => 1));
      }),
    );
  });
});
