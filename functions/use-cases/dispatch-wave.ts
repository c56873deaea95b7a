import type { SmokeRequest } from '../domain/smoke.ts';
import { type DispatchDeps, type DispatchInput, type DispatchResult, dispatch } from './dispatch.ts';
import { type DispatchEventsResult, dispatchEvents } from './dispatch-events.ts';
import { dispatchSmoke, type SmokeDispatchResult } from './dispatch-smoke.ts';

export interface DispatchWaveInput extends DispatchInput {
  /** `csat smoke`: a one-off wave to the run's customers only (dispatch-smoke.ts). */
  smoke?: SmokeRequest;
}

export type DispatchWaveResult = DispatchResult | DispatchEventsResult | SmokeDispatchResult;

/**
 * One wave of a campaign, whichever kind the input asks for: a smoke run's wave, the due steps of an
 * event-triggered campaign (not its whole audience), or a periodic campaign's sampled audience.
 */
export function dispatchWave(deps: DispatchDeps, input: DispatchWaveInput): Promise<DispatchWaveResult> {
  const { smoke, ...rest } = input;
  if (smoke) return dispatchSmoke(deps, { ...rest, smoke });
  return (input.campaign.trigger ? dispatchEvents : dispatch)(deps, rest);
}
