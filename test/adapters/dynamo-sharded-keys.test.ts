import { describe, expect, it } from 'vitest';
import {
  ANSWER_SHARDS,
  answersPartition,
  INVITATION_SHARDS,
  shardOf,
  waveInvitationsPartition,
  waveResponsesPartition,
} from '../../functions/adapters/dynamo-keys.ts';
import type { Invitation, StoredResponse } from '../../functions/domain/model.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { scanTable } from '../support/scan.ts';

/*
 * The hot GSI keys, sharded (dynamo-keys.ts): a wave's invitations, a campaign-day's answers and a wave's
 * anonymous responses spread over their shards, and every reader still sees each item once, answers in
 * answer order.
 */
const store = testStore();
const INVITATIONS = 120;

const response = (answeredAt: string): StoredResponse => ({
  answeredAt,
  ratings: { quality: 'satisfied' },
  comments: {},
  total: 75,
  grade: 'B',
  language: 'en',
  questionnaireVersion: 1,
});

const collect = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
};

describe('DynamoStore: sharded keys', () => {
  it('should spread a wave over its shards and list every invitation once', async () => {
    // Arrange
    const wave = await seedWave();
    const seeded: Invitation[] = [];
    for (let i = 0; i < INVITATIONS; i++) seeded.push((await seedInvitation(wave)).invitation);
    const ids = seeded.map((i) => i.id).sort();

    // Act
    const listed = await store.listInvitations(wave.waveId);
    const paged = await collect(store.invitationPages(wave.waveId));

    // Assert
    expect(listed.map((i) => i.id).sort()).toEqual(ids);
    expect(paged.map((i) => i.id).sort()).toEqual(ids);
    expect(listed.find((i) => i.id === seeded[0]!.id)).toEqual(seeded[0]);
    const items = (await scanTable()).filter(
      (i) => i.waveId === wave.waveId && String(i.pk).startsWith('INV#'),
    );
    for (const item of items)
      expect(item.gsi1pk).toBe(
        waveInvitationsPartition(wave.waveId, shardOf(String(item.id), INVITATION_SHARDS)),
      );
    // 120 ids over 32 shards: with FNV-1a, most shards are used and none takes a large share.
    const perShard = new Map<unknown, number>();
    for (const item of items) perShard.set(item.gsi1pk, (perShard.get(item.gsi1pk) ?? 0) + 1);
    expect(perShard.size).toBeGreaterThan(INVITATION_SHARDS / 2);
    expect(Math.max(...perShard.values())).toBeLessThan(INVITATIONS / 8);
  });

  it('should file answers in shards of their day and read them back in answer order', async () => {
    // Arrange: answers over two UTC days, stored in an order unrelated to their times.
    const wave = await seedWave();
    const day = Date.parse('2026-11-30T20:00:00.000Z');
    const answered: Array<{ id: string; at: string }> = [];
    for (let i = 0; i < 60; i++) {
      const { invitation } = await seedInvitation(wave, { expiresAt: '2099-01-01T00:00:00.000Z' });
      const at = new Date(day + ((i * 7919) % 60) * 9 * 60_000 + i).toISOString();
      const stored = await store.saveResponse(invitation.id, response(at), at, wave);
      expect(stored).toBe('stored');
      answered.push({ id: invitation.id, at });
    }
    const from = '2026-11-30T00:00:00.000Z';
    const to = '2026-12-02T00:00:00.000Z';

    // Act
    const ofWave = (list: Invitation[]) => list.filter((i) => i.waveId === wave.waveId);
    const listed = ofWave(await store.listAnswered(wave.campaignId, from, to));
    const window = ofWave(
      await store.listAnswered(wave.campaignId, '2026-11-30T23:00:00.000Z', '2026-12-01T01:00:00.000Z'),
    );

    // Assert
    const inOrder = [...answered].sort((a, b) => (a.at < b.at ? -1 : 1));
    expect(listed.map((i) => i.id)).toEqual(inOrder.map((a) => a.id));
    expect(window.map((i) => i.id)).toEqual(
      inOrder
        .filter((a) => a.at >= '2026-11-30T23:00:00.000Z' && a.at < '2026-12-01T01:00:00.000Z')
        .map((a) => a.id),
    );
    const items = (await scanTable()).filter((i) => i.waveId === wave.waveId && i.gsi2pk !== undefined);
    expect(items).toHaveLength(answered.length);
    for (const item of items) {
      const date = String(item.gsi2sk).slice(0, 10);
      expect(item.gsi2pk).toBe(
        answersPartition(wave.campaignId, date, shardOf(String(item.id), ANSWER_SHARDS)),
      );
    }
    expect(new Set(items.map((i) => i.gsi2pk)).size).toBeGreaterThan(ANSWER_SHARDS);
  });

  it("should shard an anonymous wave's responses and list each once", async () => {
    // Arrange
    const wave = await seedWave();
    const at = '2026-11-30T00:00:00.000Z';
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { invitation } = await seedInvitation(wave, { expiresAt: '2099-01-01T00:00:00.000Z' });
      const id = `anon-${wave.waveId}-${i}`;
      const outcome = await store.saveAnonymousResponse(
        invitation.id,
        {
          id,
          campaignId: wave.campaignId,
          waveId: wave.waveId,
          department: 'east-region',
          response: response(at),
        },
        at,
      );
      expect(outcome).toBe('stored');
      ids.push(id);
    }

    // Act
    const listed = await store.listAnonymousResponses(wave.waveId);
    const answered = (await store.listAnswered(wave.campaignId, at, '2026-12-01T00:00:00.000Z')).filter(
      (i) => i.waveId === wave.waveId,
    );

    // Assert
    expect(listed.map((r) => r.id).sort()).toEqual([...ids].sort());
    // Anonymous answers share their day's midnight: the merge orders them by id, as one partition did.
    expect(answered.map((i) => i.id)).toEqual([...ids].sort());
    const items = (await scanTable()).filter(
      (i) => String(i.pk).startsWith('ARESP#') && i.waveId === wave.waveId,
    );
    for (const item of items)
      expect(item.gsi1pk).toBe(waveResponsesPartition(wave.waveId, shardOf(String(item.id), ANSWER_SHARDS)));
  });
});
