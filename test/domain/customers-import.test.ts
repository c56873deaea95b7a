import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COLUMNS, parseCustomers } from '../../functions/domain/customers/import.ts';

const HEADER = COLUMNS.map((c) => c.column).join(',');
const fixture = readFileSync(new URL('../fixtures/customers-bad.csv', import.meta.url), 'utf8');

const fieldsOf = (text: string) => parseCustomers(text, 'csv').problems.map((p) => [p.line, p.field]);

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
