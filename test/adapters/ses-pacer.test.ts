import { GetSendQuotaCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSesClient } from '../../functions/adapters/ses-client.ts';
import { SesPacer } from '../../functions/adapters/ses-pacer.ts';

/*
 * The pacer with a clock of its own: `sleep` records how long it was asked to wait and moves the clock on,
 * so the pace is read off the waits, not measured. GetSendQuota comes from the local SES endpoint
 * (MaxSendRate 1000), or from a mock where a test needs a rate or a failure the endpoint does not give.
 */
function clock() {
  const c = { t: 1_000_000, waits: [] as number[] };
  return {
    c,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.waits.push(ms);
      c.t += ms;
    },
  };
}

const restore: Array<() => void> = [];
afterEach(() => {
  for (const r of restore.splice(0)) r();
});

function quotaOf(maxSendRate: number | Error) {
  const ses = createSesClient();
  const mock = mockClient(ses);
  restore.push(() => mock.restore());
  if (maxSendRate instanceof Error) mock.on(GetSendQuotaCommand).rejects(maxSendRate);
  else
    mock
      .on(GetSendQuotaCommand)
      .resolves({ MaxSendRate: maxSendRate, Max24HourSend: 200, SentLast24Hours: 0 });
  return { ses, quotaCalls: () => mock.commandCalls(GetSendQuotaCommand).length };
}

describe('SesPacer', () => {
  it("should space one instance's sends at MaxSendRate ÷ instances, read from the local SES endpoint", async () => {
    // Arrange: the local endpoint says 1000/s; two instances share it.
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(createSesClient(), { instances: 2, now, sleep });

    // Act
    for (let i = 0; i < 4; i++) await pacer.acquire();

    // Assert
    expect(c.waits).toEqual([2, 2, 2]);
    expect(pacer.waitMs).toBe(2);
  });

  it('should send at the SES sandbox rate split between instances, a slot per recipient', async () => {
    const { ses } = quotaOf(1);
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 2, now, sleep });

    await pacer.acquire(3);
    await pacer.acquire();
    await pacer.acquire();

    expect(c.waits).toEqual([6000, 2000]);
  });

  it('should give concurrent callers consecutive slots', async () => {
    const { ses } = quotaOf(10);
    const waits: number[] = [];
    const pacer = new SesPacer(ses, {
      instances: 1,
      now: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);

    expect(waits.sort((a, b) => a - b)).toEqual([100, 200]);
  });

  it('should read the quota once per container for five minutes, then again', async () => {
    const { ses, quotaCalls } = quotaOf(14);
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 2, now, sleep });

    await Promise.all([pacer.acquire(), pacer.acquire()]);
    c.t += 4 * 60_000;
    await pacer.acquire();
    const withinFiveMinutes = quotaCalls();
    c.t += 2 * 60_000;
    await pacer.acquire();

    expect(withinFiveMinutes).toBe(1);
    expect(quotaCalls()).toBe(2);
  });

  it('should fall back to the sandbox rate when GetSendQuota fails, and ask again a minute later', async () => {
    const { ses, quotaCalls } = quotaOf(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 2, now, sleep });

    await pacer.acquire();
    await pacer.acquire();
    c.t += 61_000;
    await pacer.acquire();

    expect(c.waits).toEqual([2000]);
    expect(quotaCalls()).toBe(2);
  });

  it('should halve its pace and pause a second after SES throttles, down to a quarter, until the quota is read again', async () => {
    const { ses } = quotaOf(20);
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 2, now, sleep });
    await pacer.acquire();

    pacer.throttled();
    await pacer.acquire();
    await pacer.acquire();
    for (let i = 0; i < 3; i++) pacer.throttled();
    await pacer.acquire();
    await pacer.acquire();
    c.t += 5 * 60_000;
    await pacer.acquire();
    await pacer.acquire();

    expect(c.waits).toEqual([1000, 200, 1000, 400, 100]);
  });

  function dailyQuota(...answers: Array<{ Max24HourSend: number; SentLast24Hours: number }>) {
    const ses = createSesClient();
    const mock = mockClient(ses);
    restore.push(() => mock.restore());
    let call = mock.on(GetSendQuotaCommand);
    for (const a of answers) call = call.resolvesOnce({ MaxSendRate: 10, ...a });
    return { ses, quotaCalls: () => mock.commandCalls(GetSendQuotaCommand).length };
  }

  it('should say the daily quota is used up when GetSendQuota does, and ask again a minute later', async () => {
    const { ses, quotaCalls } = dailyQuota(
      { Max24HourSend: 200, SentLast24Hours: 200 },
      { Max24HourSend: 200, SentLast24Hours: 120 },
    );
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 1, now, sleep });

    const first = await pacer.dailyQuotaUsedUp();
    c.t += 30_000;
    const halfAMinuteOn = await pacer.dailyQuotaUsedUp();
    c.t += 31_000;
    const aMinuteOn = await pacer.dailyQuotaUsedUp();

    expect([first, halfAMinuteOn, aMinuteOn]).toEqual([true, true, false]);
    expect(quotaCalls()).toBe(2);
  });

  it("should count this instance's sends against what was left of the daily quota", async () => {
    const { ses } = dailyQuota({ Max24HourSend: 200, SentLast24Hours: 197 });
    const { now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 1, now, sleep });

    await pacer.acquire();
    const afterOne = await pacer.dailyQuotaUsedUp();
    await pacer.acquire(2);

    expect(afterOne).toBe(false);
    expect(await pacer.dailyQuotaUsedUp()).toBe(true);
  });

  it('should never pause for an unlimited daily quota (Max24HourSend -1)', async () => {
    const { ses } = dailyQuota({ Max24HourSend: -1, SentLast24Hours: 1_000_000 });
    const pacer = new SesPacer(ses, { instances: 1, ...clock() });

    await pacer.acquire(50);

    expect(await pacer.dailyQuotaUsedUp()).toBe(false);
  });

  it('should pause once SES says the daily quota is exceeded, until a quota read a minute later', async () => {
    const { ses, quotaCalls } = dailyQuota(
      { Max24HourSend: 200, SentLast24Hours: 10 },
      { Max24HourSend: 200, SentLast24Hours: 20 },
    );
    const { c, now, sleep } = clock();
    const pacer = new SesPacer(ses, { instances: 1, now, sleep });
    await pacer.acquire();

    pacer.dailyQuotaExceeded();
    const paused = await pacer.dailyQuotaUsedUp();
    c.t += 61_000;

    expect(paused).toBe(true);
    expect(await pacer.dailyQuotaUsedUp()).toBe(false);
    expect(quotaCalls()).toBe(2);
  });

  it.each([0, 1.5, Number.NaN])('should refuse %s instances', (instances) => {
    expect(() => new SesPacer(createSesClient(), { instances })).toThrow(
      /instances \(SEND_CONCURRENCY\) must be a whole number/,
    );
  });
});
