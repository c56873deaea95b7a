/*
 * Who a wave surveys (DOMAIN.md §3): the campaign's audience (departments, tags, segments), less the
 * customers who must not be surveyed (unsubscribed, suppressed after a bounce or complaint, surveyed
 * recently by any campaign), sampled reproducibly from a seed. Pure: the directory and the time come in.
 *
 * `selectAudience` selects from a directory held in memory: small waves (events, smoke runs) and the
 * reference the selection over a directory of any size (selection/plan.ts) is tested against. Either way,
 * each selected customer is then claimed with `SurveyStore.claimContact` (the frequency rule, enforced by
 * a conditional write across campaigns).
 */
import type { Customer } from './customer.ts';
import type { Segment } from './segments.ts';
import { Criteria, type Outcome, type SelectionInput } from './selection/criteria.ts';
import { drawSample } from './selection/sampling.ts';
import { keyThresholds } from './selection/segments.ts';
import { type DirectoryCustomer, type Exclusions, noExclusions } from './selection/types.ts';

export type { Outcome, SelectionInput } from './selection/criteria.ts';
export { hash128, seededRandom } from './selection/order.ts';
export { apportion, drawSample, strataOf } from './selection/sampling.ts';
export { monthsBefore, segmentsOf } from './selection/segments.ts';
export * from './selection/types.ts';

export interface Selection {
  seed: string;
  /** Sorted by id. */
  selected: DirectoryCustomer[];
  excluded: Exclusions;
  /** Each directory customer's outcome, by id. */
  outcomes: Map<string, Outcome>;
  /** Each directory customer's segments on the wave's local date, by id (recorded on invitations for reports). */
  segments: Map<string, Set<Segment>>;
}

const byId = (a: Customer, b: Customer) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Picks a wave's customers: those in the audience (departments, tags, the union of segments), sampled
 * from a seed, with every key customer of the audience on top of the sample; never an unsubscribed or
 * suppressed customer, nor one surveyed by another wave within `minDaysBetweenSurveys`.
 *
 * The sample is drawn from the customers who could be surveyed as of the wave's time `at` (Criteria.inPool).
 * Every directory customer is counted once: selected, or excluded by the first reason that applies.
 */
export function selectAudience(
  input: SelectionInput & { directory: readonly DirectoryCustomer[] },
): Selection {
  const criteria = new Criteria(input);
  const directory = [...input.directory].sort(byId);
  const key = keyThresholds(directory);
  const segments = new Map(directory.map((c) => [c.id, criteria.segments(c, key)]));
  const pool = directory.filter((c) => criteria.inPool(c, segments.get(c.id)!));
  const isKey = (c: Customer) => segments.get(c.id)!.has('key');
  const chosen = new Set(
    [
      ...pool.filter(isKey),
      ...drawSample(
        pool.filter((c) => !isKey(c)),
        input.audience.sample ?? { method: 'all' },
        input.seed,
      ),
    ].map((c) => c.id),
  );

  const excluded = noExclusions();
  const outcomes = new Map<string, Outcome>();
  const selected: DirectoryCustomer[] = [];
  for (const c of directory) {
    const outcome = criteria.outcome(c, segments.get(c.id)!, chosen.has(c.id));
    outcomes.set(c.id, outcome);
    if (outcome === 'selected') selected.push(c);
    else excluded[outcome] += 1;
  }
  return { seed: input.seed, selected, excluded, outcomes, segments };
}
