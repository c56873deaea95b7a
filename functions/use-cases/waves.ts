import type { Wave } from '../domain/model.ts';
import type { SurveyStore } from '../domain/ports.ts';

/** The wave (and so the campaign and questionnaire snapshot) of an invitation. */
export type WaveLookup = (campaignId: string, waveId: string) => Promise<Wave | undefined>;

/**
 * Remembers waves once read. A wave's campaign and questionnaire snapshot never change once dispatched,
 * so a warm container reads each at most once: a warm survey GET costs one GetItem (the invitation), and
 * a batch of send jobs, which nearly always belongs to one wave, no read beyond each claim. Concurrent
 * lookups share one request; a failed or empty lookup is forgotten so the next one asks again. Holds at
 * most `maxEntries` waves, dropping the oldest first.
 */
export function cachedWaves(store: Pick<SurveyStore, 'getWave'>, maxEntries = 64): WaveLookup {
  const cache = new Map<string, Promise<Wave | undefined>>();
  return (campaignId, waveId) => {
    const key = `${campaignId}\u0000${waveId}`;
    let wave = cache.get(key);
    if (!wave) {
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      wave = store.getWave(campaignId, waveId).then(
        (w) => {
          if (!w) cache.delete(key);
          return w;
        },
        (e: unknown) => {
          cache.delete(key);
          throw e;
        },
      );
      cache.set(key, wave);
    }
    return wave;
  };
}
