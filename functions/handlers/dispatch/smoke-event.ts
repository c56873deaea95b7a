import * as z from 'zod';
import { isSmokeCustomerOf, SMOKE_PREFIX, SMOKE_ROLES, SMOKE_RUN_ID } from '../../domain/smoke.ts';

/**
 * The dispatch event's `smoke` field (`csat smoke`): the run and the customers its one-off wave invites,
 * each named by the run's id prefix. The use case then checks they carry the smoke tag (dispatch-smoke.ts).
 */
export const SmokeEvent = z
  .strictObject({
    runId: z.string().regex(SMOKE_RUN_ID, 'must be 8 to 32 lowercase letters and digits'),
    customerIds: z.array(z.string()).min(1, 'must name the smoke customers').max(SMOKE_ROLES.length),
  })
  .refine((s) => s.customerIds.every((id) => isSmokeCustomerOf(s.runId, id)), {
    message: `every customer id must start with "${SMOKE_PREFIX}-{runId}-"`,
    path: ['customerIds'],
  });
