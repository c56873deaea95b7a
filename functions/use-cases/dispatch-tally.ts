import { EXCLUSION_REASONS, noExclusions } from '../domain/audience.ts';
import { addTo, dict } from '../domain/records.ts';
import { mergeInvitedBy } from '../domain/report/rollup.ts';
import type { InviteTally } from '../domain/selection/dispatch-state.ts';

/** What inviting nothing did. */
export const noTally = (): InviteTally => ({
  customers: 0,
  invited: 0,
  created: 0,
  queued: 0,
  excluded: noExclusions(),
  invitedBy: [],
});

/** Two stretches of invites (chunks of a shard, shards of a wave) added up. */
export function addTally(a: InviteTally, b: InviteTally): InviteTally {
  const excluded = noExclusions();
  for (const reason of EXCLUSION_REASONS) excluded[reason] = a.excluded[reason] + b.excluded[reason];
  return {
    customers: a.customers + b.customers,
    invited: a.invited + b.invited,
    created: a.created + b.created,
    queued: a.queued + b.queued,
    excluded,
    invitedBy: mergeInvitedBy(a.invitedBy, b.invitedBy),
    ...(a.steps || b.steps ? { steps: addSteps(a.steps, b.steps) } : {}),
    ...(a.caughtUp !== undefined || b.caughtUp !== undefined
      ? { caughtUp: (a.caughtUp ?? 0) + (b.caughtUp ?? 0) }
      : {}),
  };
}

/** Two counts by step id added up (step ids are the programme's, but kept off Object.prototype anyway). */
function addSteps(
  a: Readonly<Record<string, number>> = {},
  b: Readonly<Record<string, number>> = {},
): Record<string, number> {
  const sum = dict<number>();
  for (const steps of [a, b]) for (const [step, n] of Object.entries(steps)) addTo(sum, step, n);
  return sum;
}
