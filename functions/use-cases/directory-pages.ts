import type { DirectoryCustomer } from '../domain/audience.ts';
import type { SurveyStore } from '../domain/ports.ts';
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
