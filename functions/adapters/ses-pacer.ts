import { setTimeout as sleep } from 'node:timers/promises';
import { GetSendQuotaCommand, type SESClient } from '@aws-sdk/client-ses';
import { logger } from './logger.ts';

/** How long a GetSendQuota answer is trusted: the rate changes when AWS raises it, not minute by minute. */
const QUOTA_TTL_MS = 5 * 60_000;
/** After a failed GetSendQuota, how long to make do with the fallback rate before asking again. */
const RETRY_QUOTA_MS = 60_000;
/** SES's sandbox rate, the lowest any account has: what an instance assumes when it cannot ask. */
const FALLBACK_RATE = 1;
/**
 * How far throttling may slow an instance below its share of the quota: a quarter keeps even the
 * sandbox's pace (one email every 8 s per instance of 2) several emails per 30 s invocation.
 */
const MAX_SLOWDOWN = 4;
/**
 * While the daily quota is used up, how often an instance asks GetSendQuota again: the quota is a
 * rolling 24-hour window, so it frees a little at a time; once a minute is plenty and costs nothing.
 */
const PAUSED_RECHECK_MS = 60_000;

export interface SesPacerOptions {
  /**
   * How many instances share the account's sending rate: the send function's maximum concurrency on its
   * queue (SEND_CONCURRENCY). Each instance sends at MaxSendRate ÷ instances.
   */
  instances: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Paces one instance's SendRawEmail calls at its share of the account's SES rate (DESIGN.md §5: the
 * event source's maximum concurrency × a per-instance limit). The rate is GetSendQuota's MaxSendRate,
 * read once per container and trusted for five minutes. SES counts recipients, so a message to n
 * recipients takes n slots. When SES throttles anyway (another sender uses the account's rate, or the
 * quota dropped), the instance halves its pace until the next quota read, and pauses a second, the
 * window SES measures its rate over. The same read gives the daily quota (Max24HourSend), which the send
 * handler checks before it claims a job: once it is used up, jobs are paused, not tried.
 */
export class SesPacer {
  private readonly instances: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private quota: { rate: number; until: number } | undefined;
  /**
   * Sends this instance may still make within the account's 24-hour quota (Max24HourSend −
   * SentLast24Hours at the last read, less what it sent since); Infinity when unknown or unlimited.
   */
  private dailyLeft = Number.POSITIVE_INFINITY;
  private reading: Promise<number> | undefined;
  private slowdown = 1;
  private nextAt = 0;

  constructor(
    private readonly ses: SESClient,
    options: SesPacerOptions,
  ) {
    if (!Number.isInteger(options.instances) || options.instances < 1) {
      throw new Error(
        `instances (SEND_CONCURRENCY) must be a whole number of at least 1, got ${options.instances}`,
      );
    }
    this.instances = options.instances;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => sleep(ms).then(() => undefined));
  }

  /** How long a send starting now would wait for its slot, in ms. */
  get waitMs(): number {
    return Math.max(0, this.nextAt - this.now());
  }

  /** Waits for this instance's next slot. Concurrent callers get consecutive slots. */
  async acquire(recipients = 1): Promise<void> {
    const rate = this.perInstanceRate(await this.accountRate());
    this.dailyLeft -= Math.max(1, recipients);
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + (Math.max(1, recipients) * 1000) / rate;
    if (at > now) await this.sleep(at - now);
  }

  /**
   * Whether the account's 24-hour sending quota (Max24HourSend) is used up, as GetSendQuota last said
   * (re-read once a minute while it is) or as SES answered a send. Instances share the quota and count
   * only their own sends between reads, so SES's own answer (dailyQuotaExceeded) is the backstop.
   */
  async dailyQuotaUsedUp(): Promise<boolean> {
    await this.accountRate();
    return this.dailyLeft <= 0;
  }

  /** SES answered "Daily message quota exceeded": paused until a quota read a minute on says otherwise. */
  dailyQuotaExceeded(): void {
    this.dailyLeft = 0;
    if (this.quota) this.quota.until = Math.min(this.quota.until, this.now() + PAUSED_RECHECK_MS);
  }

  /** SES answered Throttling: slow down, and let its one-second window pass before the next send. */
  throttled(): void {
    this.slowdown = Math.min(this.slowdown * 2, MAX_SLOWDOWN);
    this.nextAt = Math.max(this.nextAt, this.now() + 1000);
  }

  private perInstanceRate(accountRate: number): number {
    return accountRate / this.instances / this.slowdown;
  }

  private accountRate(): Promise<number> {
    if (this.quota && this.now() < this.quota.until) return Promise.resolve(this.quota.rate);
    this.reading ??= this.readQuota().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readQuota(): Promise<number> {
    try {
      const { MaxSendRate, Max24HourSend, SentLast24Hours } = await this.ses.send(
        new GetSendQuotaCommand({}),
      );
      if (MaxSendRate === undefined || !(MaxSendRate > 0))
        throw new Error('GetSendQuota gave no MaxSendRate');
      // SES reports an unlimited daily quota as -1.
      this.dailyLeft =
        Max24HourSend === undefined || Max24HourSend < 0
          ? Number.POSITIVE_INFINITY
          : Max24HourSend - (SentLast24Hours ?? 0);
      const usedUp = this.dailyLeft <= 0;
      this.quota = { rate: MaxSendRate, until: this.now() + (usedUp ? PAUSED_RECHECK_MS : QUOTA_TTL_MS) };
      this.slowdown = 1;
    } catch (e) {
      // Sending slowly beats not sending: the sandbox rate is safe for every account.
      logger.warn('SES send quota unavailable; sending at the fallback rate', {
        error: e instanceof Error ? e.name : 'unknown',
        fallbackRate: FALLBACK_RATE,
      });
      this.quota = { rate: FALLBACK_RATE, until: this.now() + RETRY_QUOTA_MS };
      // Unknown, so not a reason to pause: if it is used up, SES says so on the next send.
      this.dailyLeft = Number.POSITIVE_INFINITY;
    }
    return this.quota.rate;
  }
}
