import { actionsCalendarId } from '../domain/actions/config.ts';
import { ActionChangeError, answerVerification } from '../domain/actions/lifecycle.ts';
import { verifyVerifyLink } from '../domain/actions/links.ts';
import type { CorrectiveAction } from '../domain/actions/model.ts';
import { noticeJobs } from '../domain/actions/notices.ts';
import type { ActionQueue, ActionStore, EventPublisher } from '../domain/actions/ports.ts';
import { findCalendar, type HolidayCalendar } from '../domain/calendar/index.ts';
import { localDateOf } from '../domain/calendar/working-days.ts';
import { type Language, toLanguage } from '../domain/language.ts';
import type { VerifyAnswer, VerifyConfirmView } from '../domain/pages/verify-page.ts';
import type { Clock } from '../domain/ports.ts';
import { findCampaign, type Programme } from '../domain/programme.ts';
import { publishChange, type WarningLog } from './action-page.ts';
import { LinkUnavailableError } from './survey.ts';

/*
 * GET/POST /v/{token}?answer=yes|no: the customer's answer to "is it resolved to your satisfaction?",
 * counted once. The token names the action and the round it was asked in; an answer to an earlier round,
 * a second answer and one after the time to answer are refused with a page saying so, never a 5xx.
 */

/** How a "no" reopens an action of a campaign: due this many working days later, in this calendar. */
export type ReopenRules = (campaignId: string) => { dueWorkingDays: number; calendar: HolidayCalendar };

export interface VerificationDeps {
  actions: ActionStore;
  clock: Clock;
  queue: ActionQueue;
  events: EventPublisher;
  log: WarningLog;
  /** The key follow-up links are signed with. */
  secret: string;
  reopenRules: ReopenRules;
}

/** The campaign's rules from the programme; a campaign gone from it (or without `actions`) takes the defaults. */
export function reopenRulesOf(programme: Pick<Programme, 'campaigns' | 'calendars'>): ReopenRules {
  return (campaignId) => {
    const campaign = findCampaign(programme as Programme, campaignId);
    return {
      dueWorkingDays: campaign?.actions?.dueWorkingDays ?? 10,
      calendar: findCalendar(programme.calendars, actionsCalendarId(campaign ?? {})),
    };
  };
}

/** The answer was not counted: already answered (this round or the link's round is over), or too late. */
export class VerificationNotCountedError extends Error {
  constructor(
    readonly language: Language,
    readonly why: 'answered' | 'closed',
  ) {
    super(`follow-up answer not counted: ${why}`);
    this.name = 'VerificationNotCountedError';
  }
}

/** A POST without a yes or no: the confirm page again. */
export class VerificationFormError extends Error {
  constructor(readonly view: VerifyConfirmView) {
    super('follow-up answer missing');
    this.name = 'VerificationFormError';
  }
}

export const verifyAnswerOf = (value: string | undefined): VerifyAnswer | undefined =>
  value === 'yes' || value === 'no' ? value : undefined;

async function openLink(
  deps: VerificationDeps,
  token: string,
  language: Language | undefined,
): Promise<{ action: CorrectiveAction & { customer: object }; language: Language }> {
  const link = verifyVerifyLink(deps.secret, token, deps.clock.now());
  if (!link) throw new LinkUnavailableError('bad-token');
  const action = await deps.actions.getAction(link.actionId);
  // Only a customer is ever sent a follow-up: an action without one has no genuine link.
  if (!action?.customer || link.round > action.round) throw new LinkUnavailableError('unknown');
  const lang = language ?? toLanguage(action.customer.language);
  const v = action.verification;
  if (link.round < action.round || action.status !== 'resolved' || !v || v.answer)
    throw new VerificationNotCountedError(lang, 'answered');
  if (localDateOf(deps.clock.now(), action.timeZone) > v.answerBy)
    throw new VerificationNotCountedError(lang, 'closed');
  return { action: action as CorrectiveAction & { customer: object }, language: lang };
}

/** GET: the confirm page with the link's answer chosen. Changes nothing (link scanners follow every URL). */
export async function openVerification(
  deps: VerificationDeps,
  input: { token: string; answer?: string; language?: Language },
): Promise<VerifyConfirmView> {
  const { action, language } = await openLink(deps, input.token, input.language);
  const answer = verifyAnswerOf(input.answer);
  return { language, campaignName: action.campaignName, ...(answer ? { answer } : {}) };
}

/**
 * POST: records the answer once. Yes verifies the action; no reopens it with a new due date and tells the
 * managers and owners: their `reopened` emails are queued first (the send claims each once), then the
 * change is made, then its event published.
 */
export async function answerFollowUp(
  deps: VerificationDeps,
  input: { token: string; form: Record<string, string>; language?: Language },
): Promise<{ language: Language; answer: VerifyAnswer }> {
  const { action, language } = await openLink(deps, input.token, input.language);
  const answer = verifyAnswerOf(input.form.answer);
  if (!answer) throw new VerificationFormError({ language, campaignName: action.campaignName, error: true });
  let change: ReturnType<typeof answerVerification>;
  try {
    change = answerVerification(action, answer, deps.clock.now(), deps.reopenRules(action.campaignId));
  } catch (e) {
    if (e instanceof ActionChangeError) throw new VerificationNotCountedError(language, 'answered');
    throw e;
  }
  if (answer === 'no') {
    // The `reopened` notice, in the round the reopen starts.
    await deps.queue.enqueue(noticeJobs(action, 'reopened', action.round + 1));
  }
  const updated = await deps.actions.apply(action.id, change);
  if (!updated) throw new VerificationNotCountedError(language, 'answered');
  await publishChange(deps, updated);
  return { language, answer };
}
