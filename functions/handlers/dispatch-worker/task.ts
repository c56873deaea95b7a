import * as z from 'zod';
import type { DispatchTask } from '../../domain/selection/task.ts';

const index = z.int().min(0);

/** A dispatch queue message's body: one DispatchTask (domain/selection/task.ts), nothing more. */
const DispatchTaskBody = z.strictObject({
  campaignId: z.string().min(1),
  waveId: z.string().min(1),
  round: index,
  shard: index,
  chunk: index,
  cursor: z.string().min(1).optional(),
});

// The schema and the port's type move together: a field added to one and not the other fails tsc here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.output<typeof DispatchTaskBody>, DispatchTask> = true;
void sameShape;

/**
 * The task in an SQS message body, or why it is none: each problem is a field and zod's issue code, never
 * a value or an unknown key's name (untrusted text stays out of the logs).
 */
export function parseDispatchTask(body: string): { task: DispatchTask } | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problems: ['body: not JSON'] };
  }
  const parsed = DispatchTaskBody.safeParse(json);
  if (parsed.success) return { task: parsed.data };
  const field = (path: PropertyKey[]) =>
    typeof path[0] === 'string' && Object.hasOwn(DispatchTaskBody.shape, path[0]) ? path[0] : 'body';
  return { problems: parsed.error.issues.map((i) => `${field(i.path)}: ${i.code}`) };
}
