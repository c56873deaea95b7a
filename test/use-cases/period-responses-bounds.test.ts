import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answeredBounds } from '../../functions/use-cases/period-responses.ts';

describe('answeredBounds', () => {
  const waves = [
    { createdAt: '2025-06-02T01:00:00.000Z', deadline: '2025-06-16T01:00:00.000Z' },
    { createdAt: '2025-05-05T09:30:00.000Z', deadline: '2025-05-19T09:30:00.000Z' },
  ];

  it('should start at the UTC midnight of the earliest wave, where its anonymous answers are dated', () => {
    const { from, until } = answeredBounds(waves, new Date('2025-07-01T00:00:00.000Z'));
    expect(from).toBe('2025-05-05T00:00:00.000Z');
    // An answer of the first wave's first day, dated by its day, falls in the range.
    expect('2025-05-05T00:00:00.000Z' >= from).toBe(true);
    expect(until).toBe('2025-06-16T01:00:00.001Z');
  });

  it('should end at now when the last deadline has not passed, and never start after a wave', () => {
    expect(answeredBounds(waves, new Date('2025-06-10T12:00:00.000Z')).until).toBe(
      '2025-06-10T12:00:00.001Z',
    );
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (d) => {
          const createdAt = d.toISOString();
          const { from } = answeredBounds([{ createdAt, deadline: createdAt }], d);
          expect(from <= createdAt).toBe(true);
          expect(from).toBe(`${createdAt.slice(0, 10)}T00:00:00.000Z`);
        },
      ),
    );
  });
});
