import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstRatedItem, preselectedRatings, preselectUrl } from '../../functions/domain/one-click.ts';
import { itss } from '../support/programme.ts';

describe('one-click first question', () => {
  it('should ask about the first rated item with every level of the scale, best first', () => {
    const first = firstRatedItem(itss)!;
    expect(first.category.id).toBe('quality');
    expect(first.levels.map((l) => l.id)).toEqual([
      'very-satisfied',
      'satisfied',
      'basically-satisfied',
      'dissatisfied',
      'very-dissatisfied',
    ]);
  });

  it('should add the rating to the survey link as r-{categoryId}={levelId}', () => {
    expect(preselectUrl('https://s.example/s/abc', 'quality', 'satisfied')).toBe(
      'https://s.example/s/abc?r-quality=satisfied',
    );
    expect(preselectUrl('https://s.example/s/abc?lang=en', 'quality', 'satisfied')).toBe(
      'https://s.example/s/abc?lang=en&r-quality=satisfied',
    );
  });

  it('should keep only ratings naming a category and one of its levels', () => {
    expect(
      preselectedRatings(itss, {
        'r-quality': 'dissatisfied',
        'r-price': ' satisfied ',
        'r-delivery': 'excellent',
        'r-unknown': 'satisfied',
        'c-suggestions': 'text',
        lang: 'en',
      }),
    ).toEqual({ 'r-quality': 'dissatisfied', 'r-price': 'satisfied' });
  });

  it('should never throw and only ever return valid pairs, whatever the query holds', () => {
    const levels = new Set(itss.scale.levels.map((l) => l.id));
    const fields = new Set(itss.categories.map((c) => `r-${c.id}`));
    const key = fc.oneof(fc.constantFrom(...fields, '__proto__', 'constructor', 'lang'), fc.string());
    const value = fc.option(fc.oneof(fc.constantFrom(...levels), fc.string()), { nil: undefined });
    fc.assert(
      fc.property(fc.dictionary(key, value), (query) => {
        const chosen = preselectedRatings(itss, query);
        for (const [field, level] of Object.entries(chosen)) {
          expect(fields.has(field)).toBe(true);
          expect(levels.has(level)).toBe(true);
          expect(query[field]?.trim()).toBe(level);
        }
      }),
    );
  });
});
