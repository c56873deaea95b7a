import type { CorrectiveAction } from '../actions/model.ts';
import type { Language } from '../language.ts';
import type { ActionEmailBody, Fact, Labels } from './action-common.ts';
import { dayText, instantText, reasonText } from './action-common.ts';
import { oneLine } from './message.ts';

const COPY = {
  'zh-CN': {
    subject: (campaign: string, department: string) => `【需处理】${campaign}：${department}的客户反馈`,
    intro: (campaign: string, department: string) =>
      `“${campaign}”中的一份回答触发了${department}的纠正措施，请尽快联系客户、查明原因并处理。`,
    target: (campaign: string, department: string) =>
      `“${campaign}”的一个已结束的报告期内，${department}未达到目标，已为其开立纠正措施。`,
    campaign: '调查',
    department: '部门',
    due: '处理期限',
    total: '总分',
    totalValue: (total: number, grade: string) => `${total} / 100（等级 ${grade}）`,
    answeredAt: '回答时间',
    customer: '客户',
    email: '邮箱',
    anonymous: '本调查为匿名调查：无法识别该客户，也无法联系其本人。',
    why: '原因',
    ratings: '各项评价',
    comments: '意见',
    button: '打开纠正措施',
    fallback: '如果按钮无法打开，请将以下链接复制到浏览器中：',
    personal: '此链接仅供您本人使用，请勿转发。',
  },
  en: {
    subject: (campaign: string, department: string) =>
      `Action needed: ${campaign}: feedback for ${department}`,
    intro: (campaign: string, department: string) =>
      `A response to the “${campaign}” opened a corrective action for ${department}. Please contact the customer, find the cause and act on it.`,
    target: (campaign: string, department: string) =>
      `${department} missed a target of the “${campaign}” in a closed report period: a corrective action is open for it.`,
    campaign: 'Survey',
    department: 'Department',
    due: 'Due date',
    total: 'Total',
    totalValue: (total: number, grade: string) => `${total} / 100 (grade ${grade})`,
    answeredAt: 'Answered',
    customer: 'Customer',
    email: 'Email',
    anonymous: 'This survey is anonymous: the customer cannot be identified or contacted.',
    why: 'Why',
    ratings: 'Ratings',
    comments: 'Comments',
    button: 'Open the corrective action',
    fallback: 'If the button does not work, copy this link into your browser:',
    personal: 'This link is for you alone; please do not forward it.',
  },
} as const;

/**
 * The alert (to the owners and customer service when the action opens): the campaign, department, why,
 * the answer (total and grade, each rating by its item's label, the comments), the customer to contact —
 * or, for an anonymous campaign, that nobody can be — the due date and the action link.
 */
export function alertBody(
  action: CorrectiveAction,
  lang: Language,
  labels: Labels,
  actionUrl: string,
  /** The department's display name in `lang` (department-names.ts). */
  departmentName: string = action.department,
): ActionEmailBody {
  const t = COPY[lang];
  const campaign = oneLine(action.campaignName[lang]);
  const department = oneLine(departmentName);
  const anonymous = action.source.kind === 'response' && action.source.anonymous === true;
  const response = action.response;
  const facts: Fact[] = [
    { label: t.campaign, value: campaign },
    { label: t.department, value: department },
    { label: t.due, value: dayText(action.dueDate, lang) },
  ];
  if (response) {
    facts.push({ label: t.total, value: t.totalValue(response.total, response.grade) });
    facts.push({
      label: t.answeredAt,
      // An anonymous answer's day only (stored as its UTC day, anonymity.ts): its minute could tell who it
      // was, and that midnight read in a zone behind UTC would name the day before.
      value: anonymous
        ? dayText(response.answeredAt.slice(0, 10), lang)
        : instantText(response.answeredAt, action.timeZone, lang),
    });
  }
  if (action.customer && !anonymous) {
    facts.push({ label: t.customer, value: oneLine(action.customer.name) });
    facts.push({ label: t.email, value: oneLine(action.customer.email) });
  }
  const sections: ActionEmailBody['sections'] = [
    { title: t.why, lines: action.reasons.map((r) => reasonText(r, lang, labels)) },
  ];
  if (response) {
    const ratings = Object.entries(response.ratings).map(
      ([item, level]) => `${labels.item(item)}: ${labels.level(level)}`,
    );
    if (ratings.length > 0) sections.push({ title: t.ratings, lines: ratings });
    const comments = Object.entries(response.comments).map(
      ([question, text]) => `${labels.question(question)}: ${text}`,
    );
    if (comments.length > 0) sections.push({ title: t.comments, lines: comments });
  }
  return {
    language: lang,
    subject: t.subject(campaign, department),
    intro: [
      action.source.kind === 'target' ? t.target(campaign, department) : t.intro(campaign, department),
      ...(anonymous ? [t.anonymous] : []),
    ],
    facts,
    sections,
    buttons: [{ label: t.button, url: actionUrl }],
    fallback: { text: t.fallback, url: actionUrl },
    outro: [t.personal],
  };
}
