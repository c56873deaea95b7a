import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elementLines, parseCustomers, recogniseLanguage } from '../../functions/domain/customers/import.ts';

/* The customer file as JSON (a list of objects, the line each starts on), and how languages are read. */

const fieldsOf = (text: string) => parseCustomers(text, 'json').problems.map((p) => [p.line, p.field]);

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
    expect(fieldsOf('{"id": "x"}')).toEqual([[1, '(file)']]);
    // Where the parser says where (it does not for every kind of mistake).
    expect(fieldsOf('[\n  {"id": "x"}\n  {"id": "y"}\n]')).toEqual([[3, '(file)']]);
    expect(fieldsOf('[\n  {"id": "x"},\n  {"id": \n}\n]')).toEqual([[1, '(file)']]);
    expect(parseCustomers('[]', 'json')).toEqual({ customers: [], rejected: 0, problems: [] });
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
