import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetSendQuotaCommand, type SESClient } from '@aws-sdk/client-ses';
import { MailDeferredError, MailQuotaExceededError, MailThrottledError } from '../domain/email/message.ts';
import type { Booking, BookingRequest, BudgetUsage } from './dynamo-send-budget.ts';
import { logger } from './logger.ts';

/** How long a GetSendQuota answer is trusted: the rate changes when AWS raises it, not minute by minute. */
const QUOTA_TTL_MS = 5 * 60_000;
/** After a failed GetSendQuota, how long to make do with the fallback rate before asking again. */
const RETRY_QUOTA_MS = 60_000;
/** SES's sandbox rate, the lowest any account has: what the instances assume when they cannot ask. */
const FALLBACK_RATE = 1;
/** How far throttling may slow an instance's sends below the account's rate: a quarter. */
const MAX_SLOWDOWN = 4;
/**
 * While the daily quota is used up, how often an instance reads it again: the quota is a rolling
 * 24-hour window, so it frees a little at a time; once a minute is plenty and costs nothing.
 */
const PAUSED_RECHECK_MS = 60_000;
/**
 * The share of MaxSendRate kept back: the slots are spaced for 90 % of it, so that a send reaching SES up
 * to 100 ms after its slot (a late timer, the request's way to SES, clocks of instances a few ms apart)
 * still leaves every one-second window at or under the rate.
 */
export const RATE_MARGIN = 0.1;
/**
 * The most one shard of the budget serves, in recipients a second: each booking is one write to its
 * item, and one item takes at most 1,000 writes a second. Above this the rate is split over shards.
 */
export const SHARD_RATE = 400;
/** Slots start this long after a booking is asked for: the time its answer takes to come back. */
const LEAD_MS = 20;
/** A send that would start later than this after its slot gives the slot up and books another. */
const LATE_MS = 40;
/**
 * How many late slots one send gives up before it goes anyway: a process that late every time is starved
 * of CPU; the margin and SES's own tolerance of short bursts cover it, where returning the job would cost
 * it a receive and a visibility timeout.
 */
const MAX_LATE = 3;
const HOUR_MS = 3_600_000;

/** The shared budget (DynamoSendBudget): the slots and per-hour counts every instance books from. */
export interface SendBudget {
  book(request: BookingRequest): Promise<Booking>;
  usage(shards: number, fromHour: number, hour: number): Promise<BudgetUsage>;
}

export interface SesPacerOptions {
  budget: SendBudget;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Picks the shard a booking tries first; Math.random by default. */
  random?: () => number;
}

interface Quota {
  rate: number;
  shards: number;
  /** Max24HourSend, or undefined when unlimited or unknown. */
  max24?: number | undefined;
  /** What other senders on the account used in the last 24 hours (SentLast24Hours less csat's own). */
  others: number;
  until: number;
}

/** A promise and its resolve (Promise.withResolvers, which Node 20 lacks). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

/** `total` split over `shards`: shard i's share, the remainder going to the first shards. */
const shareOf = (total: number, shard: number, shards: number): number =>
  total <= 0 ? 0 : Math.floor(total / shards) + (shard < total % shards ? 1 : 0);

/**
 * Paces SendRawEmail calls so that all instances of the send function together stay under the account's
 * SES rate and daily quota, whatever their number (DESIGN.md §5). The rate is GetSendQuota's MaxSendRate,
 * read once per container and trusted for five minutes; each send books its slot in the shared budget
 * (DynamoSendBudget: one conditional write) and waits for it, so an instance sends as fast as the
 * account's rate allows and no faster. SES counts recipients: a message to n recipients takes n slots.
 * The daily quota (Max24HourSend) is counted in the same write, per hour, so instances together never
 * book past it; a send refused for it is paused by the send handler, never tried. When SES throttles
 * anyway (another sender uses the account's rate, or the quota dropped), the instance halves the share of
 * slots it takes, down to a quarter, until the next quota read, and pauses a second, the window SES
 * measures its rate over.
 */
export class SesPacer {
  private readonly budget: SendBudget;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly deadlines = new AsyncLocalStorage<number>();
  private quota: Quota | undefined;
  private reading: Promise<Quota> | undefined;
  /**
   * The hour the day's base was read for, csat's sends in the 24 hours before it, and each shard's cap in
   * it: what the shard had then plus its share of the room left (exact with one shard; with several, two
   * instances reading at different times can split the room differently, and SES's answer is the backstop).
   */
  private day: { hour: number; past: number; caps: number[] | undefined } | undefined;
  private usedUp = false;
  private slowdown = 1;
  private pausedUntil = 0;
  /** How many times SES throttled this instance: a send that waited across one gives its slot up. */
  /** How many times SES refused this instance (throttled, or over the daily quota). */
  private refusals = 0;
  /** Resolved when SES refuses: the sends waiting for slots stop, their slots given up. */
  private refusal = signal();

  constructor(
    private readonly ses: SESClient,
    options: SesPacerOptions,
  ) {
    this.budget = options.budget;
    // Read at each call, not captured: a clock replaced later (tests' fake Date) is the one used.
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => sleep(ms).then(() => undefined));
    this.random = options.random ?? Math.random;
  }

  /** Runs `send` with sends that must start by `deadline` (epoch ms); later slots are not booked. */
  sendingBy<T>(deadline: number, send: () => Promise<T>): Promise<T> {
    return this.deadlines.run(deadline, send);
  }

  /**
   * Books a slot for a message to `recipients` and waits for it. Throws MailDeferredError when no slot
   * starts before the deadline, MailQuotaExceededError when the daily quota has no room, and
   * MailThrottledError when SES throttled this instance while it waited: in each case nothing was sent.
   */
  async acquire(recipients = 1): Promise<void> {
    const latest = this.deadlines.getStore() ?? Number.MAX_SAFE_INTEGER;
    const count = Math.max(1, recipients);
    for (let late = 0; ; late++) {
      // The first booking counts the recipients against the day; a slot given up for a later one does not
      // count them again.
      const quota = await this.current();
      if (this.usedUp) throw new MailQuotaExceededError();
      const refusals = this.refusals;
      const soon = Math.max(this.now() + LEAD_MS, this.pausedUntil);
      if (soon > latest) throw new MailDeferredError();
      const booking = await this.book(quota, count, late === 0 ? count : 0, soon, latest);
      if ('refused' in booking) {
        if (booking.refused === 'time') throw new MailDeferredError();
        this.quotaUsedUp();
        throw new MailQuotaExceededError();
      }
      const wait = booking.at - this.now();
      // SES throttling this instance, or refusing it for the daily quota, ends the wait: the slot is
      // given up at once.
      if (wait > 0) await Promise.race([this.sleep(wait), this.refusal.promise]);
      if (this.refusals !== refusals) {
        throw this.usedUp ? new MailQuotaExceededError() : new MailThrottledError();
      }
      if (this.now() - booking.at <= LATE_MS || late + 1 >= MAX_LATE) return;
    }
  }

  /**
   * Whether the account's 24-hour sending quota is used up: by the shared count and GetSendQuota (re-read
   * once a minute while it is), or as SES answered a send (dailyQuotaExceeded).
   */
  async dailyQuotaUsedUp(): Promise<boolean> {
    await this.current();
    return this.usedUp;
  }

  /** SES answered "Daily message quota exceeded": paused until a quota read a minute on says otherwise. */
  dailyQuotaExceeded(): void {
    this.quotaUsedUp();
    this.refused();
  }

  /** SES answered Throttling: take a smaller share, and let its one-second window pass before the next. */
  throttled(): void {
    this.slowdown = Math.min(this.slowdown * 2, MAX_SLOWDOWN);
    this.refused();
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + 1000);
  }

  private refused(): void {
    this.refusals += 1;
    this.refusal.resolve();
    this.refusal = signal();
  }

  private quotaUsedUp(): void {
    this.usedUp = true;
    if (this.quota) this.quota.until = Math.min(this.quota.until, this.now() + PAUSED_RECHECK_MS);
  }

  /** Books on the shard `random` picks, and on the others in turn while they refuse. */
  private async book(
    quota: Quota,
    recipients: number,
    count: number,
    soon: number,
    latest: number,
  ): Promise<Booking> {
    const hour = hourOf(soon);
    if (this.day?.hour !== hour) await this.readDay(quota, hour);
    const spanMs = (recipients * 1000 * quota.shards * this.slowdown) / (quota.rate * (1 - RATE_MARGIN));
    const first = Math.floor(this.random() * quota.shards) % quota.shards;
    let refused: 'time' | 'quota' = 'quota';
    for (let i = 0; i < quota.shards; i++) {
      const shard = (first + i) % quota.shards;
      const hourCap = this.day?.caps?.[shard];
      const booking = await this.budget.book({ shard, soon, spanMs, latest, count, hour, hourCap });
      if (!('refused' in booking)) return booking;
      if (booking.refused === 'time') refused = 'time';
    }
    return { refused };
  }

  /**
   * csat's own sends in the 24 hours before `hour` (all shards: immutable, so read once an hour) and in
   * it, and from them each shard's cap for the hour. Returns csat's sends in the last 24 hours.
   */
  private async readDay(quota: Quota, hour: number): Promise<number> {
    const { byHour, current } = await this.budget.usage(quota.shards, hour - 24, hour);
    let past = 0;
    for (const [h, n] of byHour) if (h < hour) past += n;
    const now = current.reduce((a, b) => a + b, 0);
    const room = quota.max24 === undefined ? undefined : quota.max24 - quota.others - past - now;
    const caps =
      room === undefined ? undefined : current.map((n, shard) => n + shareOf(room, shard, quota.shards));
    this.day = { hour, past, caps };
    return past + now;
  }

  private current(): Promise<Quota> {
    if (this.quota && this.now() < this.quota.until) return Promise.resolve(this.quota);
    this.reading ??= this.readQuota().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readQuota(): Promise<Quota> {
    let answer: { MaxSendRate?: number; Max24HourSend?: number; SentLast24Hours?: number };
    try {
      answer = await this.ses.send(new GetSendQuotaCommand({}));
      if (answer.MaxSendRate === undefined || !(answer.MaxSendRate > 0))
        throw new Error('GetSendQuota gave no MaxSendRate');
    } catch (e) {
      // Sending slowly beats not sending: the sandbox rate is safe for every account. The daily quota is
      // then unknown, so not a reason to pause: if it is used up, SES says so on the next send.
      logger.warn('SES send quota unavailable; sending at the fallback rate', {
        error: e instanceof Error ? e.name : 'unknown',
        fallbackRate: FALLBACK_RATE,
      });
      this.quota = { rate: FALLBACK_RATE, shards: 1, others: 0, until: this.now() + RETRY_QUOTA_MS };
      this.usedUp = false;
      return this.quota;
    }
    const { MaxSendRate: rate, Max24HourSend, SentLast24Hours } = answer;
    const shards = Math.max(1, Math.ceil(rate / SHARD_RATE));
    // SES reports an unlimited daily quota as -1.
    const max24 = Max24HourSend === undefined || Max24HourSend < 0 ? undefined : Max24HourSend;
    const quota: Quota = { rate, shards, max24, others: 0, until: this.now() + QUOTA_TTL_MS };
    // SES's count includes csat's own sends (a little late); the rest is what others used. The caps
    // need that, so the day is read again with it.
    const ours = await this.readDay(quota, hourOf(this.now()));
    quota.others = Math.max(0, (SentLast24Hours ?? 0) - ours);
    await this.readDay(quota, hourOf(this.now()));
    this.usedUp = max24 !== undefined && max24 - quota.others - ours <= 0;
    if (this.usedUp) quota.until = this.now() + PAUSED_RECHECK_MS;
    this.slowdown = 1;
    this.quota = quota;
    return quota;
  }
}
