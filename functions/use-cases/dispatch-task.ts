import type { DirectoryCustomer } from '../domain/audience.ts';
import type { InvitedCustomer, Wave } from '../domain/model.ts';
import { invitedByOf } from '../domain/report/rollup.ts';
import { Criteria } from '../domain/selection/criteria.ts';
import {
  addCounts,
  type InviteTally,
  type ShardRecord,
  type WaveDispatch,
} from '../domain/selection/dispatch-state.ts';
import { advancePlan, classify, ShardCounter } from '../domain/selection/plan.ts';
import type { DispatchTask } from '../domain/selection/task.ts';
import { forEachLimited } from './concurrency.ts';
import { claimOf, type DispatchDeps, selectionInputOf } from './dispatch.ts';
import { countDue, inviteEventChunk, isEventWave } from './dispatch-event-chunk.ts';
import { inviteAll, invitedCustomer, WRITE_CONCURRENCY } from './dispatch-invite.ts';
import { addTally, noTally } from './dispatch-tally.ts';
import { applySuppressions } from './suppression.ts';

/** Customers one task reads at most: the unit of work whose time and memory stay the same at any size. */
export const CHUNK = 2_000;
/** Customers per directory page. */
const PAGE = 500;

/** What a task needs: the dispatch's own adapters (dispatch.ts). */
export type DispatchTaskDeps = DispatchDeps;

const isOpen = (w: Wave | undefined): w is Wave & { dispatch: WaveDispatch } =>
  w?.dispatch?.state === 'selecting' || w?.dispatch?.state === 'inviting';

/**
 * Runs one chunk of one shard in the wave's current round: counts it for the selection or, in the invite
 * round, claims, invites and queues its selected customers; records the shard's progress (one conditional
 * write, so of two runs of the task one counts); then queues the shard's next chunk or, after its last,
 * moves the wave on if every shard is through the round. A task of a finished round or wave does nothing.
 */
export async function runDispatchTask(deps: DispatchTaskDeps, task: DispatchTask): Promise<void> {
  const { store, tasks } = deps;
  // Both read at once: the record is only used once the wave says the task's round is open.
  const [wave, record] = await Promise.all([
    store.getWave(task.campaignId, task.waveId, { consistent: true }),
    store.getShardRecord(task.waveId, task.round, task.shard),
  ]);
  if (!isOpen(wave)) return;
  if (wave.dispatch.plan.round > task.round) {
    // The round is over. A redelivered task of the round just before may be the last one's, whose run
    // moved the plan on and died before queuing the new round: queue the shards with no record in it.
    if (wave.dispatch.plan.round === task.round + 1)
      await queueRound(deps, wave, await store.shardRecords(task.waveId, wave.dispatch.plan.round), {
        unstartedOnly: true,
      });
    return;
  }
  if (wave.dispatch.plan.round < task.round)
    throw new Error(`wave ${task.waveId} is at round ${wave.dispatch.plan.round}, not ${task.round} yet`);
  const chunksDone = record?.chunk ?? 0;
  if (chunksDone > task.chunk) {
    // Done already (a redelivery, or a run that died after recording): finish what that run may not have.
    if (record!.done) await advanceWave(deps, wave);
    else if (chunksDone === task.chunk + 1)
      await tasks.enqueue([{ ...task, chunk: chunksDone, cursor: record!.cursor! }]);
    return;
  }
  if (chunksDone < task.chunk)
    throw new Error(`shard ${task.shard} has done ${chunksDone} chunks, not ${task.chunk}`);

  // An event wave reads no suppression list here: its selection only counts spend, interactions and due
  // steps, and its invite round looks up only the customers with a step due (inviteEventChunk). A periodic
  // sample must not draw suppressed customers: each of its rounds reads the list for the whole chunk.
  const suppressed = !isEventWave(wave);
  const { customers, cursor } = await readChunk(deps, task, suppressed);
  const next: ShardRecord = {
    round: task.round,
    shard: task.shard,
    chunk: task.chunk + 1,
    done: cursor === undefined,
    expiresAt: wave.deadline,
    ...(cursor !== undefined ? { cursor } : {}),
  };
  if (wave.dispatch.plan.stage === 'invite') {
    const invited = isEventWave(wave)
      ? await inviteEventChunk(deps, wave, customers)
      : await inviteChunk(deps, wave, customers);
    next.tally = addTally(record?.tally ?? noTally(), invited);
  } else {
    const counter = new ShardCounter(wave.dispatch.plan, selectionInputOf(wave));
    counter.add(customers);
    next.counts = record?.counts ? addCounts(record.counts, counter.result()) : counter.result();
    if (isEventWave(wave)) next.due = (record?.due ?? 0) + countDue(wave, customers);
  }
  if (!(await store.putShardRecord(task.waveId, next))) return;
  if (cursor !== undefined) {
    const { cursor: _, ...rest } = task;
    await tasks.enqueue([{ ...rest, chunk: next.chunk, cursor }]);
  } else await advanceWave(deps, wave);
}

/** Up to CHUNK customers of the task's shard from its cursor; with `suppressed`, suppressed addresses marked. */
async function readChunk(deps: DispatchTaskDeps, task: DispatchTask, suppressed: boolean) {
  const customers: DirectoryCustomer[] = [];
  let cursor = task.cursor;
  do {
    const page = await deps.store.customerPage(task.shard, cursor, Math.min(PAGE, CHUNK - customers.length));
    customers.push(
      ...(suppressed ? await applySuppressions(deps.suppressions, page.customers) : page.customers),
    );
    cursor = page.cursor;
  } while (cursor !== undefined && customers.length < CHUNK);
  return { customers, cursor };
}

/** The invite round for a chunk: claim each selected customer (the frequency rule), invite, queue. */
async function inviteChunk(
  deps: DispatchTaskDeps,
  wave: Wave,
  customers: DirectoryCustomer[],
): Promise<InviteTally> {
  const criteria = new Criteria(selectionInputOf(wave));
  const tally = noTally();
  tally.customers = customers.length;
  const selected: InvitedCustomer[] = [];
  for (const c of customers) {
    const { segments, outcome } = classify(wave.dispatch!.plan, criteria, c);
    if (outcome === 'selected') selected.push(invitedCustomer(c, segments));
    else tally.excluded[outcome] += 1;
  }
  // Another campaign's wave that claimed a customer meanwhile keeps them: surveyed recently.
  const claim = claimOf(wave);
  const claimed: InvitedCustomer[] = [];
  await forEachLimited(selected, WRITE_CONCURRENCY, async (c) => {
    if (await deps.store.claimContact(c.id, claim)) claimed.push(c);
    else tally.excluded.surveyedRecently += 1;
  });
  const { created, queued } = await inviteAll(deps, { wave, now: deps.clock.now() }, claimed);
  return { ...tally, invited: claimed.length, created, queued, invitedBy: invitedByOf(claimed) };
}

/**
 * Moves the wave on once every shard is through its round: the selection's next round (its tasks queued
 * once the plan is stored, by whichever call stores it), or, after the invite round, the wave's figures
 * and `done` (or `empty`). Returns the wave as moved, or undefined when it is not time yet or another
 * call moved it.
 */
export async function advanceWave(deps: DispatchTaskDeps, wave: Wave): Promise<Wave | undefined> {
  if (!isOpen(wave)) return undefined;
  const { store } = deps;
  const current = wave.dispatch;
  const records = await store.shardRecords(wave.waveId, current.plan.round);
  if (records.length < current.shards || records.some((r) => !r.done)) return undefined;
  const from = { round: current.plan.round, state: current.state };
  // An event wave with no step due anywhere is through after this round: nothing to invite.
  const nothingDue =
    current.plan.stage !== 'invite' && isEventWave(wave) && records.every((r) => (r.due ?? 0) === 0);
  if (current.plan.stage === 'invite' || nothingDue) {
    const tally = records.reduce((sum, r) => addTally(sum, r.tally ?? noTally()), noTally());
    if (nothingDue) tally.customers = records.reduce((n, r) => n + (r.counts?.customers ?? 0), 0);
    const change = {
      dispatch: {
        ...current,
        state: tally.invited > 0 ? ('done' as const) : ('empty' as const),
        totals: { created: tally.created, queued: tally.queued },
        ...(current.events
          ? { events: { ...current.events, steps: tally.steps ?? {}, caughtUp: tally.caughtUp ?? 0 } }
          : {}),
      },
      invited: tally.invited,
      invitedBy: tally.invitedBy,
      selection: { seed: selectionInputOf(wave).seed, directory: tally.customers, excluded: tally.excluded },
    };
    return (await store.updateWaveDispatch(wave.campaignId, wave.waveId, from, change))
      ? { ...wave, ...change }
      : undefined;
  }
  const plan = advancePlan(
    current.plan,
    selectionInputOf(wave),
    records.map((r) => r.counts!),
  );
  const dispatch: WaveDispatch = {
    ...current,
    state: plan.stage === 'invite' ? 'inviting' : 'selecting',
    plan,
  };
  if (!(await store.updateWaveDispatch(wave.campaignId, wave.waveId, from, { dispatch }))) return undefined;
  const moved = { ...wave, dispatch };
  await queueRound(deps, moved, []);
  return moved;
}

/**
 * Queues the round's task of every shard not through it, from where its record left off; with
 * `unstartedOnly`, only of the shards with no record yet.
 */
async function queueRound(
  deps: DispatchTaskDeps,
  wave: Wave & { dispatch: WaveDispatch },
  records: ShardRecord[],
  options: { unstartedOnly?: boolean } = {},
) {
  const { round } = wave.dispatch.plan;
  const byShard = new Map(records.map((r) => [r.shard, r]));
  const tasks: DispatchTask[] = [];
  for (let shard = 0; shard < wave.dispatch.shards; shard++) {
    const r = byShard.get(shard);
    if (r?.done || (r && options.unstartedOnly)) continue;
    tasks.push({
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      round,
      shard,
      chunk: r?.chunk ?? 0,
      ...(r?.cursor !== undefined ? { cursor: r.cursor } : {}),
    });
  }
  if (tasks.length > 0) await deps.tasks.enqueue(tasks);
}

/**
 * Picks up a wave's dispatch where it stands (a retried tick, `csat dispatch` after a crash): queues the
 * current round's tasks of the shards not through it, or moves the wave on when they all are.
 */
export async function resumeWave(deps: DispatchTaskDeps, wave: Wave): Promise<void> {
  if (!isOpen(wave)) return;
  const records = await deps.store.shardRecords(wave.waveId, wave.dispatch.plan.round);
  if (records.length === wave.dispatch.shards && records.every((r) => r.done)) {
    const moved = await advanceWave(deps, wave);
    // Moved to the next round: its tasks are queued. Finished, or moved by someone else: nothing to do.
    if (moved) return;
    const now = await deps.store.getWave(wave.campaignId, wave.waveId, { consistent: true });
    if (now && isOpen(now) && now.dispatch.plan.round !== wave.dispatch.plan.round)
      await resumeWave(deps, now);
    return;
  }
  await queueRound(deps, wave, records);
}
