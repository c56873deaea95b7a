import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interleave, mergeSorted } from '../../functions/adapters/dynamo-shards.ts';

/** A source of pages that counts how many of its kind are being read at once. */
const counted = <T>(pages: T[][], live: { now: number; max: number }) =>
  async function* (): AsyncGenerator<T[]> {
    live.now += 1;
    live.max = Math.max(live.max, live.now);
    try {
      for (const page of pages) {
        await new Promise((resolve) => setImmediate(resolve));
        yield page;
      }
    } finally {
      live.now -= 1;
    }
  };

const collect = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
};

describe('interleave', () => {
  it('should hand out every page of every source once, reading at most `concurrency` sources at a time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.array(fc.integer(), { maxLength: 4 }), { maxLength: 5 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (sources, concurrency) => {
          // Arrange
          const live = { now: 0, max: 0 };

          // Act
          const got = await collect(
            interleave(
              sources.map((pages) => counted(pages, live)),
              concurrency,
            ),
          );

          // Assert
          expect([...got].sort((a, b) => a - b)).toEqual(sources.flat(2).sort((a, b) => a - b));
          expect(live.max).toBeLessThanOrEqual(concurrency);
          expect(live.now).toBe(0);
        },
      ),
    );
  });

  it('should fail when a source fails, and stop the others', async () => {
    // Arrange
    const live = { now: 0, max: 0 };
    const failing = async function* (): AsyncGenerator<number[]> {
      yield [1];
      throw new Error('shard read failed');
    };

    // Act
    const run = collect(interleave([counted([[2], [3], [4]], live), failing, counted([[5], [6]], live)], 3));

    // Assert
    await expect(run).rejects.toThrow('shard read failed');
    expect(live.now).toBe(0);
  });
});

describe('mergeSorted', () => {
  it('should merge sorted sources into one sorted stream of bounded pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ maxLength: 6 }), { maxLength: 30 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 7 }),
        async (lists, cuts, pageSize) => {
          // Arrange: each source sorted (code units) and cut into pages of varying sizes, empty ones too.
          const live = { now: 0, max: 0 };
          const sources = lists.map((list, i) => {
            const sorted = [...list].sort();
            const pages: string[][] = [[]];
            for (let at = 0, n = 0; at < sorted.length; n++) {
              const size = cuts[(i + n) % cuts.length]!;
              pages.push(sorted.slice(at, at + size), []);
              at += size;
            }
            return counted(pages, live);
          });
          const sizes: number[] = [];

          // Act
          const got: string[] = [];
          for await (const page of mergeSorted(sources, (s) => s, pageSize)) {
            sizes.push(page.length);
            got.push(...page);
          }

          // Assert
          expect(got).toEqual(lists.flat().sort());
          expect(sizes.every((n) => n >= 1 && n <= pageSize)).toBe(true);
          expect(live.now).toBe(0);
        },
      ),
    );
  });

  it('should stop every source when the caller stops early', async () => {
    // Arrange
    const live = { now: 0, max: 0 };
    const sources = [counted([['a', 'c'], ['e']], live), counted([['b'], ['d', 'f']], live)];

    // Act
    for await (const page of mergeSorted(sources, (s) => s, 1)) {
      expect(page).toEqual(['a']);
      break;
    }

    // Assert
    expect(live.now).toBe(0);
  });
});
