/*
 * Dispatch at scale, for `npm run bench` (bench/dispatch-bench.ts starts it once per size, in a process of
 * its own, heap capped, so the peak it prints is this dispatch's alone). `seed N` fills a table of its own
 * with N customers; `run N` dispatches a wave of a campaign sampling 50 % of them (so every stage of the
 * selection runs) and runs the dispatch tasks one at a time, as Lambda would run each in an invocation;
 * `run-events N` does the same for a wave of an event-triggered campaign (one customer in ten due):
 *   - each task's time, and the heap at its peak (sampled every 2 ms, after a GC between tasks);
 *   - the wave's time as AWS would run it: the rounds one after another, the shards of a round side by
 *     side, the chunks of a shard one after another (the sum of its chunks' times);
 *   - the calls to DynamoDB and the send jobs queued.
 * Prints one line of JSON.
 */
import { documentClient } from '../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../functions/adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../functions/adapters/dynamo-suppressions.ts';
import type { Campaign, Customer } from '../functions/domain/programme.ts';
import { currentQuestionnaire, findCampaign } from '../functions/domain/programme.ts';
import type { DispatchTask } from '../functions/domain/selection/task.ts';
import { type DispatchDeps, dispatch } from '../functions/use-cases/dispatch.ts';
import { dispatchEvents } from '../functions/use-cases/dispatch-events.ts';
import { runDispatchTask } from '../functions/use-cases/dispatch-task.ts';
import { programme } from '../programme/index.ts';
import { beforeEveryCall } from '../test/support/every-call.ts';

const [mode, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
const TICK = new Date('2026-12-01T01:00:00.000Z');
const DEPARTMENTS = ['north-region', 'south-region', 'east-region', 'west-region'];
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** A deterministic directory: departments, spend and interactions spread, a few keys and unsubscribes. */
function customerAt(i: number): Customer & { unsubscribedAt?: string } {
  return {
    id: `b${String(i).padStart(8, '0')}`,
    name: `Customer ${i}`,
    email: `bench-${i}@example.com`,
    language: i % 3 === 0 ? 'en' : 'zh-CN',
    department: DEPARTMENTS[i % DEPARTMENTS.length]!,
    spend12m: ((i * 7919) % 250_000) / 100,
    interactions12m: (i * 31) % 17,
    ...(i % 97 === 0 ? { key: true } : {}),
    // For the event wave (`run-events`): one in ten has a step due on the tick's date (1 month after
    // 2026-11-01), the others none (2026-06-15: steps in July, September and next June).
    deliveryDates: [i % 10 === 0 ? '2026-11-01' : '2026-06-15'],
  };
}

async function seed(): Promise<Record<string, number>> {
  const started = performance.now();
  const BATCH = 1000;
  for (let i = 0; i < size; i += BATCH) {
    await store.putCustomers(Array.from({ length: Math.min(BATCH, size - i) }, (_, j) => customerAt(i + j)));
  }
  return { seedMs: Math.round(performance.now() - started) };
}

async function run(events: boolean): Promise<Record<string, number>> {
  const demo = findCampaign(programme, 'demo')!;
  const afterDelivery = findCampaign(programme, 'after-delivery')!;
  const campaign: Campaign = events
    ? { ...afterDelivery, id: 'bench-events', audience: { minDaysBetweenSurveys: 0 } }
    : {
        ...demo,
        id: 'bench',
        audience: { sample: { method: 'random', percent: 50 }, minDaysBetweenSurveys: 0 },
      };
  let calls = 0;
  const counted = beforeEveryCall(store, () => {
    calls++;
  });
  const pending: DispatchTask[] = [];
  let jobs = 0;
  const deps: DispatchDeps = {
    store: counted,
    clock: { now: () => new Date(TICK.getTime() + 3_000) },
    suppressions: {
      list: new DynamoSuppressions(documentClient(), process.env.TABLE_NAME!),
      secret: async () => process.env.TOKEN_SECRET!,
    },
    queue: {
      enqueue: async (j) => {
        jobs += j.length;
      },
    },
    tasks: {
      enqueue: async (t) => {
        pending.push(...t);
      },
    },
  };
  const started = performance.now();
  const first = await (events ? dispatchEvents : dispatch)(deps, {
    campaign,
    questionnaire: currentQuestionnaire(programme, campaign.questionnaire),
    scheduledTime: TICK,
  });

  // Chains: round → shard → the sum of its chunks' times.
  const chains = new Map<number, Map<number, number>>();
  let tasks = 0;
  let maxTaskMs = 0;
  let peakHeap = 0;
  while (pending.length > 0) {
    const task = pending.shift()!;
    gc();
    let peak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 2);
    const t0 = performance.now();
    await runDispatchTask(deps, task);
    const ms = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    peakHeap = Math.max(peakHeap, peak);
    maxTaskMs = Math.max(maxTaskMs, ms);
    tasks++;
    const round = chains.get(task.round) ?? new Map<number, number>();
    round.set(task.shard, (round.get(task.shard) ?? 0) + ms);
    chains.set(task.round, round);
  }
  const sequentialMs = performance.now() - started;
  const wave = await store.getWave(campaign.id, first.waveId);
  if (wave?.dispatch?.state !== 'done') throw new Error(`the wave did not finish: ${wave?.dispatch?.state}`);
  const parallelMs = [...chains.values()].reduce((sum, shards) => sum + Math.max(...shards.values()), 0);
  return {
    customers: size,
    invited: wave.invited,
    rounds: chains.size,
    tasks,
    jobs,
    dynamoCalls: calls,
    sequentialMs: Math.round(sequentialMs),
    parallelMs: Math.round(parallelMs),
    usPerCustomer: Math.round((sequentialMs * 1000) / size),
    maxTaskMs: Math.round(maxTaskMs),
    peakHeapMb: Math.round((peakHeap / 1048576) * 10) / 10,
  };
}

const result = mode === 'seed' ? await seed() : await run(mode === 'run-events');
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
