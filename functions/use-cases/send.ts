import { isAnonymous } from '../domain/anonymity.ts';
import { invitationEmail } from '../domain/email/invitation.ts';
import {
  type ComposeMime,
  MailDeferredError,
  MailNotSentError,
  MailQuotaExceededError,
  MailRejectedError,
  MailThrottledError,
} from '../domain/email/message.ts';
import type { SendJob, Wave } from '../domain/model.ts';
import type { Clock, Mailer, OutgoingEmail, SurveyStore } from '../domain/ports.ts';
import { campaignOfSmokeId } from '../domain/smoke.ts';
import { signToken } from '../domain/token.ts';
import { answeredAnonymously } from './anonymous-answers.ts';
import { type Suppressions, suppressionsOf } from './suppression.ts';
import type { WaveLookup } from './waves.ts';

/**
 * The SES message tag naming the invitation an email belongs to; bounce and complaint events carry it
 * back (functions/use-cases/ses-events.ts). Invitation ids are base64url, which SES tag values allow.
 */
export const INVITATION_TAG = 'csat-invitation';

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
  /** Looked up before every send: an address suppressed since the job was queued is never emailed. */
  suppressions: Suppressions;
}

export type SendResult =
  /** SES took the email; `confirmed` is false if its message id could not be stored. */
  | { outcome: 'sent'; invitationId: string; messageId: string; confirmed: boolean }
  /**
   * The send failed in a way that leaves open whether SES took the email (a timeout, a 5xx, a dropped
   * connection). The claim stays, so it is never sent again; `recorded` tells whether the invitation
   * says so (`sendUncertain`). `error` is the error's name, for the log.
   */
  | { outcome: 'uncertain'; invitationId: string; recorded: boolean; error: string }
  /**
   * Already sent, unsubscribed, expired or unknown, or a reminder of an anonymous invitation that was
   * answered: nothing to do, and not an error.
   */
  | { outcome: 'skipped'; invitationId: string }
  /**
   * The address went on the suppression list after the job was queued (unsubscribed through another
   * email, bounced, complained, erased): the invitation is closed and nothing is sent.
   */
  | { outcome: 'suppressed'; invitationId: string };

/**
 * The email certainly did not go out. `released` tells whether the claim was undone, so a retry can send;
 * `permanent` that the mail service refused the message itself (the job will end in the DLQ);
 * `throttled` that it is over its sending rate (the same job can go a little later), `quotaExceeded`
 * that its daily quota is used up (the job waits, paused by the send handler).
 */
export class SendFailedError extends Error {
  readonly permanent: boolean;
  readonly throttled: boolean;
  /** The account's daily quota is used up: the job must wait hours, so it is paused, not retried. */
  readonly quotaExceeded: boolean;
  /** No sending slot before the invocation's deadline: not tried, the job goes back to the queue. */
  readonly deferred: boolean;

  constructor(
    /** The invitation's id, or the action's when `subject` is `action` (send-action-notice.ts). */
    readonly invitationId: string,
    readonly released: boolean,
    cause: unknown,
    readonly subject: 'invitation' | 'action' = 'invitation',
  ) {
    super(`sending ${subject} ${invitationId} failed`, { cause });
    this.name = 'SendFailedError';
    this.permanent = cause instanceof MailRejectedError;
    this.throttled = cause instanceof MailThrottledError;
    this.quotaExceeded = cause instanceof MailQuotaExceededError;
    this.deferred = cause instanceof MailDeferredError;
  }
}

export class WaveNotFoundError extends Error {
  constructor(campaignId: string, waveId: string) {
    super(`wave ${waveId} of campaign ${campaignId} does not exist`);
    this.name = 'WaveNotFoundError';
  }
}

/**
 * Sends one wave step's email, at most once: one conditional claim, one SendRawEmail, one confirm write.
 * The claim comes first: a conditional write that only one delivery of the job wins, refusing invitations
 * already sent, unsubscribed or expired, so SQS redeliveries and concurrent copies of a job cost one
 * write and send nothing. Once SES took the email, its message id is stored with the claim.
 *
 * If the email certainly did not go out (building it failed, or the mail service refused or throttled
 * it), the claim is released and the error rethrown, so the queue delivers the job again: throttling is
 * retried, never dropped. A message SES rejects outright fails the same way and reaches the DLQ after the
 * queue's maxReceiveCount, where it can be redriven once the cause (an unverified sender, say) is fixed.
 *
 * If the send failed but SES may have taken the email (SendRawEmail has no idempotency key), the claim
 * stays and the invitation is marked `sendUncertain`: at most one email, never two, and the doubt is on
 * record. A claim with neither a message id nor that mark is a send the function died in the middle of.
 */
export async function sendInvitation(deps: SendDeps, job: SendJob): Promise<SendResult> {
  const { store, mailer, clock, waves, compose, links } = deps;
  const at = clock.now();
  const atIso = at.toISOString();
  const invitation = await store.claimSend(job.invitationId, job.step, atIso);
  if (!invitation) return { outcome: 'skipped', invitationId: job.invitationId };

  const notSent = async (cause: unknown): Promise<never> => {
    let released = true;
    try {
      await store.releaseSend(job.invitationId, job.step, atIso);
    } catch {
      // The email is then never sent (the claim stands), which DESIGN.md prefers to sending it twice.
      released = false;
    }
    throw new SendFailedError(job.invitationId, released, cause);
  };

  let suppressed = false;
  let answered = false;
  let wave: Wave;
  try {
    const found = await waves(invitation.campaignId, invitation.waveId);
    if (!found) throw new WaveNotFoundError(invitation.campaignId, invitation.waveId);
    wave = found;
    // A reminder of an anonymous invitation: nothing on it says whether it was answered, its response's
    // id does (anonymity.ts). An invitation is never answered before its invite went out.
    if (job.step !== 'invite' && isAnonymous(wave.campaign)) {
      answered = (await answeredAnonymously(deps, [invitation.id])).size > 0;
    }
    // A smoke run's wave emails SES's simulator addresses, which its own bounce and complaint steps put
    // on the list: as its dispatch, it does not consult it (it can only address smoke customers).
    if (campaignOfSmokeId(invitation.campaignId) === undefined) {
      suppressed = (await suppressionsOf(deps.suppressions, [invitation.customer.email])).size > 0;
    }
  } catch (e) {
    return notSent(e);
  }
  if (answered) {
    // The claim stays, as on an invitation whose reminder went out: an answered invitation of an anonymous
    // wave keeps the same reminder steps as the others (remind queues them all), so they tell no answer.
    return { outcome: 'skipped', invitationId: invitation.id };
  }
  if (suppressed) {
    // Closed first, so a failure after it leaves a claim that is never sent, never an email.
    await store.closeInvitation(job.invitationId, atIso);
    await store.releaseSend(job.invitationId, job.step, atIso);
    return { outcome: 'suppressed', invitationId: invitation.id };
  }

  let email: OutgoingEmail;
  try {
    const secret = await links.secret();
    const base = links.baseUrl.replace(/\/+$/, '');
    email = await compose(
      invitationEmail({
        invitationId: invitation.id,
        customer: invitation.customer,
        campaign: wave.campaign,
        deadline: invitation.expiresAt,
        surveyUrl: `${base}/s/${signToken(secret, 'survey', invitation.id)}`,
        unsubscribeUrl: `${base}/u/${signToken(secret, 'unsubscribe', invitation.id)}`,
        now: at,
        step: job.step,
        questionnaire: wave.questionnaire,
        ...(invitation.delivery ? { delivery: invitation.delivery.date } : {}),
      }),
    );
    email = { ...email, tags: { ...email.tags, [INVITATION_TAG]: invitation.id } };
  } catch (e) {
    return notSent(e);
  }

  let messageId: string;
  try {
    messageId = await mailer.send(email);
  } catch (e) {
    if (e instanceof MailNotSentError) return notSent(e);
    let recorded = true;
    try {
      await store.markSendUncertain(job.invitationId, job.step, atIso);
    } catch {
      recorded = false;
    }
    return {
      outcome: 'uncertain',
      invitationId: invitation.id,
      recorded,
      error: e instanceof Error ? e.name : 'unknown',
    };
  }

  // The email is out whatever happens next: a failed confirm leaves the claim unconfirmed, not undone.
  let confirmed = true;
  try {
    // An anonymous wave's reminders keep no message id: an answered invitation's claim (never sent) has
    // none, so one on the others would tell them apart.
    if (job.step === 'invite' || !isAnonymous(wave.campaign)) {
      await store.confirmSend(job.invitationId, job.step, atIso, messageId);
    }
  } catch {
    confirmed = false;
  }
  return { outcome: 'sent', invitationId: invitation.id, messageId, confirmed };
}
