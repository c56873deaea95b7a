import { signActionLink, signVerifyLink } from '../actions/links.ts';
import type { ActionNoticeKind, CorrectiveAction } from '../actions/model.ts';
import { noticeRecipients, recipientRef } from '../actions/notices.ts';
import { type DepartmentNames, departmentName } from '../department-names.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { alertBody } from './action-alert.ts';
import { actionMessage, labelsOf } from './action-common.ts';
import { ownerNoticeBody } from './action-owner.ts';
import { verifyBody } from './action-verify.ts';
import type { EmailMessage } from './message.ts';

const DAY_MS = 86_400_000;

export interface ActionEmailInput {
  action: CorrectiveAction;
  kind: ActionNoticeKind;
  /** Index into noticeRecipients(action, kind). */
  recipient: number;
  /** The wave's questionnaire, for item and question labels (none for a target's action). */
  questionnaire?: Questionnaire;
  /** The campaign's display names of departments (departmentNamesOfAction); the id stands in without. */
  departments?: DepartmentNames;
  /** The key links are signed with, and PUBLIC_BASE_URL. */
  secret: string;
  baseUrl: string;
  now: Date;
}

/**
 * One action email (alert, owner reminder, escalation, follow-up or reopen) to one recipient, in their
 * language, with their own link (the contract of issue 12): `/a/{token}` for the recipient's reference,
 * working `linkDays` days from now; the follow-up's `/v/{token}?answer=yes|no` until the day after its
 * answer-by date. Undefined when the recipient index names nobody.
 */
export function actionEmail(input: ActionEmailInput): EmailMessage | undefined {
  const { action, kind, recipient, now } = input;
  const to = noticeRecipients(action, kind)[recipient];
  if (!to) return undefined;
  const base = input.baseUrl.replace(/\/+$/, '');
  const lang = to.language;
  const common = { action, kind, recipientIndex: recipient, now };
  if (kind === 'verify') {
    const answerBy = action.verification?.answerBy;
    // The page checks answerBy itself; the link only has to outlive it (or, not recorded yet, linkDays).
    const expiresAt = answerBy
      ? new Date(Date.parse(`${answerBy}T23:59:59.999Z`) + 2 * DAY_MS)
      : new Date(now.getTime() + action.linkDays * DAY_MS);
    const link = `${base}/v/${signVerifyLink(input.secret, action.id, action.round, expiresAt)}`;
    return actionMessage({
      ...common,
      to: { email: to.email, ...(action.customer ? { name: action.customer.name } : {}) },
      body: verifyBody(action, lang, { yes: `${link}?answer=yes`, no: `${link}?answer=no` }),
    });
  }
  const ref = recipientRef(action, kind, recipient);
  if (!ref) return undefined;
  const url = `${base}/a/${signActionLink(input.secret, action.id, ref, new Date(now.getTime() + action.linkDays * DAY_MS))}`;
  const department = departmentName(input.departments, action.department, lang);
  const body =
    kind === 'alert'
      ? alertBody(action, lang, labelsOf(input.questionnaire, lang), url, department)
      : ownerNoticeBody(action, kind, lang, url, department);
  return actionMessage({ ...common, to: { email: to.email }, body });
}
