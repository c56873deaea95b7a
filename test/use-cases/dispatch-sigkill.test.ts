import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { Campaign, Customer } from '../../functions/domain/programme.ts';
import { expectComplete } from '../support/dispatch-checks.ts';
import { dispatchNow } from '../support/dispatch-now.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';

/*
 * A dispatch process SIGKILLed at a random call (fast-check picks it) and run again completes the same
 * wave. The killed process's dispatch tasks die with it; only its send jobs survive (as in SQS): the rerun
 * — the tick's retry, or `csat dispatch` — must find where each shard stood and finish the wave.
 */
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const TICK = new Date('2025-06-01T01:00:00.000Z');
const dir = await mkdtemp(join(tmpdir(), 'csat-sigkill-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function scenario(): Promise<Campaign> {
  const tag = randomUUID().slice(0, 8);
  const department = `sigkill-${tag}`;
  const customers: Customer[] = Array.from({ length: 30 }, (_, i) => ({
    id: `${tag}-${i}`,
    name: `Customer ${i}`,
    email: `sigkill-${tag}-${i}@example.com`,
    language: 'zh-CN',
    department,
    interactions12m: i % 5,
  }));
  await store.putCustomers(customers);
  return {
    ...demoCampaign,
    id: `s-${tag}`,
    audience: {
      departments: [department],
      sample: {
        method: 'stratified',
        size: 18,
        by: 'interactions12m',
        strata: [
          { name: 'top', share: 0.5 },
          { name: 'rest', share: 0.5 },
        ],
      },
    },
  };
}

/** Runs the dispatch in a child process that SIGKILLs itself at call `killAt`; its exit signal, and jobs. */
function runChild(campaign: Campaign, killAt: number, jobsFile: string) {
  return new Promise<{ signal: string | null; stdout: string }>((done) => {
    const child = execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        join('test', 'support', 'dispatch-child.ts'),
        JSON.stringify(campaign),
        TICK.toISOString(),
        String(killAt),
        jobsFile,
      ],
      { env: process.env },
      (_error, stdout) => done({ signal: child.signalCode, stdout }),
    );
  });
}

const jobsIn = async (file: string): Promise<SendJob[]> =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SendJob);

describe('Property: a dispatch process SIGKILLed at any call', () => {
  it('should leave a wave that a rerun completes: no customer stranded, none invited twice', async () => {
    // A run that is never killed says how many calls there are to kill at.
    const clean = await runChild(await scenario(), Number.MAX_SAFE_INTEGER, join(dir, 'clean.jsonl'));
    expect(clean.signal).toBeNull();
    const { calls } = JSON.parse(clean.stdout) as { calls: number };
    expect(calls).toBeGreaterThan(40);

    // Each scenario's customers are new ids, so they fall in other shards and the call count varies a
    // little from run to run: kill points stop short of the clean run's last calls, and a run that ends
    // before its kill point is still checked (it must be complete), but most runs must have been killed.
    let killedRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: Math.floor(calls * 0.75) }), async (killAt) => {
        const campaign = await scenario();
        const jobsFile = join(dir, `${campaign.id}.jsonl`);
        const killed = await runChild(campaign, killAt, jobsFile);
        if (killed.signal === 'SIGKILL') killedRuns++;
        else expect(killed.signal).toBeNull();

        const jobs = await jobsIn(jobsFile);
        const rerun = await dispatchNow(
          {
            store,
            clock: { now: () => new Date(TICK.getTime() + 60_000) },
            suppressions: testSuppressions(),
            queue: { enqueue: async (j) => void jobs.push(...(j as SendJob[])) },
          },
          { campaign, questionnaire: itss, scheduledTime: TICK },
        );
        expect(rerun.state).toBe('done');
        await expectComplete(store, campaign, TICK, jobs);
      }),
      { numRuns: 5 },
    );
    expect(killedRuns).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
