import type { DirectoryCustomer } from '../domain/audience.ts';
import type { SurveyStore } from '../domain/ports.ts';
import type { SelectionInput } from '../domain/selection/criteria.ts';
import { advancePlan, type SelectionPlan, ShardCounter, startPlan } from '../domain/selection/plan.ts';
import type { KeyThresholds } from '../domain/selection/segments.ts';
import { forEachLimited } from './concurrency.ts';

/** Customers per directory page. */
const PAGE = 500;
/** Shards read at once. */
const SHARDS_AT_ONCE = 8;

type Directory = Pick<SurveyStore, 'directoryShards' | 'customerPage'>;

/**
 * Hands every customer of the directory to `fn`, a page at a time, a few shards at once: never the whole
 * directory in memory.
 */
export async function forEachDirectoryPage(
  store: Directory,
  fn: (page: DirectoryCustomer[]) => void | Promise<void>,
): Promise<void> {
  const shards = Array.from({ length: store.directoryShards }, (_, shard) => shard);
  await forEachLimited(shards, SHARDS_AT_ONCE, async (shard) => {
    let cursor: string | undefined;
    do {
      const page = await store.customerPage(shard, cursor, PAGE);
      if (page.customers.length > 0) await fn(page.customers);
      cursor = page.cursor;
    } while (cursor !== undefined);
  });
}

/**
 * Reads the directory once, handing each page to `fn`, and finds its key thresholds (the top 20 % by spend,
 * 15 % by interactions) in the same read; a large directory takes a read more for each further round of
 * the key search (domain/selection/plan.ts: one or two). Holds counts only. For jobs smaller than a wave
 * that still need every customer's segments (event waves).
 */
export async function readDirectoryWithKeys(
  store: Directory,
  input: SelectionInput,
  fn: (page: DirectoryCustomer[]) => void | Promise<void>,
): Promise<KeyThresholds> {
  let plan: SelectionPlan = startPlan();
  let first = true;
  while (plan.stage === 'key') {
    const counter = new ShardCounter(plan, input);
    await forEachDirectoryPage(store, async (page) => {
      counter.add(page);
      if (first) await fn(page);
    });
    first = false;
    plan = advancePlan(plan, input, [counter.result()]);
  }
  return plan.key!;
}
