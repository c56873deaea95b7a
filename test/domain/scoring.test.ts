import { describe, expect, it } from 'vitest';
import { DEFAULT_GRADES } from '../../functions/domain/questionnaire.ts';
import { grade, isSatisfied, points, score } from '../../functions/domain/scoring.ts';
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
});
