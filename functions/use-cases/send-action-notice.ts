import type { ActionSendJob, ActionStatus } from '../domain/actions/model.ts';
import { isFinal, noticeKey, PENDING_STATUSES } from '../domain/actions/model.ts';
import type { ActionStore } from '../domain/actions/ports.ts';
import { type DepartmentNamesLookup, departmentNamesOfAction } from '../domain/department-names.ts';
import { actionEmail } from '../domain/email/action-email.ts';
import { type ComposeMime, MailNotSentError } from '../domain/email/message.ts';
import type { Clock, Mailer, OutgoingEmail } from '../domain/ports.ts';
import { SendFailedError } from './send.ts';
import { type Suppressions, suppressionsOf } from './suppression.ts';
import type { WaveLookup } from './waves.ts';

export interface ActionNoticeDeps {
  actions: Pick<ActionStore, 'claimNotice' | 'releaseNotice'>;
  mailer: Mailer;
  clock: Clock;
  waves: WaveLookup;
  /** Departments' display names as the programme configures them now (a target action has no wave). */
  departmentNames: DepartmentNamesLookup;
  compose: ComposeMime;
  links: { secret: () => Promise<string>; baseUrl: string };
  /** The customer's follow-up goes out only to an address that is not on the list (as survey emails). */
  suppressions: Suppressions;
}

/** The job's round has not begun on the stored action yet: the queue delivers it again later. */
export class ActionNotReadyError extends Error {
  constructor(
    readonly actionId: string,
    readonly round: number,
  ) {
    super(`action ${actionId} has not reached round ${round} yet`);
    this.name = 'ActionNotReadyError';
  }
}

/** The statuses in which each kind of email still says something true. */
const STATUS_OF_NOTICE: Record<ActionSendJob['notice'], (s: ActionStatus) => boolean> = {
  alert: () => true,
  'owner-reminder': (s) => PENDING_STATUSES.includes(s),
  escalation: (s) => PENDING_STATUSES.includes(s),
  verify: (s) => s === 'resolved',
  reopened: () => true,
};

export type ActionNoticeResult =
  | { outcome: 'sent'; actionId: string; notice: string; messageId: string }
  /** SES may have taken it: the claim stays, so it is never sent twice. */
  | { outcome: 'uncertain'; actionId: string; notice: string; error: string }
  /**
   * Already claimed (sent, or being sent), an unknown action, a job of an earlier round or of a final
   * action, a recipient the notice does not have, or a suppressed customer: nothing is sent.
   */
  | {
      outcome: 'skipped';
      actionId: string;
      notice: string;
      why: 'claimed' | 'stale' | 'no-recipient' | 'suppressed';
    };

/**
 * Sends one action email to one recipient, at most once, as sendInvitation does with an invitation:
 * claim `notices[noticeKey(kind, round, recipient)]` first (only one delivery of the job wins), then build
 * and send. If the email certainly did not go out (building it failed, or the mail service refused or
 * throttled it) the claim is released and a SendFailedError thrown, so the queue redelivers the job (the
 * send handler pauses it on the daily quota, stops the batch on throttling, as for invitations). Any other
 * send error keeps the claim: at most one email, never two.
 */
export async function sendActionNotice(
  deps: ActionNoticeDeps,
  job: ActionSendJob,
): Promise<ActionNoticeResult> {
  const { actions, clock } = deps;
  const at = clock.now();
  const atIso = at.toISOString();
  const key = noticeKey(job.notice, job.round, job.recipient);
  const ids = { actionId: job.actionId, notice: key };
  const action = await actions.claimNotice(job.actionId, key, atIso);
  if (!action) return { outcome: 'skipped', ...ids, why: 'claimed' };
  // A job is queued before the change it announces is stored (the sweep's and the follow-up's order):
  // one of a round still to come waits for it, given back and redelivered, unless the action is final.
  // The follow-up likewise waits for its `verification` (the answer-by date its link and text carry).
  const waiting = job.notice === 'verify' && action.status === 'resolved' && !action.verification;
  if ((job.round > action.round || waiting) && !isFinal(action.status)) {
    await actions.releaseNotice(job.actionId, key, atIso);
    throw new ActionNotReadyError(job.actionId, job.round);
  }
  // A claim of a round that is over, of a final action, or of a reminder, escalation or follow-up the
  // action no longer needs (resolved meanwhile, reopened) is never sent: it only marks the job done.
  if (action.round !== job.round || isFinal(action.status) || !STATUS_OF_NOTICE[job.notice](action.status))
    return { outcome: 'skipped', ...ids, why: 'stale' };

  const notSent = async (cause: unknown): Promise<never> => {
    let released = true;
    try {
      await actions.releaseNotice(job.actionId, key, atIso);
    } catch {
      released = false;
    }
    throw new SendFailedError(job.actionId, released, cause, 'action');
  };

  let email: OutgoingEmail | undefined;
  try {
    if (job.notice === 'verify' && action.customer) {
      const suppressed = await suppressionsOf(deps.suppressions, [action.customer.email]);
      if (suppressed.size > 0) return { outcome: 'skipped', ...ids, why: 'suppressed' };
    }
    // An alert names the items from the wave the action answers (waves are cached, so most notices read
    // nothing more); every notice names the department (departmentNamesOfAction).
    const wave =
      action.source.kind === 'response'
        ? await deps.waves(action.campaignId, action.source.waveId)
        : undefined;
    const departments = departmentNamesOfAction(deps, action, wave);
    const message = actionEmail({
      action,
      kind: job.notice,
      recipient: job.recipient,
      ...(wave ? { questionnaire: wave.questionnaire } : {}),
      ...(departments ? { departments } : {}),
      secret: await deps.links.secret(),
      baseUrl: deps.links.baseUrl,
      now: at,
    });
    if (message) email = await deps.compose(message);
  } catch (e) {
    return notSent(e);
  }
  if (!email) return { outcome: 'skipped', ...ids, why: 'no-recipient' };

  try {
    const messageId = await deps.mailer.send(email);
    return { outcome: 'sent', ...ids, messageId };
  } catch (e) {
    if (e instanceof MailNotSentError) return notSent(e);
    return { outcome: 'uncertain', ...ids, error: e instanceof Error ? e.name : 'unknown' };
  }
}
