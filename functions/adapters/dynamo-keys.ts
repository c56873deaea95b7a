/*
 * Single-table layout (keys pk/sk, one sparse index gsi1):
 *   wave        pk CAMPAIGN#{campaign}  sk WAVE#{wave}
 *   invitation  pk INV#{id}             sk INV        gsi1 WAVE#{wave}#{shard} / INV#{id}   (response stored on it)
 *               once answered:                        gsi2 ANSWERS#{campaign}#{UTC date}#{shard} / {answeredAt}#{id}
 *               (an anonymous campaign's invitation only gets `answered: true`, no gsi2, no time)
 *   anonymous   pk ARESP#{id}           sk ARESP      gsi1 RESPONSES#{wave}#{shard} / {id}
 *   response    id = HMAC(secret, invitation id)      gsi2 ANSWERS#{campaign}#{UTC date}#{shard} / {UTC date}T00:00:00.000Z#{id}
 *               (domain/anonymity.ts: no customer, no time finer than the day, so the sort key orders by id)
 *   customer    pk CUSTOMER#{id}        sk PROFILE    gsi1 CUSTOMERS#{shard} / {id}   (shard = shardOf(id, DIRECTORY_SHARDS))
 *               (+ unsubscribedAt, suppressedAt, lastSurveyedAt/lastSurveyedWave: csat's own, kept on import)
 *   suppression pk SUPPRESS#{address hash} sk SUPPRESS (reasons, since: no purgeAt, no personal data)
 *   dispatch    pk DISPATCH#{wave}      sk R{round}#S{shard}   (a shard's progress in a round: use-cases/dispatch-task.ts)
 *   action      pk ACTION#{id}          sk ACTION     gsi1 ACTIONS#{campaign} / {openedAt}#{id}
 *               while not final:                      gsi2 LIVEACTIONS#{campaign} / {id}
 *   send budget pk SENDRATE#{shard}     sk SENDRATE   (dynamo-send-budget.ts: the account's SES rate and
 *               daily quota shared by every send instance; counters only, no personal data, no purgeAt)
 * {shard} is shardOf(item id, …): a key every write of a kind would share is split so that none takes more than
 * a GSI partition's ≈1,000 writes a second (counts and reasons by the constants below); readers query every
 * shard, a few at a time (dynamo-shards.ts), and a day's answers come back in answer order (a k-way merge).
 * Items holding personal data carry `purgeAt` (epoch seconds), the table's TTL attribute.
 * Only conditional writes, no transactions: dynalite has none, and none are needed.
 */
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

/** Key schema shared by the CDK table and the local emulator's table. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { name: GSI1, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  gsi2: { name: GSI2, partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ttlAttribute: 'purgeAt',
} as const;

export interface ItemKey {
  pk: string;
  sk: string;
}

/** The partition of a campaign's waves, and the sort key prefix they share in it. */
export const campaignPartition = (campaignId: string): string => `CAMPAIGN#${campaignId}`;
export const WAVE_PREFIX = 'WAVE#';
export const waveKey = (campaignId: string, waveId: string): ItemKey => ({
  pk: campaignPartition(campaignId),
  sk: `${WAVE_PREFIX}${waveId}`,
});

export const invitationKey = (id: string): ItemKey => ({ pk: `INV#${id}`, sk: 'INV' });

/** An anonymous campaign's response, apart from its invitation (domain/anonymity.ts). */
export const anonymousResponseKey = (id: string): ItemKey => ({ pk: `ARESP#${id}`, sk: 'ARESP' });

export const customerKey = (id: string): ItemKey => ({ pk: `CUSTOMER#${id}`, sk: 'PROFILE' });
/**
 * Which of `shards` write shards an item goes to: FNV-1a of its id, so the same id always lands in the same
 * shard and ids spread evenly. A GSI partition key takes about 1,000 writes a second; a key that every
 * item of a kind shares (the whole directory, a whole wave) is split this way into `shards` keys.
 */
export function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/** The directory's gsi1 shards: what one customer write touches, and the unit dispatch fans out over. */
export const DIRECTORY_SHARDS = 16;
/** gsi1: one shard of the directory, every customer's profile in it. */
export const customersPartition = (shard: number): string => `CUSTOMERS#${shard}`;

/**
 * A wave's invitations' gsi1 shards. Dispatch creates a wave as fast as it fans out over the directory (a 1 M
 * wave within minutes: ≈3,000–10,000 new invitations a second), and with the ALL projection every later write
 * to an invitation (send claim, message id, reminders) is a gsi1 write as well, so ≈3 per invitation: 32 shards
 * (as many as the directory's) take ≈32,000 a second, and a reader's 32 Queries cost nothing next to a wave's.
 */
export const INVITATION_SHARDS = 32;
/** gsi1: one shard of a wave's invitations. */
export const waveInvitationsPartition = (waveId: string, shard: number): string =>
  `${WAVE_PREFIX}${waveId}#${shard}`;
export const waveInvitationsKey = (waveId: string, id: string): { gsi1pk: string; gsi1sk: string } => ({
  gsi1pk: waveInvitationsPartition(waveId, shardOf(id, INVITATION_SHARDS)),
  gsi1sk: `INV#${id}`,
});

/**
 * A campaign-day's answers' gsi2 shards, and a wave's anonymous responses' gsi1 shards: each answer is one
 * write to each key it has. Answers come at the pace people click, not at dispatch's: even a 1 M wave whose
 * emails all go out within 15 minutes (≈1,100 a second) and a fifth of whom answer within the hour peaks far
 * below 1,000 answers a second, while one partition took only ≈500 of these (answer items of 1–2 KB). 8
 * shards take ≈4,000–8,000 a second; more would add Queries to every day a report or the action sweep reads.
 */
export const ANSWER_SHARDS = 8;
/** gsi2: one shard of a campaign's answers of one UTC date. */
export const answersPartition = (campaignId: string, utcDate: string, shard: number): string =>
  `ANSWERS#${campaignId}#${utcDate}#${shard}`;
/** The gsi2 partition of the answer (invitation or anonymous response) `id` of that UTC date. */
export const answersKey = (campaignId: string, utcDate: string, id: string): string =>
  answersPartition(campaignId, utcDate, shardOf(id, ANSWER_SHARDS));
/** gsi1: one shard of a wave's anonymous responses. */
export const waveResponsesPartition = (waveId: string, shard: number): string =>
  `RESPONSES#${waveId}#${shard}`;
/** The gsi1 partition of the anonymous response `id`. */
export const waveResponsesKey = (waveId: string, id: string): string =>
  waveResponsesPartition(waveId, shardOf(id, ANSWER_SHARDS));

/** An address's suppression record (domain/suppression.ts): no purgeAt, it outlives the customer item. */
export const suppressionKey = (hash: string): ItemKey => ({ pk: `SUPPRESS#${hash}`, sk: 'SUPPRESS' });

/** A corrective action (domain/actions/model.ts). */
export const actionKey = (id: string): ItemKey => ({ pk: `ACTION#${id}`, sk: 'ACTION' });
/** gsi1: a campaign's actions in the order they opened. */
export const campaignActionsPartition = (campaignId: string): string => `ACTIONS#${campaignId}`;
/** gsi2: a campaign's actions that are not final yet (sparse: removed when one is verified or closed). */
export const liveActionsPartition = (campaignId: string): string => `LIVEACTIONS#${campaignId}`;

/** A wave's dispatch records (domain/selection/dispatch-state.ts): one per directory shard and round. */
export const dispatchPartition = (waveId: string): string => `DISPATCH#${waveId}`;
export const shardRecordKey = (waveId: string, round: number, shard: number): ItemKey => ({
  pk: dispatchPartition(waveId),
  sk: `R${round}#S${shard}`,
});

/** One shard of the account's shared SES sending budget (dynamo-send-budget.ts). */
export const sendBudgetKey = (shard: number): ItemKey => ({ pk: `SENDRATE#${shard}`, sk: 'SENDRATE' });
