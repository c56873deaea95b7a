import { describe, expect, it } from 'vitest';
import type { Wave } from '../../functions/domain/model.ts';
import { openSurvey, submitSurvey } from '../../functions/use-cases/survey.ts';
import { cachedWaves } from '../../functions/use-cases/waves.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { allAt, ratingFields } from '../support/programme.ts';

const store = testStore();

/** A complete form: every category at `level`, as the page posts it. */
const formAt = (level: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...ratingFields(allAt(level)),
  ...extra,
});

let wave: Wave;
const freshWave = async (): Promise<Wave> => {
  wave ??= await seedWave();
  return wave;
};

/** The store, counting the calls made to it. */
const countingStore = () => {
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get: (target, prop, receiver) => {
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => {
            calls.push(String(prop));
            return value.apply(target, args);
          }
        : value;
    },
  });
  return { counted, calls };
};

describe('round trips', () => {
  it('should read once for a warm GET and write once for a warm submit', async () => {
    const w = await freshWave();
    const { surveyToken } = await seedInvitation(w);
    const { counted, calls } = countingStore();
    const deps = {
      store: counted,
      clock: { now: () => new Date() },
      waves: cachedWaves(counted),
      secret: process.env.TOKEN_SECRET!,
    };
    await deps.waves(w.campaignId, w.waveId);
    calls.length = 0;

    const view = await openSurvey(deps, { token: surveyToken });
    expect(calls).toEqual(['getInvitation']);
    calls.length = 0;
    await submitSurvey(deps, {
      token: surveyToken,
      form: formAt('satisfied', { lang: view.language, wave: `${w.campaignId}/${w.waveId}` }),
    });
    expect(calls).toEqual(['saveResponse']);
  });
});

describe('cachedWaves', () => {
  it('should read each wave from the store once, and not keep a miss', async () => {
    const w = await seedWave();
    let reads = 0;
    const counting = new Proxy(store, {
      get: (target, prop, receiver) =>
        prop === 'getWave'
          ? (...args: [string, string]) => {
              reads++;
              return target.getWave(...args);
            }
          : Reflect.get(target, prop, receiver),
    });
    const waves = cachedWaves(counting);

    const [a, b] = await Promise.all([waves(w.campaignId, w.waveId), waves(w.campaignId, w.waveId)]);
    await waves(w.campaignId, w.waveId);
    await waves(w.campaignId, 'no-such-wave');
    await waves(w.campaignId, 'no-such-wave');

    expect(a).toEqual(w);
    expect(b).toBe(a);
    expect(reads).toBe(3);
  });
});
