import { beforeEach, vi } from 'vitest';

/*
 * A diagnostic, not part of `npm test`: `npm run test:clock-edge` starts every test (and every file's
 * hooks) a moment before a minute turns, so a test that quietly assumes two steps fall in the same
 * minute (a wave id, a "Generated 14:33" line) fails on every run instead of one CI run in a hundred.
 * Only Date is faked, and it keeps running with real time. The clock never runs backwards within a file
 * unless it has drifted 10 minutes ahead of real time (s3rver refuses requests signed over 15 minutes
 * off).
 */
const MINUTE = 60_000;
const lead = Number(process.env.CSAT_CLOCK_EDGE_MS ?? 300);
const realNow = () => performance.timeOrigin + performance.now();
const justBeforeAMinute = (from: number) => Math.ceil((from + lead) / MINUTE) * MINUTE - lead;

const moveToEdge = () => {
  let target = justBeforeAMinute(Math.max(Date.now(), realNow()));
  if (target - realNow() > 10 * MINUTE) target = justBeforeAMinute(realNow());
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  vi.setSystemTime(target);
};

moveToEdge();
beforeEach(moveToEdge);
