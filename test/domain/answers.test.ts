import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../functions/domain/answers.ts';
import { commentField, ratingField } from '../../functions/domain/form-fields.ts';
import { allAt, itss, ratingFields } from '../support/programme.ts';

/** A complete, valid form: every category rated, as the page posts it. */
const formAt = (level: string): Record<string, string> => ratingFields(allAt(level));

const levels = itss.scale.levels.map((l) => l.id);
const fieldNames = [
  ...itss.categories.map((c) => ratingField(c.id)),
  ...itss.openQuestions.map((o) => commentField(o.id)),
  'lang',
  'opened',
];

describe('parseAnswers', () => {
  it('should return the ratings and the comments a customer wrote', () => {
    const form = {
      ...formAt('satisfied'),
      [commentField('suggestions')]: '  More training, please.\r\nThanks  ',
      [commentField('dissatisfaction')]: '   ',
      lang: 'en',
    };
    const result = parseAnswers(itss, form);
    expect(result).toEqual({
      ok: true,
      answers: { ratings: allAt('satisfied'), comments: { suggestions: 'More training, please.\nThanks' } },
    });
  });

  it('should report a missing rating as required and keep the other values', () => {
    const { [ratingField('price')]: _missing, ...form } = formAt('satisfied');
    const result = parseAnswers(itss, { ...form, [commentField('suggestions')]: 'keep me' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({ [ratingField('price')]: 'required' });
    expect(result.values[ratingField('quality')]).toBe('satisfied');
    expect(result.values[commentField('suggestions')]).toBe('keep me');
  });

  it('should treat an empty rating as missing', () => {
    const result = parseAnswers(itss, { ...formAt('satisfied'), [ratingField('delivery')]: '' });
    expect(result.ok || result.errors).toEqual({ [ratingField('delivery')]: 'required' });
  });

  it('should report a level the scale does not have as an invalid choice', () => {
    const result = parseAnswers(itss, { ...formAt('satisfied'), [ratingField('quality')]: 'excellent' });
    expect(result.ok || result.errors).toEqual({ [ratingField('quality')]: 'invalid-choice' });
  });

  it('should report a comment longer than its question allows as too long, counting CRLF as one', () => {
    const field = commentField('suggestions');
    const max = itss.openQuestions.find((o) => o.id === 'suggestions')!.maxLength;
    const tooLong = parseAnswers(itss, { ...formAt('satisfied'), [field]: 'x'.repeat(max + 1) });
    expect(tooLong.ok || tooLong.errors).toEqual({ [field]: 'too-long' });
    // Browsers send line breaks as CRLF but count them as one character against maxlength.
    const atLimit = parseAnswers(itss, { ...formAt('satisfied'), [field]: `${'x'.repeat(max - 2)}\r\ny` });
    expect(atLimit.ok).toBe(true);
  });

  it('should ignore fields the questionnaire does not know', () => {
    const result = parseAnswers(itss, { ...formAt('very-satisfied'), 'r-unknown': 'x', other: 'y' });
    expect(result.ok).toBe(true);
  });

  it('should return answers or field errors for any form, never throw', () => {
    const name = fc.oneof(fc.constantFrom(...fieldNames, '__proto__', 'constructor'), fc.string());
    const value = fc.oneof(
      fc.constantFrom(...levels, ''),
      fc.string(),
      fc.string({ minLength: 1990, maxLength: 2100 }),
    );
    fc.assert(
      fc.property(fc.dictionary(name, value), (form) => {
        const result = parseAnswers(itss, form);
        if (result.ok) {
          expect(Object.keys(result.answers.ratings).sort()).toEqual(itss.categories.map((c) => c.id).sort());
          for (const level of Object.values(result.answers.ratings)) expect(levels).toContain(level);
        } else {
          expect(Object.keys(result.errors).length).toBeGreaterThan(0);
          for (const e of Object.values(result.errors))
            expect(['required', 'invalid-choice', 'too-long']).toContain(e);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('should accept every complete set of ratings the scale allows', () => {
    const ratings = fc.record(
      Object.fromEntries(itss.categories.map((c) => [ratingField(c.id), fc.constantFrom(...levels)])),
    );
    fc.assert(
      fc.property(ratings, (form) => {
        expect(parseAnswers(itss, form as Record<string, string>).ok).toBe(true);
      }),
    );
  });
});
