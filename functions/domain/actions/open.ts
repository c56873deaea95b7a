import type { HolidayCalendar } from '../calendar/holiday-calendar.ts';
import { toLanguage } from '../language.ts';
import type { Campaign } from '../programme.ts';
import type { ActionsConfig } from './config.ts';
import { dueDateOf } from './lifecycle.ts';
import type {
  ActionCustomer,
  ActionReason,
  ActionRecipient,
  ActionResponse,
  ActionSource,
  CorrectiveAction,
} from './model.ts';

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
