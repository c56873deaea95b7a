/*
 * Reading a sharded key (dynamo-keys.ts) back as one: every shard is its own stream of Query pages, read a
 * few shards at a time, so neither the requests in flight nor the pages held grow with the data.
 */

/** How many shards of one key are queried at once. */
export const SHARD_READ_CONCURRENCY = 8;

type Settled<T> = { source: number; result: IteratorResult<T> } | { source: number; error: unknown };

/** The next value of a source, settled: a failure waits (unobserved rejections would crash) until raced. */
const pull = <T>(source: number, it: AsyncIterator<T>): Promise<Settled<T>> =>
  it.next().then(
    (result) => ({ source, result }),
    (error: unknown) => ({ source, error }),
  );

/**
 * Every value of every source, in the order they come: at most `concurrency` sources are read at once,
 * each with one value asked for ahead, so at most that many values wait besides the one handed out.
 * A source that fails fails the whole; stopping early stops every source still open.
 */
export async function* interleave<T>(
  sources: ReadonlyArray<() => AsyncIterable<T>>,
  concurrency = SHARD_READ_CONCURRENCY,
): AsyncGenerator<T> {
  const open = new Map<number, AsyncIterator<T>>();
  const pending = new Map<number, Promise<Settled<T>>>();
  let started = 0;
  const start = () => {
    const source = started++;
    const it = sources[source]!()[Symbol.asyncIterator]();
    open.set(source, it);
    pending.set(source, pull(source, it));
  };
  try {
    while (started < sources.length && pending.size < concurrency) start();
    while (pending.size > 0) {
      const settled = await Promise.race(pending.values());
      const { source } = settled;
      if ('error' in settled) {
        pending.delete(source);
        open.delete(source);
        throw settled.error;
      }
      if (settled.result.done) {
        pending.delete(source);
        open.delete(source);
        if (started < sources.length) start();
        continue;
      }
      pending.set(source, pull(source, open.get(source)!));
      yield settled.result.value;
    }
  } finally {
    // Wait for what is in flight, so nothing runs on after the caller stopped.
    await Promise.all([...pending.values()]);
    await Promise.all([...open.values()].map((it) => it.return?.()));
  }
}

/**
 * Sorted streams of pages merged into one sorted stream of pages of up to `pageSize` (a k-way merge): each
 * source must come in ascending `keyOf` order (code units, as DynamoDB orders ASCII sort keys). Memory holds
 * one page per source and the page being filled; all sources' first pages are asked for at once.
 */
export async function* mergeSorted<T>(
  sources: ReadonlyArray<() => AsyncIterable<T[]>>,
  keyOf: (item: T) => string,
  pageSize = 100,
): AsyncGenerator<T[]> {
  const iterators = sources.map((s) => s()[Symbol.asyncIterator]());
  const heads: Array<{ items: T[]; at: number; done: boolean }> = iterators.map(() => ({
    items: [],
    at: 0,
    done: false,
  }));
  /** Refills the sources whose page is used up (concurrently), skipping empty pages. */
  const refill = async (which: number[]) => {
    await Promise.all(
      which.map(async (i) => {
        const head = heads[i]!;
        while (!head.done && head.at >= head.items.length) {
          const next = await iterators[i]!.next();
          if (next.done) head.done = true;
          else {
            head.items = next.value;
            head.at = 0;
          }
        }
      }),
    );
  };
  try {
    await refill(heads.map((_, i) => i));
    let page: T[] = [];
    for (;;) {
      let least = -1;
      let leastKey = '';
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]!;
        if (head.at >= head.items.length) continue;
        const key = keyOf(head.items[head.at]!);
        if (least < 0 || key < leastKey) {
          least = i;
          leastKey = key;
        }
      }
      if (least < 0) break;
      const head = heads[least]!;
      page.push(head.items[head.at++]!);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
      if (head.at >= head.items.length) {
        head.items = [];
        await refill([least]);
      }
    }
    if (page.length > 0) yield page;
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}
