import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bodyText,
  FormBodyError,
  MAX_FORM_BYTES,
  mediaType,
  parseUrlEncoded,
} from '../../functions/domain/pages/form-body.ts';

const problemOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof FormBodyError) return e.problem;
    throw e;
  }
};

describe('parseUrlEncoded', () => {
  it('should read a browser-encoded form', () => {
    expect({ ...parseUrlEncoded('r-quality=satisfied&c-x=a+b%20c%26d%3D%E4%BD%A0&lang=zh-CN') }).toEqual({
      'r-quality': 'satisfied',
      'c-x': 'a b c&d=你',
      lang: 'zh-CN',
    });
    expect({ ...parseUrlEncoded('') }).toEqual({});
    expect({ ...parseUrlEncoded('a=&&b=2&') }).toEqual({ a: '', b: '2' });
  });

  it('should give back any set of fields a browser encodes', () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !/\p{Cc}/u.test(s));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, fc.string({ unit: 'grapheme' })), {
          selector: ([k]) => k,
          maxLength: 10,
        }),
        (pairs) => {
          const text = new URLSearchParams(pairs).toString();
          expect({ ...parseUrlEncoded(text) }).toEqual(Object.fromEntries(pairs));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should refuse a repeated field', () => {
    expect(problemOf(() => parseUrlEncoded('a=1&b=2&a=3'))).toBe('duplicate-field');
    expect(problemOf(() => parseUrlEncoded('a=1&%61=2'))).toBe('duplicate-field');
  });

  it('should refuse what no browser sends', () => {
    for (const text of ['novalue', '=x', 'a=%zz', 'a=%E4%BD', 'a=%C3%28', '%00=1', 'a%0Ab=1']) {
      expect(
        problemOf(() => parseUrlEncoded(text)),
        text,
      ).toBe('unparseable');
    }
  });

  it('should keep __proto__ and constructor as plain fields', () => {
    const form = parseUrlEncoded('__proto__=x&constructor=y');
    expect(Object.entries(form)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('should either parse or refuse any text, and never throw anything else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        problemOf(() => parseUrlEncoded(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('bodyText', () => {
  it('should decode base64 bodies as API Gateway sends them', () => {
    expect(bodyText(Buffer.from('a=你好').toString('base64'), true)).toBe('a=你好');
    expect(bodyText('a=1', false)).toBe('a=1');
    expect(bodyText(undefined, false)).toBe('');
  });

  it('should accept a body at the limit and refuse one byte more, plain or base64', () => {
    const at = 'x'.repeat(MAX_FORM_BYTES);
    expect(bodyText(at, false)).toHaveLength(MAX_FORM_BYTES);
    expect(bodyText(Buffer.from(at).toString('base64'), true)).toHaveLength(MAX_FORM_BYTES);
    expect(problemOf(() => bodyText(`${at}x`, false))).toBe('too-large');
    expect(problemOf(() => bodyText(Buffer.from(`${at}x`).toString('base64'), true))).toBe('too-large');
    // Three bytes a character: short in characters, too long in bytes.
    expect(problemOf(() => bodyText('你'.repeat(MAX_FORM_BYTES / 3 + 1), false))).toBe('too-large');
  });

  it('should give a plain body back as its UTF-8 round trip, lone surrogates replaced, or refuse it as too large', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'binary', minLength: 10_900, maxLength: 11_000 }),
        ),
        (text) => {
          // Arrange: what decoding the UTF-8 bytes of the text gives.
          const bytes = Buffer.from(text, 'utf8');
          const expected = bytes.byteLength > MAX_FORM_BYTES ? 'too-large' : new TextDecoder().decode(bytes);

          // Act
          const got = problemOf(() => bodyText(text, false)) ?? bodyText(text, false);

          // Assert
          expect(got).toBe(expected);
        },
      ),
      { examples: [['a=\uD83D'], ['\uDE00=x'], ['a=\uD83D\uDE00']] },
    );
  });

  it('should refuse bodies that are not base64 or not UTF-8', () => {
    expect(problemOf(() => bodyText('not base64!', true))).toBe('unparseable');
    expect(problemOf(() => bodyText('abcde', true))).toBe('unparseable');
    expect(problemOf(() => bodyText(Buffer.from([0x61, 0x3d, 0xc3, 0x28]).toString('base64'), true))).toBe(
      'unparseable',
    );
  });
});

describe('mediaType', () => {
  it('should read the media type without parameters, in any case', () => {
    expect(mediaType('Application/X-WWW-Form-Urlencoded; charset=UTF-8')).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(mediaType('multipart/form-data; boundary=x')).toBe('multipart/form-data');
    expect(mediaType('')).toBeUndefined();
    expect(mediaType(undefined)).toBeUndefined();
  });
});
