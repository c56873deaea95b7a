import type { CorrectiveAction } from '../actions/model.ts';
import type { Language } from '../language.ts';
import { type ActionEmailBody, dayText, STATUS_WORDS } from './action-common.ts';
import { oneLine } from './message.ts';

/** The notices to the action's owners and managers after it opened: a reminder, an escalation, a reopen. */
export type OwnerNoticeKind = 'owner-reminder' | 'escalation' | 'reopened';

const COPY = {
  'zh-CN': {
    subject: {
      'owner-reminder': (c: string, d: string) => `提醒：${c}：${d}的纠正措施即将到期`,
      escalation: (c: string, d: string) => `【已逾期】${c}：${d}的纠正措施`,
      reopened: (c: string, d: string) => `【已重新打开】${c}：${d}的纠正措施`,
    },
    intro: {
      'owner-reminder': (d: string, due: string) =>
        `${d}的纠正措施将于 ${due} 到期，目前尚未解决，请及时处理。`,
      escalation: (d: string, due: string) => `${d}的纠正措施已于 ${due} 到期，至今仍未解决，现升级通知您。`,
      reopened: (d: string, due: string) => `${d}的纠正措施已重新打开，新的处理期限为 ${due}。`,
    },
    no: '客户回复：问题未得到满意解决。',
    noAnswer: '客户未在期限内回复回访。',
    campaign: '调查',
    department: '部门',
    due: '处理期限',
    status: '状态',
    button: '打开纠正措施',
    fallback: '如果按钮无法打开，请将以下链接复制到浏览器中：',
  },
  en: {
    subject: {
      'owner-reminder': (c: string, d: string) =>
        `Reminder: ${c}: the corrective action for ${d} is due soon`,
      escalation: (c: string, d: string) => `Overdue: ${c}: the corrective action for ${d}`,
      reopened: (c: string, d: string) => `Reopened: ${c}: the corrective action for ${d}`,
    },
    intro: {
      'owner-reminder': (d: string, due: string) =>
        `The corrective action for ${d} is due on ${due} and is not resolved yet. Please see to it.`,
      escalation: (d: string, due: string) =>
        `The corrective action for ${d} was due on ${due} and is still not resolved: it is escalated to you.`,
      reopened: (d: string, due: string) =>
        `The corrective action for ${d} is reopened; it is now due on ${due}.`,
    },
    no: 'The customer said the issue is not resolved to their satisfaction.',
    noAnswer: 'The customer did not answer the follow-up in time.',
    campaign: 'Survey',
    department: 'Department',
    due: 'Due date',
    status: 'Status',
    button: 'Open the corrective action',
    fallback: 'If the button does not work, copy this link into your browser:',
  },
} as const;

/** Who reopened it: the customer's "no", or no answer by the deadline (the sweep, as `csat`). */
const reopenedByCustomer = (action: CorrectiveAction): boolean =>
  action.history.findLast((h) => h.event === 'reopened')?.by === 'customer';

/** A reminder, an escalation or a reopen: the due date, the status, why (a reopen) and the action link. */
export function ownerNoticeBody(
  action: CorrectiveAction,
  kind: OwnerNoticeKind,
  lang: Language,
  actionUrl: string,
  /** The department's display name in `lang` (department-names.ts). */
  departmentName: string = action.department,
): ActionEmailBody {
  const t = COPY[lang];
  const campaign = oneLine(action.campaignName[lang]);
  const department = oneLine(departmentName);
  return {
    language: lang,
    subject: t.subject[kind](campaign, department),
    intro: [
      t.intro[kind](department, dayText(action.dueDate, lang)),
      ...(kind === 'reopened' ? [reopenedByCustomer(action) ? t.no : t.noAnswer] : []),
    ],
    facts: [
      { label: t.campaign, value: campaign },
      { label: t.department, value: department },
      { label: t.due, value: dayText(action.dueDate, lang) },
      { label: t.status, value: STATUS_WORDS[lang][action.status] },
    ],
    sections: [],
    buttons: [{ label: t.button, url: actionUrl }],
    fallback: { text: t.fallback, url: actionUrl },
    outro: [],
  };
}
