import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Audience,
  type DirectoryCustomer,
  type SelectionInput,
  selectAudience,
} from '../../functions/domain/audience.ts';
import { Criteria } from '../../functions/domain/selection/criteria.ts';
import { KthCounter, mergeKth } from '../../functions/domain/selection/kth.ts';
import {
  advancePlan,
  classify,
  type SelectionPlan,
  ShardCounter,
  startPlan,
} from '../../functions/domain/selection/plan.ts';
import { AT, arbAudience, arbDirectory, RANKS, WAVE } from '../support/audience.ts';

/*
 * The selection a shard at a time (plan.ts) against the selection in memory (selectAudience): the same
 * customers, the same outcomes and segments, for any directory cut into any shards and pages — a retry's
 * directory too (customers this wave claimed, or who unsubscribed after its time).
 */
const directories = arbDirectory({ retries: true });

/** Runs the plan's rounds over the shards, as the dispatch tasks do, and classifies every customer. */
function selectInShards(
  input: SelectionInput,
  shards: DirectoryCustomer[][],
  pageSize: number,
  exactCap?: number,
) {
  let plan: SelectionPlan = startPlan();
  const rounds: string[] = [];
  while (plan.stage !== 'invite') {
    rounds.push(plan.stage);
    if (rounds.length > 60) throw new Error(`no decision after 60 rounds: ${rounds.join(' ')}`);
    const counts = shards.map((shard) => {
      const counter = new ShardCounter(plan, input, exactCap);
      for (let i = 0; i < shard.length; i += pageSize) counter.add(shard.slice(i, i + pageSize));
      // Through JSON, as stored between rounds.
      return JSON.parse(JSON.stringify(counter.result()));
    });
    plan = JSON.parse(JSON.stringify(advancePlan(plan, input, counts)));
  }
  const criteria = new Criteria(input);
  const outcomes = new Map(shards.flat().map((c) => [c.id, classify(plan, criteria, c)]));
  return { outcomes, rounds };
}

/** A directory cut into 1 to 5 shards, each customer in the shard the cut gives it. */
const arbCut = fc.record({
  shards: fc.integer({ min: 1, max: 5 }),
  salt: fc.nat(),
  pageSize: fc.integer({ min: 1, max: 7 }),
});
const cutInto = (directory: DirectoryCustomer[], { shards, salt }: { shards: number; salt: number }) => {
  const out: DirectoryCustomer[][] = Array.from({ length: shards }, () => []);
  directory.forEach((c, i) => {
    out[(i * 7 + salt) % shards]!.push(c);
  });
  return out;
};

describe('Properties: the selection a shard at a time', () => {
  it('should pick exactly the customers selectAudience picks, with the same outcomes and segments', () => {
    fc.assert(
      fc.property(
        directories,
        arbAudience,
        fc.string({ minLength: 1, maxLength: 8 }),
        arbCut,
        fc.constantFrom(0, 1, 3, 256),
        (directory, audience, seed, cut, exactCap) => {
          const input: SelectionInput = { audience, at: AT, timeZone: 'Asia/Shanghai', waveId: WAVE, seed };
          const expected = selectAudience({ ...input, directory });
          const { outcomes } = selectInShards(input, cutInto(directory, cut), cut.pageSize, exactCap);
          for (const c of directory) {
            expect(outcomes.get(c.id)!.outcome, c.id).toBe(expected.outcomes.get(c.id));
            expect([...outcomes.get(c.id)!.segments].sort()).toEqual(
              [...expected.segments.get(c.id)!].sort(),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should settle a large directory with ties in a few rounds, exactly', () => {
    // 6,000 customers: most interactions 0 to 3 (ties by the thousand), spend with decimals.
    const directory: DirectoryCustomer[] = Array.from({ length: 6000 }, (_, i) => ({
      id: `c${(i * 7919) % 6000}`,
      name: 'x',
      email: `c${i}@example.test`,
      language: 'en',
      department: ['east', 'south', 'north'][i % 3]!,
      interactions12m: i % 4,
      spend12m: (i * 37) % 1000 === 0 ? 0 : ((i * 7727) % 100000) / 100,
    }));
    const audience: Audience = {
      sample: { method: 'stratified', percent: 30, by: 'interactions12m', strata: RANKS },
    };
    const input: SelectionInput = { audience, at: AT, timeZone: 'UTC', waveId: WAVE, seed: 'big' };
    const expected = selectAudience({ ...input, directory });
    const { outcomes, rounds } = selectInShards(input, cutInto(directory, { shards: 4, salt: 1 }), 500);
    const selected = directory.filter((c) => outcomes.get(c.id)!.outcome === 'selected').map((c) => c.id);
    expect(selected.sort()).toEqual(expected.selected.map((c) => c.id).sort());
    expect(selected.length).toBeGreaterThan(1000);
    // Three stages, each settled in a few rounds.
    expect(rounds.length).toBeLessThanOrEqual(9);
  });
});

describe('Property: a directory that changes between rounds', () => {
  it('should never fail the plan: a search whose counts disagree starts again, and the plan is decided', () => {
    fc.assert(
      fc.property(
        directories,
        directories,
        arbAudience,
        fc.string({ minLength: 1, maxLength: 8 }),
        (before, after, audience, seed) => {
          const input: SelectionInput = { audience, at: AT, timeZone: 'UTC', waveId: WAVE, seed };
          let plan: SelectionPlan = startPlan();
          for (let round = 0; plan.stage !== 'invite'; round++) {
            if (round > 80) throw new Error('not decided in 80 rounds');
            // The first two rounds see one directory, the later ones another (an import in between).
            const counter = new ShardCounter(plan, input, 1);
            counter.add(round < 2 ? before : after);
            plan = advancePlan(plan, input, [counter.result()]);
          }
          expect(plan.cuts).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Function: mergeKth', () => {
  it('should find the k-th of keys spread over shards, through buckets, for every k', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        (keys, shards, pick) => {
          const k = pick % keys.length;
          let search = { k, prefix: '' };
          for (let round = 0; round < 20; round++) {
            const counters = Array.from({ length: shards }, () => new KthCounter(search.prefix, 2));
            keys.forEach((key, i) => {
              counters[i % shards]!.add(key);
            });
            const step = mergeKth(
              search,
              counters.map((c) => c.result()),
            );
            if ('found' in step) {
              expect(step.found).toBe([...keys].sort()[k]);
              return;
            }
            search = step.next;
          }
          throw new Error('not found in 20 rounds');
        },
      ),
    );
  });
});
