import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DispatchResponse,
  dispatchResponseOfWave,
  inProgress,
} from '../../functions/handlers/dispatch/response.ts';
import type { Io } from './io.ts';
import type { Target } from './target.ts';

/** How long `csat dispatch` follows a wave before it leaves it to the dispatch worker and says so. */
const WAIT_MS = 15 * 60_000;
const POLL_MS = 1_000;

/**
 * Follows a wave the dispatch function started until the dispatch worker is through with it (the wave's
 * state in the table), then answers with its figures; a wave still going after WAIT_MS is answered as it
 * stands. The function itself returns at once: it only queues the first round.
 */
export async function untilDispatched(
  target: Pick<Target, 'data'>,
  started: DispatchResponse,
  io: Pick<Io, 'stderr'>,
  options: { waitMs?: number; pollMs?: number } = {},
): Promise<DispatchResponse> {
  if (!inProgress(started)) return started;
  const until = Date.now() + (options.waitMs ?? WAIT_MS);
  let said = false;
  let latest = started;
  while (inProgress(latest) && Date.now() < until) {
    const wave = await target.data.store.getWave(started.campaignId, started.waveId);
    if (!wave) return latest;
    latest = dispatchResponseOfWave(wave);
    if (!inProgress(latest)) break;
    if (!said) {
      io.stderr(`Wave ${started.waveId} is being dispatched (${latest.state}); waiting for it…`);
      said = true;
    }
    await sleep(options.pollMs ?? POLL_MS);
  }
  return latest;
}
