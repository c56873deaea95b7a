import { GetSendQuotaCommand, type GetSendQuotaCommandOutput } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoSendBudget } from '../../functions/adapters/dynamo-send-budget.ts';
import { createSesClient } from '../../functions/adapters/ses-client.ts';
import { RATE_MARGIN, SesPacer } from '../../functions/adapters/ses-pacer.ts';
import {
  MailDeferredError,
  MailQuotaExceededError,
  MailThrottledError,
} from '../../functions/domain/email/message.ts';

/*
 * Pacers of several instances sharing one budget on this file's table (dynalite), with a clock of their
 * own: `sleep` records how long it was asked to wait and does not move the clock unless told to, so the
 * slots are read off the waits, not measured. GetSendQuota comes from the local SES endpoint (MaxSendRate
 * 1000), or from a mock where a test needs a rate, a daily quota or a failure.
 */
const HOUR = 3_600_000;
/** Each test starts at its own time, days apart: the budget's hour buckets and slots never meet. */
let base = Date.UTC(2030, 0, 1);
function clock(advance = false) {
  base += 10 * 24 * HOUR;
  const c = { t: base, waits: [] as number[] };
  return {
    c,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.waits.push(Math.round(ms * 100) / 100);
      if (advance) c.t += ms;
    },
  };
}

const budget = () => new DynamoSendBudget(documentClient(), process.env.TABLE_NAME!);
const restore: Array<() => void> = [];
afterEach(() => {
  for (const r of restore.splice(0)) r();
});

type Quota = Partial<Pick<GetSendQuotaCommandOutput, 'MaxSendRate' | 'Max24HourSend' | 'SentLast24Hours'>>;

function quotaOf(...answers: Array<Quota | Error>) {
  const ses = createSesClient();
  const mock = mockClient(ses);
  restore.push(() => mock.restore());
  let call = mock.on(GetSendQuotaCommand);
  for (const a of answers) {
    call =
      a instanceof Error
        ? call.rejectsOnce(a)
        : call.resolvesOnce({ MaxSendRate: 10, Max24HourSend: -1, SentLast24Hours: 0, ...a });
  }
  return { ses, quotaCalls: () => mock.commandCalls(GetSendQuotaCommand).length };
}

/** The time one recipient's slot takes at `rate`: the budget spends MaxSendRate less its margin. */
const slotMs = (rate: number) => 1000 / (rate * (1 - RATE_MARGIN));
const round = (ms: number) => Math.round(ms * 100) / 100;

describe('SesPacer', () => {
  it("should give every instance's sends consecutive slots at the account's rate, a slot per recipient", async () => {
    // Arrange: two instances (each its own pacer and quota read) share the local endpoint's 1000/s.
    // 1000/s is three shards (SHARD_RATE); both instances pick the first here.
    const time = clock();
    const a = new SesPacer(createSesClient(), { budget: budget(), ...time, random: () => 0 });
    const b = new SesPacer(createSesClient(), { budget: budget(), ...time, random: () => 0 });

    // Act
    await a.acquire();
    await b.acquire();
    await a.acquire(3);
    await b.acquire();

    // Assert: 20 ms for the booking's answer, then one after another across both instances.
    const slot = 3 * slotMs(1000);
    expect(time.c.waits).toEqual([20, 20 + slot, 20 + 2 * slot, 20 + 5 * slot].map(round));
  });

  it('should refuse a slot that starts after the deadline, and book nothing for it', async () => {
    const { ses } = quotaOf({ MaxSendRate: 1 });
    const time = clock();
    const a = new SesPacer(ses, { budget: budget(), ...time });
    await a.acquire();

    const late = a.sendingBy(time.c.t + 500, () => a.acquire());
    await expect(late).rejects.toBeInstanceOf(MailDeferredError);
    await a.acquire();

    expect(time.c.waits).toEqual([20, round(20 + slotMs(1))]);
  });

  it('should let instances together send no more than the daily quota leaves, counting SentLast24Hours', async () => {
    // Arrange: 10 a day, 6 already sent by other senders on the account.
    const shared = { Max24HourSend: 10, SentLast24Hours: 6 };
    const time = clock();
    const a = new SesPacer(quotaOf(shared).ses, { budget: budget(), ...time });
    const b = new SesPacer(quotaOf(shared).ses, { budget: budget(), ...time });
    await a.dailyQuotaUsedUp();
    await b.dailyQuotaUsedUp();

    // Act
    const outcomes: string[] = [];
    for (const pacer of [a, b, a, b, a, b]) {
      outcomes.push(
        await pacer.acquire().then(
          () => 'sent',
          (e: Error) => e.name,
        ),
      );
    }

    // Assert: four go, the rest are refused for the quota and both instances see it used up.
    expect(outcomes).toEqual([
      'sent',
      'sent',
      'sent',
      'sent',
      'MailQuotaExceededError',
      'MailQuotaExceededError',
    ]);
    expect([await a.dailyQuotaUsedUp(), await b.dailyQuotaUsedUp()]).toEqual([true, true]);
  });

  it('should count the last 24 hours of sends, and free them a day later', async () => {
    // Arrange: 3 a day; two sent this hour by one instance.
    const time = clock();
    const day = { Max24HourSend: 3, SentLast24Hours: 0 };
    const { ses } = quotaOf(day, day, day);
    const a = new SesPacer(ses, { budget: budget(), ...time });
    await a.acquire(2);

    // Act: an hour on, one more fits; 25 hours on (a new quota read), three again.
    time.c.t += HOUR;
    await a.acquire();
    const fourth = a.acquire();
    await expect(fourth).rejects.toBeInstanceOf(MailQuotaExceededError);
    time.c.t += 25 * HOUR;
    const later = new SesPacer(ses, { budget: budget(), now: time.now, sleep: time.sleep });
    await later.acquire(3);

    // Assert
    expect(await later.dailyQuotaUsedUp()).toBe(false);
    await expect(later.acquire()).rejects.toBeInstanceOf(MailQuotaExceededError);
  });

  it('should never pause for an unlimited daily quota (Max24HourSend -1)', async () => {
    const { ses } = quotaOf({ Max24HourSend: -1, SentLast24Hours: 1_000_000 });
    const pacer = new SesPacer(ses, { budget: budget(), ...clock() });

    await pacer.acquire(50);

    expect(await pacer.dailyQuotaUsedUp()).toBe(false);
  });

  it('should say the daily quota is used up when GetSendQuota does, and ask again a minute later', async () => {
    const { ses, quotaCalls } = quotaOf(
      { Max24HourSend: 200, SentLast24Hours: 200 },
      { Max24HourSend: 200, SentLast24Hours: 120 },
    );
    const time = clock();
    const pacer = new SesPacer(ses, { budget: budget(), ...time });

    const first = await pacer.dailyQuotaUsedUp();
    time.c.t += 30_000;
    const halfAMinuteOn = await pacer.dailyQuotaUsedUp();
    time.c.t += 31_000;
    const aMinuteOn = await pacer.dailyQuotaUsedUp();

    expect([first, halfAMinuteOn, aMinuteOn]).toEqual([true, true, false]);
    expect(quotaCalls()).toBe(2);
  });

  it('should pause once SES says the daily quota is exceeded, until a quota read a minute later', async () => {
    const { ses, quotaCalls } = quotaOf(
      { Max24HourSend: 200, SentLast24Hours: 10 },
      { Max24HourSend: 200, SentLast24Hours: 20 },
    );
    const time = clock();
    const pacer = new SesPacer(ses, { budget: budget(), ...time });
    await pacer.acquire();

    pacer.dailyQuotaExceeded();
    const paused = await pacer.dailyQuotaUsedUp();
    time.c.t += 61_000;

    expect(paused).toBe(true);
    expect(await pacer.dailyQuotaUsedUp()).toBe(false);
    expect(quotaCalls()).toBe(2);
  });

  it('should read the quota once per container for five minutes, then again', async () => {
    const { ses, quotaCalls } = quotaOf({ MaxSendRate: 14 }, { MaxSendRate: 14 });
    const time = clock(true);
    const pacer = new SesPacer(ses, { budget: budget(), ...time });

    await Promise.all([pacer.acquire(), pacer.acquire()]);
    time.c.t += 4 * 60_000;
    await pacer.acquire();
    const withinFiveMinutes = quotaCalls();
    time.c.t += 2 * 60_000;
    await pacer.acquire();

    expect(withinFiveMinutes).toBe(1);
    expect(quotaCalls()).toBe(2);
  });

  it('should fall back to the sandbox rate when GetSendQuota fails, and ask again a minute later', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    const { ses, quotaCalls } = quotaOf(denied, denied);
    const time = clock();
    const pacer = new SesPacer(ses, { budget: budget(), ...time });

    await pacer.acquire();
    await pacer.acquire();
    time.c.t += 61_000;
    await pacer.acquire();

    expect(time.c.waits.slice(0, 2)).toEqual([20, round(20 + slotMs(1))]);
    expect(quotaCalls()).toBe(2);
  });

  it('should take half the slots and pause a second after SES throttles, down to a quarter, until the quota is read again', async () => {
    const { ses } = quotaOf({ MaxSendRate: 20 }, { MaxSendRate: 20 });
    const time = clock(true);
    const pacer = new SesPacer(ses, { budget: budget(), ...time });
    await pacer.acquire();

    pacer.throttled();
    await pacer.acquire();
    await pacer.acquire();
    for (let i = 0; i < 3; i++) pacer.throttled();
    await pacer.acquire();
    await pacer.acquire();
    time.c.t += 5 * 60_000;
    await pacer.acquire();
    await pacer.acquire();

    const slot = slotMs(20);
    expect(time.c.waits).toEqual([20, 1000, 2 * slot, 1000, 4 * slot, 20, slot].map(round));
  });

  it('should give up the slot of a send that was waiting when SES throttled, so the batch can stop', async () => {
    const { ses } = quotaOf({ MaxSendRate: 1 });
    const time = clock();
    let throttle = () => {};
    const pacer = new SesPacer(ses, {
      budget: budget(),
      now: time.now,
      sleep: async () => throttle(),
    });
    throttle = () => pacer.throttled();

    await expect(pacer.acquire()).rejects.toBeInstanceOf(MailThrottledError);
  });

  it('should split a large rate over shards, each at its share, and book on the one picked', async () => {
    // Arrange: 1000/s is three shards of a third each.
    const { ses } = quotaOf({ MaxSendRate: 1000 });
    const time = clock();
    const picks = [0, 0, 0.5, 0.5, 0.9];
    const pacer = new SesPacer(ses, { budget: budget(), ...time, random: () => picks.shift() ?? 0 });

    // Act
    for (let i = 0; i < 5; i++) await pacer.acquire();

    // Assert: shards 0, 0, 1, 1, 2, each its own line of slots three times as long.
    const slot = 3 * slotMs(1000);
    expect(time.c.waits).toEqual([20, 20 + slot, 20, 20 + slot, 20].map(round));
  });
});
