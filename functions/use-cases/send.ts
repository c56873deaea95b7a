import { invitationEmail } from '../domain/email/invitation.ts';
import { type ComposeMime, MailRejectedError } from '../domain/email/message.ts';
import type { SendJob, Wave } from '../domain/model.ts';
import type { Clock, Mailer, SurveyStore } from '../domain/ports.ts';
import { signToken } from '../domain/token.ts';

export type WaveLookup = (campaignId: string, waveId: string) => Promise<Wave | undefined>;

/**
 * Remembers waves once read. A wave's campaign and questionnaire snapshot never change, and a batch of
 * send jobs nearly always belongs to one wave, so each email costs no read beyond its claim. Concurrent
 * lookups share one request; a failed or empty lookup is forgotten so the next one asks again.
 */
export function cachedWaves(store: Pick<SurveyStore, 'getWave'>, max = 64): WaveLookup {
  const cache = new Map<string, Promise<Wave | undefined>>();
  return (campaignId, waveId) => {
    const key = `${campaignId}\u0000${waveId}`;
    let hit = cache.get(key);
    if (!hit) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      hit = store.getWave(campaignId, waveId).then(
        (wave) => {
          if (!wave) cache.delete(key);
          return wave;
        },
        (e: unknown) => {
          cache.delete(key);
          throw e;
        },
      );
      cache.set(key, hit);
    }
    return hit;
  };
}

export interface SendDeps {
  store: SurveyStore;
  mailer: Mailer;
  clock: Clock;
  waves: WaveLookup;
  compose: ComposeMime;
  links: {
    /** The key that signs survey and unsubscribe links. */
    secret: () => Promise<string>;
    /** PUBLIC_BASE_URL: the survey page's origin (and path prefix, if any). */
    baseUrl: string;
  };
}

export type SendResult =
  | { outcome: 'sent'; invitationId: string; messageId: string }
  /** Already sent, unsubscribed, expired or unknown: nothing to do, and not an error. */
  | { outcome: 'skipped'; invitationId: string };

/**
 * The send failed after the claim. `released` tells whether the claim was undone, so a retry can send;
 * `permanent` that the mail service refused the message itself (the job will end in the DLQ).
 */
export class SendFailedError extends Error {
  readonly permanent: boolean;

  constructor(
    readonly invitationId: string,
    readonly released: boolean,
    cause: unknown,
  ) {
    super(`sending invitation ${invitationId} failed`, { cause });
    this.name = 'SendFailedError';
    this.permanent = cause instanceof MailRejectedError;
  }
}

export class WaveNotFoundError extends Error {
  constructor(campaignId: string, waveId: string) {
    super(`wave ${waveId} of campaign ${campaignId} does not exist`);
    this.name = 'WaveNotFoundError';
  }
}

/**
 * Sends one wave step's email, at most once. The claim comes first: it is a conditional write that only
 * one delivery of the job wins, and it refuses invitations already sent, unsubscribed or expired, so SQS
 * redeliveries and concurrent copies of a job cost one write and send nothing. If sending fails the claim
 * is released and the error rethrown, so the queue delivers the job again: throttling is retried, never
 * dropped. A message SES rejects outright fails the same way and reaches the DLQ after the queue's
 * maxReceiveCount, where it can be redriven once the cause (an unverified sender, say) is fixed.
 *
 * The one gap left: SES accepts the message but the answer is lost (a timeout). The claim is then
 * released and the retry sends a second copy; SendRawEmail has no idempotency key to prevent it.
 */
export async function sendInvitation(deps: SendDeps, job: SendJob): Promise<SendResult> {
  const { store, mailer, clock, waves, compose, links } = deps;
  const at = clock.now();
  const atIso = at.toISOString();
  const invitation = await store.claimSend(job.invitationId, job.step, atIso);
  if (!invitation) return { outcome: 'skipped', invitationId: job.invitationId };

  try {
    const wave = await waves(invitation.campaignId, invitation.waveId);
    if (!wave) throw new WaveNotFoundError(invitation.campaignId, invitation.waveId);
    const secret = await links.secret();
    const base = links.baseUrl.replace(/\/+$/, '');
    const message = invitationEmail({
      invitationId: invitation.id,
      customer: invitation.customer,
      campaign: wave.campaign,
      deadline: invitation.expiresAt,
      surveyUrl: `${base}/s/${signToken(secret, 'survey', invitation.id)}`,
      unsubscribeUrl: `${base}/u/${signToken(secret, 'unsubscribe', invitation.id)}`,
      now: at,
    });
    const messageId = await mailer.send(await compose(message));
    return { outcome: 'sent', invitationId: invitation.id, messageId };
  } catch (e) {
    let released = true;
    try {
      await store.releaseSend(job.invitationId, job.step, atIso);
    } catch {
      // The email is then never sent (the claim stands), which DESIGN.md prefers to sending it twice.
      released = false;
    }
    throw new SendFailedError(job.invitationId, released, e);
  }
}
