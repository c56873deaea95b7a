import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { type Campaign, type Customer, findCampaign } from '../../functions/domain/programme.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { addressHash } from '../../functions/domain/token.ts';
import { type DispatchDeps, waveIdFor } from '../../functions/use-cases/dispatch.ts';
import { dispatchEvents } from '../../functions/use-cases/dispatch-events.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { suppressAddress } from '../../functions/use-cases/suppression.ts';
import { programme } from '../../programme/index.ts';
import { MemoryDispatchTasks } from '../support/dispatch-tasks.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { itss } from '../support/programme.ts';

/*
 * An event wave asks the suppression list only about the customers it would invite: those with a step due
 * that nothing else leaves out (use-cases/dispatch-event-chunk.ts), not every customer of the directory.
 */
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const afterDelivery = findCampaign(programme, 'after-delivery')!;
/** 00:30 on 2026-04-03 in Shanghai: the wave counts steps due on 2026-04-03 (and caught-up ones). */
const TICK = new Date('2026-04-02T16:30:00.000Z');
const clock = { now: () => new Date('2026-04-02T16:30:05.000Z') };

describe('Use case: the suppression lookups of an event wave', () => {
  it("should look up only the due customers' addresses, in the invite round, and leave the listed out", async () => {
    // Arrange: 60 customers of the campaign's department, one in three with a step due on the day, one in
    // three caught up, one in three not due; 20 more of another department, all due. Of the due in the
    // department: one suppressed on the customer item, one bounced and one unsubscribed on the list.
    const tag = randomUUID().slice(0, 8);
    const department = `sup-${tag}`;
    const campaign: Campaign = {
      ...afterDelivery,
      id: `s-${tag}`,
      dispatch: { cron: '30 0 * * *', timeZone: 'Asia/Shanghai' },
      audience: { departments: [department] },
    };
    const dates = ['2026-03-01', '2026-01-03', '2026-03-20'];
    const customer = (i: number, dept: string, deliveryDates: string[]): Customer => ({
      id: `${tag}-${dept}-${i}`,
      name: `Customer ${i}`,
      email: `${dept}-${tag}-${i}@example.test`,
      language: 'en',
      department: dept,
      spend12m: (i * 37) % 101,
      deliveryDates,
    });
    const own = Array.from({ length: 60 }, (_, i) => customer(i, department, [dates[i % 3]!]));
    const others = Array.from({ length: 20 }, (_, i) => customer(i, `other-${tag}`, ['2026-01-03']));
    await store.putCustomers([...own, ...others]);
    const [itemSuppressed, bounced, unsubscribed] = [own[0]!, own[1]!, own[3]!];
    await store.suppressCustomer(itemSuppressed.id, '2026-03-15T00:00:00.000Z');
    const suppressions = testSuppressions();
    await suppressAddress(suppressions, bounced.email, 'bounced', '2026-03-15T00:00:00.000Z');
    await suppressAddress(suppressions, unsubscribed.email, 'unsubscribed', '2026-03-16T00:00:00.000Z');
    const asked: Array<{ round: number; hashes: readonly string[] }> = [];
    let round = -1;
    const tasks = new MemoryDispatchTasks();
    const deps: DispatchDeps = {
      store,
      clock,
      suppressions: {
        secret: suppressions.secret,
        list: {
          add: (hash, reason, at) => suppressions.list.add(hash, reason, at),
          find: async (hashes) => {
            asked.push({ round, hashes });
            return suppressions.list.find(hashes);
          },
        },
      },
      queue: { enqueue: async () => {} },
      tasks,
    };

    // Act: the tick, then every shard task of every round.
    await dispatchEvents(deps, { campaign, questionnaire: itss, scheduledTime: TICK });
    await tasks.drain(async (task: DispatchTask) => {
      round = task.round;
      await runDispatchTask(deps, task);
    });

    // Assert: the key round asked nothing; the invite round asked once for each due customer of the
    // department not suppressed on their item (39 of the directory's 80), and for no one else.
    const secret = await suppressions.secret();
    const due = own.filter((_, i) => i % 3 !== 2 && i !== 0);
    const keys = asked.flatMap((a) => a.hashes);
    expect(asked.filter((a) => a.round !== 1)).toEqual([]);
    expect(keys).toHaveLength(39);
    expect(new Set(keys)).toEqual(new Set(due.map((c) => addressHash(secret, c.email))));
    const wave = await store.getWave(campaign.id, waveIdFor(campaign.id, TICK), { consistent: true });
    expect(wave?.dispatch?.state).toBe('done');
    expect(wave?.invited).toBe(37);
    expect(wave?.selection?.excluded).toMatchObject({ suppressed: 2, unsubscribed: 1, notInAudience: 20 });
    const invited = new Set((await store.listInvitations(wave!.waveId)).map((i) => i.customer.id));
    for (const left of [itemSuppressed, bounced, unsubscribed]) expect(invited.has(left.id)).toBe(false);
  });
});
