import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import type { Exclusions } from '../../domain/audience.ts';
import type { DispatchState } from '../../domain/selection/dispatch-state.ts';
import { dispatchWave } from '../../use-cases/dispatch-wave.ts';
import { dispatchDeps } from './deps.ts';
import { parseDispatchEvent } from './event.ts';

export { type DispatchEvent, InvalidDispatchEventError } from './event.ts';

// A wave starts (or resumes) by queuing its first round for the dispatch worker (handlers/dispatch-worker).
const deps = dispatchDeps({
  tableName: requireEnv('TABLE_NAME'),
  sendQueueUrl: requireEnv('SEND_QUEUE_URL'),
  dispatchQueueUrl: requireEnv('DISPATCH_QUEUE_URL'),
  secret: tokenSecret,
});

export interface DispatchResponse {
  campaignId: string;
  waveId: string;
  /**
   * Periodic waves: `selecting` or `inviting` while the dispatch worker runs its rounds (`csat dispatch`
   * waits for the wave), then `done`, or `empty` when nobody was eligible. Event and smoke waves: `done`.
   */
  state: DispatchState;
  invited: number;
  created: number;
  /** The sampling seed the wave used (periodic campaigns; an event wave has no sample). */
  seed?: string;
  /** Customers of the directory left out, by reason (counts only, never who; periodic campaigns). */
  excluded?: Exclusions;
  /** Set on a smoke run's wave, which is filed under the campaign's smoke id (`campaignId` says which). */
  smoke?: { runId: string };
}

export const handler = middy<unknown, DispatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const result = await dispatchWave(deps, parseDispatchEvent(event));
    logger.info('wave dispatched', { ...result });
    return {
      campaignId: result.campaignId,
      waveId: result.waveId,
      state: 'state' in result ? result.state : 'done',
      invited: result.invited,
      created: result.created,
      ...('seed' in result ? { seed: result.seed, excluded: result.excluded } : {}),
      ...('smoke' in result ? { smoke: result.smoke } : {}),
    };
  });
