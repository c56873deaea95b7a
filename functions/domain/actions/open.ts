import type { HolidayCalendar } from '../calendar/holiday-calendar.ts';
import { isFlagged } from '../cleaning-flags.ts';
import { toLanguage } from '../language.ts';
import type { StoredResponse } from '../model.ts';
import type { Campaign } from '../programme.ts';
import type { Questionnaire } from '../questionnaire.ts';
import type { ActionsConfig } from './config.ts';
import { dueDateOf, responseActionId } from './lifecycle.ts';
import type {
  ActionCustomer,
  ActionReason,
  ActionRecipient,
  ActionResponse,
  ActionSource,
  CorrectiveAction,
} from './model.ts';
import { actionReasons } from './triggers.ts';

/** The campaign's recipients of an action in `department`: its heads own it, else customer service. */
export function recipientsOf(
  campaign: Campaign,
  actions: ActionsConfig,
  department: string,
): Pick<CorrectiveAction, 'owners' | 'notify' | 'managers'> {
  const fallback = campaign.report.language;
  const heads = (campaign.report.departmentHeads ?? [])
    .filter((h) => h.department === department)
    .map((h) => ({ email: h.email, language: h.language ?? fallback }));
  const notify: ActionRecipient[] = actions.customerService.map((r) => ({
    email: r.email,
    language: r.language ?? fallback,
  }));
  return {
    owners: heads.length > 0 ? heads : notify,
    notify: heads.length > 0 ? notify : [],
    managers: campaign.report.managers.map((email) => ({ email, language: fallback })),
  };
}

/** A new action, open, due `dueWorkingDays` working days after `at` in the campaign's calendar. */
export function newAction(input: {
  id: string;
  campaign: Campaign & { actions: ActionsConfig };
  calendar: HolidayCalendar;
  source: ActionSource;
  department: string;
  reasons: ActionReason[];
  at: Date;
  customer?: ActionCustomer;
  response?: ActionResponse;
}): CorrectiveAction {
  const { campaign, calendar, at } = input;
  const timeZone = campaign.dispatch.timeZone;
  const openedAt = at.toISOString();
  return {
    id: input.id,
    campaignId: campaign.id,
    campaignName: campaign.name,
    sender: campaign.sender,
    linkDays: campaign.actions.linkDays,
    ...(campaign.actions.verification.tellCustomer ? { tellCustomer: true as const } : {}),
    source: input.source,
    department: input.department,
    reasons: input.reasons,
    status: 'open',
    openedAt,
    timeZone,
    dueDate: dueDateOf(at, campaign.actions.dueWorkingDays, calendar, timeZone),
    round: 0,
    ...recipientsOf(campaign, campaign.actions, input.department),
    ...(input.customer
      ? { customer: { ...input.customer, language: toLanguage(input.customer.language) } }
      : {}),
    ...(input.response ? { response: input.response } : {}),
    notices: {},
    history: [{ at: openedAt, by: 'csat', event: 'opened' }],
  };
}

/** What responseAction takes of a stored response: the answer as the alert shows it, and the trigger inputs. */
export function actionResponseOf(
  response: StoredResponse,
): ActionResponse & { contactRequested?: boolean; flagged: boolean } {
  return {
    answeredAt: response.answeredAt,
    total: response.total,
    grade: response.grade,
    ratings: response.ratings,
    comments: response.comments,
    ...(response.choices ? { choices: response.choices } : {}),
    questionnaireVersion: response.questionnaireVersion,
    ...(response.contactRequested ? { contactRequested: true } : {}),
    flagged: isFlagged(response),
  };
}

/**
 * The action a stored response opens, or undefined when its campaign has no closed loop or nothing
 * triggers. Its id is the response's (responseActionId), so a retried submit or the sweep's recovery finds
 * the same action. An anonymous campaign's carries no customer and no invitation: `responseId` is then
 * the anonymous response id.
 */
export function responseAction(input: {
  campaign: Campaign;
  questionnaire: Questionnaire;
  calendar: HolidayCalendar;
  waveId: string;
  responseId: string;
  anonymous: boolean;
  department: string;
  customer?: ActionCustomer;
  response: ActionResponse & { contactRequested?: boolean; flagged?: boolean };
  at: Date;
}): CorrectiveAction | undefined {
  const { campaign } = input;
  const actions = campaign.actions;
  if (!actions) return undefined;
  const { contactRequested, flagged, ...response } = input.response;
  const reasons = actionReasons(input.questionnaire, actions.triggers, {
    total: response.total,
    ratings: response.ratings,
    comments: response.comments,
    ...(contactRequested !== undefined ? { contactRequested } : {}),
    ...(flagged !== undefined ? { flagged } : {}),
  });
  if (reasons.length === 0) return undefined;
  return newAction({
    id: responseActionId(input.responseId),
    campaign: { ...campaign, actions },
    calendar: input.calendar,
    source: input.anonymous
      ? { kind: 'response', waveId: input.waveId, anonymous: true }
      : { kind: 'response', waveId: input.waveId, invitationId: input.responseId },
    department: input.department,
    reasons,
    // An anonymous answer is dated by its day only (anonymity.ts): so is its action, or the action's
    // time would point at the customer served then.
    at: input.anonymous ? new Date(`${input.at.toISOString().slice(0, 10)}T00:00:00.000Z`) : input.at,
    ...(input.customer && !input.anonymous ? { customer: input.customer } : {}),
    response,
  });
}
