import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sendBudgetKey } from './dynamo-keys.ts';
import { DynamoTable, isConditionFailure } from './dynamo-table.ts';

/**
 * One booking of sending slots on a shard of the account's shared budget. The shard's slots are a line
 * in time (its `tat`, the time the next free slot starts, in epoch ms): a booking takes `spanMs` of it,
 * starting at the later of its end and `soon`, and only if that start is no later than `latest`.
 */
export interface BookingRequest {
  shard: number;
  /** The earliest a slot may start (epoch ms): now, plus the time the booking's answer takes to come back. */
  soon: number;
  /** How much of the shard's line the booking takes: recipients × the shard's spacing. */
  spanMs: number;
  /** The latest the slot may start (epoch ms): a later one is refused ('time'), nothing booked. */
  latest: number;
  /** Recipients, counted against the day in the hour bucket `hour`. */
  count: number;
  /** The hour (epoch ms ÷ 3,600,000) the sends are counted in. */
  hour: number;
  /** The most this shard may count in `hour` (the daily quota's share); undefined: no daily limit. */
  hourCap?: number | undefined;
}

/** When the booked slot starts (epoch ms), or why none was booked. */
export type Booking = { at: number; hourCount: number } | { refused: 'time' | 'quota' };

/** What the budget holds of the day: recipients per hour (all shards), and each shard's in one hour. */
export interface BudgetUsage {
  byHour: Map<number, number>;
  current: number[];
}

/** Hour buckets older than this are dropped: the daily quota counts the last 24 hours (25 buckets). */
export const DAY_BUCKETS = 25;
const bucket = (hour: number): string => `h${hour}`;
const BUCKET = /^h(\d+)$/;
/**
 * A line booked further ahead than this is stale, not busy (no booking reaches past the end of the
 * invocation that made it, and the send function runs 30 s at most): a clock set back leaves one. It is
 * treated as idle.
 */
const STALE_MS = 60_000;
/** A booking that lost a race with another instance tries again this many times. */
const RACE_RETRIES = 8;

/**
 * The account's SES sending budget, shared by every instance of the send function through the table:
 * the rate as a line of slots per shard (generic cell rate algorithm: each booking is one conditional
 * UpdateItem that moves the shard's `tat` on by the slots it takes), and the daily quota as per-hour
 * counts of the recipients booked, capped in the same write. No instance can book a slot another holds
 * or count past the cap, however many run at once; no read comes before a write.
 */
export class DynamoSendBudget extends DynamoTable {
  /** Whether the shard's line last looked booked ahead (try the queued write first) or idle. */
  private readonly queued = new Map<number, boolean>();

  async book(request: BookingRequest): Promise<Booking> {
    const { count, hourCap } = request;
    if (hourCap !== undefined && hourCap < count) return { refused: 'quota' };
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const first = this.queued.get(request.shard) ?? false;
      for (const queued of [first, !first]) {
        const booked = await this.tryBook(request, queued);
        if (booked) {
          this.queued.set(request.shard, true);
          return booked;
        }
      }
      // Both refused: the day's cap, a line booked past `latest`, or a race between the two writes.
      const item = await this.shard(request.shard);
      const tat = typeof item?.tat === 'number' ? item.tat : 0;
      const counted = Number(item?.[bucket(request.hour)] ?? 0);
      if (hourCap !== undefined && counted + count > hourCap) return { refused: 'quota' };
      if (tat > request.latest && tat <= request.soon + STALE_MS) return { refused: 'time' };
      this.queued.set(request.shard, tat >= request.soon && tat <= request.soon + STALE_MS);
    }
    return { refused: 'time' };
  }

  /**
   * Recipients booked per hour over all `shards`, for the hours from `fromHour` on, and each shard's count
   * in `hour`; hour buckets older than the day's window are removed on the way (an idle hour leaves its
   * bucket behind).
   */
  async usage(shards: number, fromHour: number, hour: number): Promise<BudgetUsage> {
    const keys = Array.from({ length: shards }, (_, i) => sendBudgetKey(i));
    const { Responses } = await this.ddb.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
    );
    const byHour = new Map<number, number>();
    const current = keys.map(() => 0);
    for (const item of Responses?.[this.table] ?? []) {
      const shard = keys.findIndex((k) => k.pk === item.pk);
      if (shard >= 0) current[shard] = Number(item[bucket(hour)] ?? 0);
      const stale: string[] = [];
      for (const [name, value] of Object.entries(item)) {
        const hour = Number(BUCKET.exec(name)?.[1] ?? Number.NaN);
        if (!Number.isInteger(hour)) continue;
        if (hour < fromHour - DAY_BUCKETS) stale.push(name);
        else if (hour >= fromHour) byHour.set(hour, (byHour.get(hour) ?? 0) + Number(value));
      }
      if (stale.length > 0) await this.prune(item.pk as string, item.sk as string, stale);
    }
    return { byHour, current };
  }

  private async tryBook(request: BookingRequest, queued: boolean): Promise<Booking | undefined> {
    const { shard, soon, spanMs, latest, count, hour, hourCap } = request;
    const names: Record<string, string> = {
      '#tat': 'tat',
      '#h': bucket(hour),
      '#old': bucket(hour - DAY_BUCKETS),
    };
    const values: Record<string, number> = { ':soon': soon, ':n': count };
    const conditions = queued
      ? ['#tat >= :soon', '#tat <= :latest']
      : ['(attribute_not_exists(#tat) OR #tat < :soon OR #tat > :stale)'];
    if (queued) Object.assign(values, { ':latest': Math.min(latest, soon + STALE_MS), ':span': spanMs });
    else Object.assign(values, { ':end': soon + spanMs, ':stale': soon + STALE_MS });
    if (hourCap !== undefined) {
      conditions.push('(attribute_not_exists(#h) OR #h <= :cap)');
      values[':cap'] = hourCap - count;
    }
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sendBudgetKey(shard),
          UpdateExpression: `SET #tat = ${queued ? '#tat + :span' : ':end'} REMOVE #old ADD #h :n`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const tat = Number(Attributes?.tat);
      return { at: tat - spanMs, hourCount: Number(Attributes?.[bucket(hour)] ?? count) };
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  private async shard(shard: number): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: sendBudgetKey(shard), ConsistentRead: true }),
    );
    return Item;
  }

  private async prune(pk: string, sk: string, stale: string[]): Promise<void> {
    const names = Object.fromEntries(stale.map((name, i) => [`#s${i}`, name]));
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk, sk },
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ExpressionAttributeNames: names,
      }),
    );
  }
}
