import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { SendJob } from '../../functions/domain/model.ts';
import { dispatchNow as dispatch } from '../support/dispatch-now.ts';
import { testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';

/*
 * DESIGN.md §3: every item holding personal data carries an expiry. This file's table is its own, so a
 * scan sees exactly what dispatch, answering and unsubscribing write.
 */
describe('retention', () => {
  it('should give every item dispatch, a response and an unsubscribe write an expiry within retention', async () => {
    // Arrange
    const now = new Date();
    const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!, { retentionDays: 30 });
    await store.putCustomers([
      { id: 'r1', name: '王伟', email: 'r1@example.com', language: 'zh-CN', department: 'north-region' },
      { id: 'r2', name: 'Ben Carter', email: 'r2@example.com', language: 'en', department: 'east-region' },
    ]);
    const jobs: SendJob[] = [];

    // Act
    const wave = await dispatch(
      {
        store,
        queue: { enqueue: async (j) => void jobs.push(...j) },
        clock: { now: () => now },
        suppressions: testSuppressions(),
      },
      { campaign: demoCampaign, questionnaire: itss },
    );
    const [first, second] = jobs;
    await store.saveResponse(
      first!.invitationId,
      {
        answeredAt: now.toISOString(),
        ratings: Object.fromEntries(itss.categories.map((c) => [c.id, 'satisfied'])),
        comments: { suggestions: 'more often' },
        total: 80,
        grade: 'C',
        language: 'zh-CN',
        questionnaireVersion: itss.version,
      },
      now.toISOString(),
      { campaignId: wave.campaignId, waveId: wave.waveId },
    );
    await store.unsubscribe(second!.invitationId, now.toISOString());
    const { Items = [] } = await documentClient().send(
      new ScanCommand({ TableName: process.env.TABLE_NAME }),
    );

    // Assert: the wave, two invitations, two customers, and the dispatch's shard records — each
    // expiring, none later than retention allows.
    expect(wave.invited).toBe(2);
    expect(Items.filter((i) => !String(i.pk).startsWith('DISPATCH#'))).toHaveLength(5);
    const stored = await store.getWave(demoCampaign.id, wave.waveId);
    const latest = Math.floor(Date.parse(stored!.deadline) / 1000);
    for (const item of Items) {
      expect(item.purgeAt, String(item.pk)).toEqual(expect.any(Number));
      expect(item.purgeAt).toBeGreaterThan(now.getTime() / 1000);
      expect(item.purgeAt).toBeLessThanOrEqual(latest + 30 * 86_400);
    }
  });
});
