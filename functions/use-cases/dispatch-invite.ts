import { hasAnswered, type InvitedCustomer, type SendJob, type Wave } from '../domain/model.ts';
import type { SendQueue, SurveyStore } from '../domain/ports.ts';
import type { Customer } from '../domain/programme.ts';
import type { Segment } from '../domain/segments.ts';
import { SEGMENTS } from '../domain/segments.ts';
import { invitationId } from '../domain/token.ts';
import { forEachLimited } from './concurrency.ts';

/** DynamoDB writes in flight at once: fast, but well below what one partition or the SDK pool takes. */
export const WRITE_CONCURRENCY = 16;

/** The customer as an invitation keeps them: what the emails and reports need, frozen at dispatch. */
export const invitedCustomer = (c: Customer, segments?: ReadonlySet<Segment>): InvitedCustomer => ({
  id: c.id,
  name: c.name,
  email: c.email,
  language: c.language,
  department: c.department,
  ...(segments && segments.size > 0 ? { segments: SEGMENTS.filter((s) => segments.has(s)) } : {}),
});

/**
 * Stores each customer's invitation to the wave and queues its invite job. Run again (a crash half-way, a
 * redelivered task), it finds the invitations made rather than rewriting them, and queues again only
 * those that still need their email: one read per invitation found, none per invitation made.
 */
export async function inviteAll(
  { store, queue }: { store: SurveyStore; queue: SendQueue },
  { wave, now }: { wave: Wave; now: Date },
  customers: InvitedCustomer[],
): Promise<{ created: number; queued: number }> {
  const jobs: SendJob[] = [];
  let created = 0;
  await forEachLimited(customers, WRITE_CONCURRENCY, async (customer) => {
    const id = invitationId(wave.waveId, customer.id);
    const isNew = await store.putInvitation({
      id,
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      customer,
      createdAt: now.toISOString(),
      expiresAt: wave.deadline,
      sent: {},
    });
    if (isNew) {
      created++;
      jobs.push({ invitationId: id, step: 'invite' });
      return;
    }
    // Made by an earlier run: no answer without the invite's link, so of an anonymous invitation nothing
    // says, nor needs to. Gone meanwhile (expired): nothing to send.
    const found = await store.getInvitation(id);
    if (found && !found.sent.invite && !found.unsubscribedAt && !hasAnswered(found))
      jobs.push({ invitationId: id, step: 'invite' });
  });
  if (jobs.length > 0) await queue.enqueue(jobs);
  return { created, queued: jobs.length };
}
