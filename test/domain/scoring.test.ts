import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Questionnaire } from '../../functions/domain/questionnaire.ts';
import { DEFAULT_GRADES } from '../../functions/domain/questionnaire.ts';
import { isRequired } from '../../functions/domain/questionnaire-defaults.ts';
import { grade, isSatisfied, points, pointsRange, score } from '../../functions/domain/scoring.ts';
import { programme } from '../../programme/index.ts';
import { allAt, itss, MIXED } from '../support/programme.ts';

describe('scoring (seed 002 weights, seed 004 grades)', () => {
  it('should give 100 and A when every item is very satisfied', () => {
    expect(score(itss, allAt('very-satisfied'))).toEqual({ total: 100, raw: 100, grade: 'A' });
  });

  it('should give 20 and E when every item is very dissatisfied', () => {
    expect(score(itss, allAt('very-dissatisfied'))).toEqual({ total: 20, raw: 20, grade: 'E' });
  });

  it('should weight each item by its level share, computed by hand', () => {
    // quality 20×100% + performance 20×80% + price 20×60% + delivery 10×40% + O&M 20×100%
    // + consulting 5×20% + technical support 5×80% = 20 + 16 + 12 + 4 + 20 + 1 + 4 = 77 → C
    expect(score(itss, MIXED)).toEqual({ total: 77, raw: 77, grade: 'C' });
    expect(points(itss, 'delivery', 'dissatisfied')).toBe(4);
  });

  it('should grade at the boundaries of seed 004', () => {
    const cases: Array<[number, string]> = [
      [100, 'A'],
      [95, 'A'],
      [94.99, 'B'],
      [81, 'B'],
      [80, 'C'],
      [61, 'C'],
      [60, 'D'],
      [40, 'D'],
      [39.99, 'E'],
      [0, 'E'],
    ];
    for (const [total, expected] of cases) expect(grade(total, DEFAULT_GRADES), `${total}`).toBe(expected);
  });

  it('should count basically satisfied and better as satisfied', () => {
    expect(isSatisfied(itss, 'basically-satisfied')).toBe(true);
    expect(isSatisfied(itss, 'very-satisfied')).toBe(true);
    expect(isSatisfied(itss, 'dissatisfied')).toBe(false);
    expect(isSatisfied(itss, 'no-such-level')).toBe(false);
  });

  it('should refuse ratings that miss a category', () => {
    const { quality: _q, ...partial } = allAt('satisfied');
    expect(() => score(itss, partial)).toThrow(/quality/);
  });

  it('should score any ratings of any questionnaire as its definition says, again and again', () => {
    /** score()'s definition, item by item from points() and pointsRange(), nothing kept between calls. */
    const byDefinition = (q: Questionnaire, ratings: Record<string, string>) => {
      let sum = 0;
      let worst = 0;
      let best = 0;
      let weights = 0;
      let answered = 0;
      for (const c of q.categories) {
        const level = ratings[c.id];
        if (level === undefined) continue;
        sum += points(q, c.id, level);
        worst += pointsRange(q, c.id).worst;
        best += pointsRange(q, c.id).best;
        weights += c.weight ?? 0;
        answered += 1;
      }
      const kind = q.scale.kind;
      const raw = kind === 'likert' ? sum / answered : sum;
      const total =
        kind === 'percent-of-weight' ? (sum / weights) * 100 : ((sum - worst) / (best - worst)) * 100;
      const r2 = (n: number) => Math.round(n * 100) / 100;
      return { total: r2(total), raw: r2(raw), grade: grade(r2(total), q.grades) };
    };
    for (const q of programme.questionnaires) {
      // Arrange: every required item rated, each optional one now and then.
      const levels = q.scale.levels.map((l) => l.id);
      const ratings = fc.record(
        Object.fromEntries(
          q.categories.map((c) => [
            c.id,
            isRequired(c)
              ? fc.constantFrom(...levels)
              : fc.option(fc.constantFrom(...levels), { nil: undefined }),
          ]),
        ),
      );
      fc.assert(
        fc.property(ratings, (drawn) => {
          const r = Object.fromEntries(Object.entries(drawn).filter(([, v]) => v !== undefined)) as Record<
            string,
            string
          >;
          if (Object.keys(r).length === 0) return;

          // Act: twice, so the second reads what the first kept.
          const first = score(q, r);
          const second = score(q, r);

          // Assert
          expect(first).toEqual(byDefinition(q, r));
          expect(second).toEqual(first);
        }),
        { numRuns: 200 },
      );
    }
  });
});
