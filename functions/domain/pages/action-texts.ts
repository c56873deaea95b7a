import type { ActionEventName, ActionReason, ActionStatus } from '../actions/model.ts';
import type { Language } from '../language.ts';

/*
 * What the action page (an owner's, customer service's or a manager's link) and the customer's follow-up
 * pages say, in every language. Plain text: the pages escape it.
 */
export type ActionFieldError = 'required' | 'too-long';

export interface ActionPageTexts {
  title: string;
  campaign: string;
  department: string;
  status: string;
  statuses: Record<ActionStatus, string>;
  dueDate: string;
  openedAt: string;
  round: string;
  reasons: string;
  reason: (r: ActionReason, labels: { item?: string; level?: string; question?: string }) => string;
  answers: string;
  total: (total: number, grade: string) => string;
  answeredAt: string;
  comments: string;
  customer: string;
  anonymous: string;
  noCustomer: string;
  resolution: string;
  lastResolution: string;
  rootCause: string;
  actionTaken: string;
  resolvedAt: string;
  followUp: string;
  followUpSent: (date: string, answerBy: string) => string;
  followUpAnswer: (answer: 'yes' | 'no') => string;
  history: string;
  when: string;
  who: string;
  what: string;
  events: Record<ActionEventName, string>;
  system: string;
  theCustomer: string;
  acknowledgeTitle: string;
  acknowledgeHint: string;
  acknowledgeButton: string;
  resolveTitle: string;
  resolveHint: string;
  resolveButton: string;
  maxChars: (n: number) => string;
  errorSummary: string;
  fieldError: (error: ActionFieldError, label: string, max: number) => string;
  viewingAs: (email: string) => string;
  done: { acknowledged: string; resolved: string };
  conflict: string;
}

const zhCN: ActionPageTexts = {
  title: '纠正措施',
  campaign: '调查',
  department: '部门',
  status: '状态',
  statuses: {
    open: '待处理',
    acknowledged: '已确认，处理中',
    resolved: '已解决，待客户确认',
    verified: '客户已确认解决',
    reopened: '客户认为未解决，已重新打开',
    'closed-unverified': '已关闭（客户未确认）',
  },
  dueDate: '截止日期',
  openedAt: '创建时间',
  round: '第几轮',
  reasons: '原因',
  reason: (r, l) => {
    switch (r.kind) {
      case 'total-below':
        return `总分 ${r.total} 低于 ${r.threshold}`;
      case 'rating':
        return `“${l.item ?? r.category}”评为“${l.level ?? r.level}”`;
      case 'keyword':
        return `“${l.question ?? r.question}”中提到“${r.keyword}”`;
      case 'contact-request':
        return '客户要求我们联系他';
      case 'target':
        return `${r.item ? `“${l.item ?? r.item}”的` : ''}${TARGET_MEASURES['zh-CN'][r.measure]} ${r.actual} 未达到目标 ${r.target}`;
    }
  },
  answers: '客户的回答',
  total: (total, grade) => `总分 ${total}，等级 ${grade}`,
  answeredAt: '回答时间',
  comments: '意见',
  customer: '客户联系方式',
  anonymous: '本调查为匿名调查：不显示客户的身份和联系方式。',
  noCustomer: '此措施由未达到的目标产生，没有对应的客户。',
  resolution: '处理结果',
  lastResolution: '上一次的处理结果',
  rootCause: '根本原因',
  actionTaken: '采取的措施',
  resolvedAt: '解决时间',
  followUp: '客户回访',
  followUpSent: (date, answerBy) => `已于 ${date} 询问客户，回答期限 ${answerBy}。`,
  followUpAnswer: (a) => (a === 'yes' ? '客户回答：已解决。' : '客户回答：未解决。'),
  history: '处理记录',
  when: '时间',
  who: '处理人',
  what: '事项',
  events: {
    opened: '创建',
    acknowledged: '确认',
    resolved: '解决',
    'owner-reminded': '提醒负责人',
    escalated: '逾期，上报管理层',
    'verification-sent': '回访客户',
    verified: '客户确认已解决',
    reopened: '重新打开',
    'closed-unverified': '关闭（客户未确认）',
  },
  system: '系统',
  theCustomer: '客户',
  acknowledgeTitle: '确认',
  acknowledgeHint: '告诉大家您已收到并正在处理。',
  acknowledgeButton: '确认收到',
  resolveTitle: '记录处理结果',
  resolveHint: '填写根本原因和采取的措施后标记为已解决。之后将询问客户问题是否已解决。',
  resolveButton: '标记为已解决',
  maxChars: (n) => `最多 ${n} 个字。`,
  errorSummary: '请检查以下内容',
  fieldError: (error, label, max) =>
    error === 'required' ? `请填写“${label}”。` : `“${label}”最多 ${max} 个字，请删减。`,
  viewingAs: (email) => `您以 ${email} 的身份查看此页面。`,
  done: { acknowledged: '已确认。', resolved: '已标记为已解决。谢谢！' },
  conflict: '此操作无法执行：措施的状态已经改变（可能已有其他人处理）。下面是它现在的状态。',
};

const en: ActionPageTexts = {
  title: 'Corrective action',
  campaign: 'Survey',
  department: 'Department',
  status: 'Status',
  statuses: {
    open: 'Open',
    acknowledged: 'Acknowledged, in progress',
    resolved: 'Resolved, waiting for the customer',
    verified: 'Verified by the customer',
    reopened: 'Reopened: the customer said it is not resolved',
    'closed-unverified': 'Closed (not verified by the customer)',
  },
  dueDate: 'Due date',
  openedAt: 'Opened',
  round: 'Round',
  reasons: 'Why',
  reason: (r, l) => {
    switch (r.kind) {
      case 'total-below':
        return `Total score ${r.total} is below ${r.threshold}`;
      case 'rating':
        return `“${l.item ?? r.category}” rated “${l.level ?? r.level}”`;
      case 'keyword':
        return `“${l.question ?? r.question}” mentions “${r.keyword}”`;
      case 'contact-request':
        return 'The customer asked to be contacted';
      case 'target':
        return `${TARGET_MEASURES.en[r.measure]}${r.item ? ` of “${l.item ?? r.item}”` : ''} ${r.actual} missed the target ${r.target}`;
    }
  },
  answers: 'The customer’s answers',
  total: (total, grade) => `Total ${total}, grade ${grade}`,
  answeredAt: 'Answered',
  comments: 'Comments',
  customer: 'Customer contact',
  anonymous: 'This survey is anonymous: the customer’s identity and contact are not shown.',
  noCustomer: 'This action comes from a missed target: there is no customer to contact.',
  resolution: 'Resolution',
  lastResolution: 'Last resolution',
  rootCause: 'Root cause',
  actionTaken: 'Action taken',
  resolvedAt: 'Resolved',
  followUp: 'Follow-up with the customer',
  followUpSent: (date, answerBy) => `The customer was asked on ${date}, answer by ${answerBy}.`,
  followUpAnswer: (a) =>
    a === 'yes' ? 'The customer answered: resolved.' : 'The customer answered: not resolved.',
  history: 'History',
  when: 'When',
  who: 'Who',
  what: 'What',
  events: {
    opened: 'Opened',
    acknowledged: 'Acknowledged',
    resolved: 'Resolved',
    'owner-reminded': 'Owners reminded',
    escalated: 'Overdue, escalated to the managers',
    'verification-sent': 'Customer asked to confirm',
    verified: 'Verified by the customer',
    reopened: 'Reopened',
    'closed-unverified': 'Closed without the customer’s answer',
  },
  system: 'csat',
  theCustomer: 'Customer',
  acknowledgeTitle: 'Acknowledge',
  acknowledgeHint: 'Let everyone know you have seen it and are on it.',
  acknowledgeButton: 'Acknowledge',
  resolveTitle: 'Record the resolution',
  resolveHint:
    'Give the root cause and the action taken, then mark it resolved. The customer will then be asked whether it is resolved.',
  resolveButton: 'Mark resolved',
  maxChars: (n) => `Up to ${n} characters.`,
  errorSummary: 'Please check these fields',
  fieldError: (error, label, max) =>
    error === 'required' ? `Fill in “${label}”.` : `Keep “${label}” to ${max} characters or fewer.`,
  viewingAs: (email) => `You are viewing this page as ${email}.`,
  done: { acknowledged: 'Acknowledged.', resolved: 'Marked resolved. Thank you!' },
  conflict:
    'That could not be done: the action has changed (someone may have dealt with it already). This is how it stands now.',
};

const TARGET_MEASURES: Record<
  Language,
  Record<Extract<ActionReason, { kind: 'target' }>['measure'], string>
> = {
  'zh-CN': {
    'satisfaction-rate': '满意率',
    index: '满意度指数',
    'return-rate': '回收率',
    'item-satisfaction': '满意率',
  },
  en: {
    'satisfaction-rate': 'Satisfaction rate',
    index: 'Satisfaction index',
    'return-rate': 'Return rate',
    'item-satisfaction': 'Satisfaction rate',
  },
};

export const ACTION_TEXTS: Record<Language, ActionPageTexts> = { 'zh-CN': zhCN, en };

/** The customer's follow-up ("is it resolved to your satisfaction?") and what answering it shows. */
export interface VerifyPageTexts {
  title: string;
  question: string;
  about: (campaign: string) => string;
  yes: string;
  no: string;
  confirm: string;
  chooseOne: string;
  thanksTitle: string;
  thanksYes: string;
  thanksNo: string;
  answeredTitle: string;
  answeredBody: string;
  closedTitle: string;
  closedBody: string;
}

export const VERIFY_TEXTS: Record<Language, VerifyPageTexts> = {
  'zh-CN': {
    title: '您的问题解决了吗？',
    question: '我们已经处理了您反映的问题。您对处理结果满意吗？',
    about: (campaign) => `关于：${campaign}`,
    yes: '是，已经解决',
    no: '否，还没有解决',
    confirm: '提交',
    chooseOne: '请选择一项。',
    thanksTitle: '感谢您的回答',
    thanksYes: '很高兴问题已经解决。感谢您帮助我们改进。',
    thanksNo: '很抱歉问题还没有解决。我们已重新处理，负责人会尽快跟进。',
    answeredTitle: '我们已经收到您的回答',
    answeredBody: '这个问题只需回答一次。感谢您的反馈。',
    closedTitle: '回答时间已过',
    closedBody: '此问题的回答期限已过。如仍有问题，请直接联系我们。',
  },
  en: {
    title: 'Is it resolved?',
    question: 'We have dealt with the problem you told us about. Is it resolved to your satisfaction?',
    about: (campaign) => `About: ${campaign}`,
    yes: 'Yes, it is resolved',
    no: 'No, it is not resolved',
    confirm: 'Send',
    chooseOne: 'Choose one answer.',
    thanksTitle: 'Thank you for your answer',
    thanksYes: 'We are glad it is resolved. Thank you for helping us improve.',
    thanksNo:
      'We are sorry it is not resolved yet. We have reopened it and the people responsible will follow up.',
    answeredTitle: 'We already have your answer',
    answeredBody: 'This question needs answering only once. Thank you for your feedback.',
    closedTitle: 'The time to answer is over',
    closedBody:
      'This question can no longer be answered. If there is still a problem, please contact us directly.',
  },
};
