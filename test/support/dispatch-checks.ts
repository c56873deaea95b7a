import { expect } from 'vitest';
import type { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { selectAudience, waveSeed } from '../../functions/domain/audience.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { invitationId } from '../../functions/domain/token.ts';
import { waveIdFor } from '../../functions/use-cases/dispatch.ts';

/**
 * Checks a dispatched wave against the selection in memory and the table: done, one invitation per picked
 * customer, no claim without its invitation, every invitation's email queued (`jobs`; a job queued twice
 * still sends one email: the send step claims it).
 */
export async function expectComplete(store: DynamoStore, campaign: Campaign, tick: Date, jobs: SendJob[]) {
  const waveId = waveIdFor(campaign.id, tick);
  const wave = await store.getWave(campaign.id, waveId);
  expect(wave?.dispatch?.state).toBe('done');
  const directory = (await store.listCustomers()).filter(
    (c) => c.department === campaign.audience.departments![0],
  );
  const expected = selectAudience({
    audience: campaign.audience,
    directory,
    at: tick,
    timeZone: campaign.dispatch.timeZone,
    waveId,
    seed: waveSeed(campaign.audience, waveId),
  })
    .selected.map((c) => c.id)
    .sort();
  const invitations = await store.listInvitations(waveId);
  expect(invitations.map((i) => i.customer.id).sort()).toEqual(expected);
  expect(wave!.invited).toBe(expected.length);
  // No customer claimed by the wave without an invitation in it.
  const claimed = directory.filter((c) => c.lastSurveyedWave === waveId).map((c) => c.id);
  expect(claimed.sort()).toEqual(expected);
  // Every invitation's email is queued (a job queued twice still sends one: the send step claims it).
  expect(new Set(jobs.map((j) => j.invitationId))).toEqual(new Set(invitations.map((i) => i.id)));
  for (const i of invitations) expect(i.id).toBe(invitationId(waveId, i.customer.id));
}
