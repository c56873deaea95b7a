import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import { SIMULATOR, SMOKE_TAG, smokeCampaignId, smokeCustomerId } from '../../functions/domain/smoke.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { handler, InvalidDispatchEventError } from '../../functions/handlers/dispatch/index.ts';
import { SmokeDispatchError } from '../../functions/use-cases/dispatch-smoke.ts';
import { dispatchHandlerNow } from '../support/dispatch-tasks.ts';
import { lambdaContext, queuedSendJobs, seedCustomers, testStore } from '../support/fixtures.ts';

/* The dispatch function's smoke event (csat smoke), against dynalite and the local SQS endpoint. */
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const store = testStore();
const run = (event: unknown) => handler(event, lambdaContext());

const queuedJobs = () => queuedSendJobs(QUEUE_URL);

const smokeCustomers = (runId: string): Customer[] =>
  (['success', 'bounce', 'complaint'] as const).map((role) => ({
    id: smokeCustomerId(runId, role),
    name: `smoke ${role}`,
    email: SIMULATOR[role],
    language: 'en',
    department: 'east-region',
    tags: [SMOKE_TAG],
  }));

const real: Customer = {
  id: 'real-customer-1',
  name: 'Real Customer',
  email: 'real-customer@example.test',
  language: 'en',
  department: 'east-region',
};

describe('Handler: dispatch (smoke event)', () => {
  beforeEach(async () => {
    await sqsClient().send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL }));
  });

  it('should invite exactly the named smoke customers in a wave filed apart from the campaign', async () => {
    // Arrange
    const runId = 'aaaa1111';
    const customers = smokeCustomers(runId);
    await seedCustomers([real, ...customers]);
    const before = await store.listWaves('demo');

    // Act
    const result = await run({
      campaignId: 'demo',
      smoke: { runId, customerIds: customers.map((c) => c.id) },
    });

    // Assert
    const waveId = `${smokeCampaignId('demo')}-${runId}`;
    expect(result).toMatchObject({ campaignId: 'csat-smoke.demo', waveId, invited: 3, created: 3 });
    expect(result.smoke).toEqual({ runId });
    expect(await store.listWaves('demo')).toEqual(before);
    const wave = await store.getWave('csat-smoke.demo', waveId);
    expect(wave?.smoke).toEqual({ runId });
    // Its reports go to the simulator, never to the campaign's managers or department heads.
    expect(wave?.campaign.report.managers).toEqual([SIMULATOR.success]);
    expect(wave?.campaign.report.departmentHeads).toBeUndefined();
    const invited = (await store.listInvitations(waveId)).map((i) => i.customer.id).sort();
    expect(invited).toEqual(customers.map((c) => c.id).sort());
    const jobs = await queuedJobs();
    expect(jobs.map((j) => j.invitationId).sort()).toEqual(
      customers.map((c) => invitationId(waveId, c.id)).sort(),
    );
  });

  it('should leave smoke customers out of a scheduled wave, counted as not in the audience', async () => {
    // Arrange
    const customers = smokeCustomers('bbbb2222');
    await seedCustomers(customers);

    // Act
    const result = await dispatchHandlerNow({ campaignId: 'demo', scheduledTime: '2031-01-06T01:00:00Z' });

    // Assert
    const invited = (await store.listInvitations(result.waveId)).map((i) => i.customer.id);
    expect(invited.filter((id) => id.startsWith('csat-smoke-'))).toEqual([]);
    expect(result.excluded?.notInAudience).toBeGreaterThanOrEqual(3);
  });

  it('should refuse a smoke wave naming a customer without the smoke tag, and write nothing', async () => {
    // Arrange: a customer with a smoke id but imported without the tag, as a real one would be.
    const runId = 'cccc3333';
    const [success, ...rest] = smokeCustomers(runId);
    await seedCustomers([{ ...success!, tags: [] }, ...rest]);

    // Act
    const act = run({ campaignId: 'demo', smoke: { runId, customerIds: [success!.id, rest[0]!.id] } });

    // Assert
    await expect(act).rejects.toThrow(SmokeDispatchError);
    await expect(act).rejects.toThrow(/does not carry the smoke tag/);
    expect(await store.getWave('csat-smoke.demo', `csat-smoke.demo-${runId}`)).toBeUndefined();
    expect(await queuedJobs()).toEqual([]);
  });

  it('should refuse malformed smoke events with a clear error', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ campaignId: 'demo', smoke: { runId: 'X', customerIds: ['csat-smoke-X-success'] } }, /smoke.runId: /],
      [
        { campaignId: 'demo', smoke: { runId: 'dddd4444', customerIds: [real.id] } },
        /smoke.customerIds: every/,
      ],
      [{ campaignId: 'demo', smoke: { runId: 'dddd4444', customerIds: [] } }, /smoke.customerIds: must name/],
      [
        {
          campaignId: 'demo',
          scheduledTime: '2031-01-06T01:00:00Z',
          smoke: { runId: 'dddd4444', customerIds: ['csat-smoke-dddd4444-success'] },
        },
        /smoke: a smoke wave is not a schedule tick/,
      ],
      [{ campaignId: 'demo', smoke: { runId: 'dddd4444', customerIds: ['x'], extra: 1 } }, /smoke: /],
    ];
    for (const [event, message] of cases) {
      const act = run(event);
      await expect(act).rejects.toThrow(InvalidDispatchEventError);
      await expect(act).rejects.toThrow(message);
    }
    expect(await queuedJobs()).toEqual([]);
  });
});
