import { describe, expect, it } from 'vitest';
import { monthsBefore, segmentsOf } from '../../functions/domain/audience.ts';
import { customer } from '../support/audience.ts';

/* The segments a wave's audience names (active, new, key), judged on the wave's local date. */

describe('Function: monthsBefore', () => {
  it.each([
    ['2025-08-31', 6, '2025-02-28'],
    ['2024-08-31', 6, '2024-02-29'],
    ['2025-03-15', 6, '2024-09-15'],
    ['2025-01-31', 1, '2024-12-31'],
  ])('should take %s back %i months to %s', (date, months, expected) => {
    expect(monthsBefore(date, months)).toBe(expected);
  });
});

describe('Function: segmentsOf', () => {
  it('should call active an interaction on or after the day six months back, and new a registration within 30 days', () => {
    const list = [
      customer({ id: 'a1', lastInteractionAt: '2025-02-28' }),
      customer({ id: 'a0', lastInteractionAt: '2025-02-27' }),
      customer({ id: 'n1', registeredAt: '2025-08-01' }),
      customer({ id: 'n0', registeredAt: '2025-07-31' }),
    ];

    const s = segmentsOf(list, '2025-08-31');

    expect([...s.get('a1')!]).toEqual(['active']);
    expect([...s.get('a0')!]).toEqual([]);
    expect([...s.get('n1')!]).toEqual(['new']);
    expect([...s.get('n0')!]).toEqual([]);
  });

  it('should call key the flagged, the top 20 % by spend and the top 15 % by interactions of the directory', () => {
    // Ten customers: 20 % is the top 2 by spend (100, 90), 15 % the top 1 by interactions (k5: 40).
    const spend = [100, 90, 80, 70, 60, 0, undefined, 50, 40, 30];
    const interactions = [1, 2, 3, 4, 40, 30, undefined, 5, 6, 7];
    const list = spend.map((s, i) =>
      customer({
        id: `k${i + 1}`,
        spend12m: s,
        interactions12m: interactions[i],
        key: i === 8 ? true : undefined,
      }),
    );

    const s = segmentsOf(list, '2025-08-31');

    expect(list.filter((c) => s.get(c.id)!.has('key')).map((c) => c.id)).toEqual(['k1', 'k2', 'k5', 'k9']);
  });

  it('should include everyone tied with the last of the top spenders', () => {
    const list = [100, 90, 90, 10, 10, 10, 10, 10, 10, 10].map((s, i) =>
      customer({ id: `t${i}`, spend12m: s }),
    );

    const s = segmentsOf(list, '2025-08-31');

    expect(list.filter((c) => s.get(c.id)!.has('key')).map((c) => c.id)).toEqual(['t0', 't1', 't2']);
  });

  it('should make nobody key by rank when the directory is too small for one place (4 × 20 % < 1)', () => {
    const list = [100, 90, 80, 70].map((s) => customer({ spend12m: s }));

    expect([...segmentsOf(list, '2025-08-31').values()].every((set) => !set.has('key'))).toBe(true);
  });
});
