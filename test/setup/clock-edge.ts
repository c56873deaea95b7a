import { beforeEach } from 'vitest';

/*
 * A diagnostic, not part of `npm test`: `npm run test:clock-edge` starts every test (and every file's
 * hooks) a moment before a minute turns, so a test that quietly assumes two steps fall in the same
 * minute (a wave id, a "Generated 14:33" line) fails on every run instead of one CI run in a hundred.
 *
 * Date runs at real speed, shifted: no fake timers, so a test that fakes its own (vi.useFakeTimers) gets
 * exactly what it asked for, and this shifted Date back when it calls vi.useRealTimers. The clock never
 * runs backwards: the shift only grows, and once it is 10 minutes ahead of real time the remaining tests
 * of the file keep it and start wherever they fall (s3rver refuses requests signed more than 15 minutes
 * off; CSAT_CLOCK_EDGE_MAX_DRIFT_MIN sets the 10 for a file that uses no S3).
 */
const MINUTE = 60_000;
const lead = Number(process.env.CSAT_CLOCK_EDGE_MS ?? 300);
const maxDrift = Number(process.env.CSAT_CLOCK_EDGE_MAX_DRIFT_MIN ?? 10) * MINUTE;
const RealDate = Date;
let shift = 0;

class ShiftedDate extends RealDate {
  constructor(...args: []) {
    if (args.length === 0) super(RealDate.now() + shift);
    else super(...(args as unknown as [number]));
  }

  static override now(): number {
    return RealDate.now() + shift;
  }
}
globalThis.Date = ShiftedDate as DateConstructor;

const justBeforeAMinute = (from: number) => Math.ceil((from + lead) / MINUTE) * MINUTE - lead;

const moveToEdge = () => {
  const real = RealDate.now();
  const target = justBeforeAMinute(real + shift);
  if (target - real <= maxDrift) shift = target - real;
};

moveToEdge();
beforeEach(moveToEdge);
