import { actionsCalendarId } from '../domain/actions/config.ts';
import {
  actionEvent,
  type CsatEvent,
  DETAIL_TYPES,
  type ResponseSubmittedDetail,
} from '../domain/actions/events.ts';
import type { CorrectiveAction } from '../domain/actions/model.ts';
import { noticeJobs } from '../domain/actions/notices.ts';
import { actionResponseOf, responseAction } from '../domain/actions/open.ts';
import type { ActionQueue, ActionStore, EventPublisher } from '../domain/actions/ports.ts';
import { actionReasons } from '../domain/actions/triggers.ts';
import { findCalendar, type HolidayCalendar } from '../domain/calendar/index.ts';
import { isFlagged } from '../domain/cleaning-flags.ts';
import type { SurveyStore } from '../domain/ports.ts';
import type { StoredSubmit } from './survey.ts';

export interface ResponseActionsDeps {
  /** Reads the invitation when the submit did not (its department and customer). */
  store: Pick<SurveyStore, 'getInvitation'>;
  actions: Pick<ActionStore, 'openAction'>;
  queue: ActionQueue;
  events: EventPublisher;
  /** The programme's holiday calendars: an action's due date counts working days in one of them. */
  calendars: readonly HolidayCalendar[];
}

/** A step that failed after the response was stored: its name and the error's, for the log. */
export interface AfterSubmitFailure {
  step: 'invitation' | 'action' | 'alert' | 'events';
  error: string;
}

export interface AfterSubmitResult {
  /** The action the response triggers, if any (also when an earlier try opened it). */
  actionId?: string;
  /** This call opened it (and queued its alerts). */
  opened: boolean;
  /** How many alert emails were queued. */
  alerts: number;
  failures: AfterSubmitFailure[];
}

const nameOf = (e: unknown): string => (e instanceof Error ? e.name : 'unknown');

/**
 * What follows a stored response (issue 12): the corrective action it triggers, opened once whatever
 * retries, with one `alert` job per owner and customer-service address, then the `Response Submitted` and
 * `Action Opened` events. Never throws: the response is stored and the customer thanked whatever fails
 * here; the failures are returned for the log, and the sweep opens an action a failure left unopened.
 * Flagged (cleaned) responses never open one. An anonymous campaign's action names no customer and no
 * invitation, and keeps the anonymised response (dated by the day only).
 */
export async function afterSubmit(
  deps: ResponseActionsDeps,
  stored: StoredSubmit,
): Promise<AfterSubmitResult> {
  const result: AfterSubmitResult = { opened: false, alerts: 0, failures: [] };
  const { wave, anonymous } = stored;
  const campaign = wave.campaign;
  // A content answer of a campaign that does not publish every response costs the submit nothing more:
  // the triggers need only the answer, and the invitation is read for a response that opens an action.
  const answer = anonymous ? anonymous.response : stored.response;
  const triggered =
    campaign.actions !== undefined &&
    actionReasons(wave.questionnaire, campaign.actions.triggers, actionResponseOf(answer)).length > 0;
  if (!triggered && campaign.publishResponses !== true) return result;
  let invitation = stored.invitation;
  if (!anonymous && !invitation) {
    try {
      invitation = await deps.store.getInvitation(stored.invitationId);
    } catch (e) {
      result.failures.push({ step: 'invitation', error: nameOf(e) });
    }
    if (!invitation) {
      if (result.failures.length === 0) result.failures.push({ step: 'invitation', error: 'NotFound' });
      return result;
    }
  }
  const department = anonymous ? anonymous.department : invitation!.customer.department;
  const response = anonymous ? anonymous.response : stored.response;
  const responseId = anonymous ? anonymous.id : stored.invitationId;
  const flagged = isFlagged(response);

  let action: CorrectiveAction | undefined;
  if (campaign.actions && !flagged) {
    try {
      action = responseAction({
        campaign,
        questionnaire: wave.questionnaire,
        calendar: findCalendar(deps.calendars, actionsCalendarId(campaign)),
        waveId: wave.waveId,
        responseId,
        anonymous: anonymous !== undefined,
        department,
        ...(invitation && !anonymous
          ? {
              customer: {
                id: invitation.customer.id,
                name: invitation.customer.name,
                email: invitation.customer.email,
                language: invitation.customer.language,
              },
            }
          : {}),
        response: actionResponseOf(response),
        at: stored.at,
      });
      if (action) {
        result.actionId = action.id;
        result.opened = await deps.actions.openAction(action);
      }
    } catch (e) {
      result.failures.push({ step: 'action', error: nameOf(e) });
    }
  }

  if (action && result.opened) {
    const jobs = noticeJobs(action, 'alert');
    try {
      await deps.queue.enqueue(jobs);
      result.alerts = jobs.length;
    } catch (e) {
      result.failures.push({ step: 'alert', error: nameOf(e) });
    }
  }

  const detail: ResponseSubmittedDetail = {
    id: `${responseId}:submitted`,
    campaignId: wave.campaignId,
    waveId: wave.waveId,
    ...(anonymous ? {} : { invitationId: stored.invitationId }),
    anonymous: anonymous !== undefined,
    department,
    answeredAt: response.answeredAt,
    total: response.total,
    grade: response.grade,
    flagged,
    ...(result.actionId ? { actionId: result.actionId } : {}),
  };
  const events: CsatEvent[] =
    campaign.publishResponses === true ? [{ detailType: DETAIL_TYPES.responseSubmitted, detail }] : [];
  const opened = action && result.opened ? actionEvent(action) : undefined;
  if (opened) events.push(opened);
  if (events.length === 0) return result;
  try {
    await deps.events.publish(events);
  } catch (e) {
    result.failures.push({ step: 'events', error: nameOf(e) });
  }
  return result;
}
