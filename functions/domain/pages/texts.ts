import type { FieldError } from '../answers.ts';
import type { Language } from '../language.ts';

/** Everything the survey and unsubscribe pages say, in every language. Plain text: the pages escape it. */
export interface PageTexts {
  /** Name of this language in itself, for the link that switches to it. */
  languageName: string;
  switchTo: string;
  /** The name of the language switch's navigation landmark. */
  languages: string;
  greeting: (name: string) => string;
  /** An event-triggered survey names the delivery it is about (YYYY-MM-DD). */
  delivery: (date: string) => string;
  requiredNote: string;
  /** An anonymous campaign's promise (domain/anonymity.ts). */
  anonymousNote: string;
  optional: string;
  /** The "please contact me" checkbox of a campaign whose actions take contact requests, and its hint. */
  contactMe: string;
  contactMeHint: string;
  maxChars: (n: number) => string;
  submit: string;
  /** After a one-click answer, when everything else is optional: submit it alone, or go on. */
  sendThisAnswer: string;
  oneTapHint: string;
  errorSummary: string;
  /** The start of the title of a form shown again with `count` problems (read first by screen readers). */
  errorTitle: (count: number) => string;
  fieldError: (error: FieldError, label: string, maxLength?: number) => string;
  thanksTitle: string;
  thanksBody: string;
  /** A validly signed link whose survey was already answered: says so, and nothing else. */
  answeredTitle: string;
  answeredBody: string;
  unavailableTitle: string;
  unavailableBody: string;
  reportUnavailableTitle: string;
  reportUnavailableBody: string;
  unsubscribeTitle: string;
  unsubscribeBody: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: string;
  badFormTitle: string;
  badFormBody: string;
  tooLargeTitle: string;
  tooLargeBody: string;
  wrongTypeTitle: string;
  wrongTypeBody: string;
  serverErrorTitle: string;
  serverErrorBody: string;
  /** The answers could not be stored just now (the store was busy): shown with the form, kept as sent. */
  busyTitle: string;
  busyBody: string;
  /** The same, when the form could not be shown again. */
  busyNoFormBody: string;
}

const zhCN: PageTexts = {
  languageName: '中文',
  switchTo: '切换到中文',
  languages: '语言',
  greeting: (name) => `尊敬的${name}：`,
  delivery: (date) => `本问卷针对 ${date} 交付给您的产品和服务。`,
  requiredNote: '带 * 的题目为必答题。',
  anonymousNote:
    '本调查为匿名调查：您的回答与您的姓名、邮箱分开保存，无法追溯到您本人；报告只显示至少若干份回答的汇总结果。',
  optional: '（选填）',
  contactMe: '请与我联系',
  contactMeHint: '勾选后，我们的客户服务人员会尽快与您联系。',
  maxChars: (n) => `最多 ${n} 个字。`,
  submit: '提交',
  sendThisAnswer: '提交此答案',
  oneTapHint: '可以直接提交这一项，也可以继续回答下面的问题后再提交。',
  errorSummary: '请检查以下回答',
  errorTitle: (count) => `错误：${count} 个问题`,
  fieldError: (error, label, maxLength) =>
    error === 'required'
      ? `请为“${label}”选择一项。`
      : error === 'too-long'
        ? `“${label}”最多 ${maxLength ?? ''} 个字，请删减。`
        : `请为“${label}”选择列出的选项之一。`,
  thanksTitle: '感谢您的反馈',
  thanksBody: '您的回答已经收到。我们会认真研究您的意见，用于改进我们的产品和服务。',
  answeredTitle: '谢谢您——我们已经收到您的回答',
  answeredBody: '这份问卷已经提交过了，无需再次填写。您可以关闭此页面。',
  unavailableTitle: '此链接已无法使用',
  unavailableBody:
    '此链接可能已经提交过回答、已经过期，或者不完整。如果您是从邮件中复制的链接，请确认复制了完整的地址。',
  reportUnavailableTitle: '此报告链接已无法使用',
  reportUnavailableBody:
    '报告邮件中的链接在发出后 7 天内有效。此链接可能已经过期，或者不完整。如果您是从邮件中复制的链接，请确认复制了完整的地址；如需更新的链接，请联系报告的发送人。',
  unsubscribeTitle: '退订满意度调查邮件',
  unsubscribeBody: '退订后，我们将不再向您发送满意度调查邮件。',
  unsubscribeButton: '确认退订',
  unsubscribedTitle: '您已退订',
  unsubscribedBody: '我们将不再向您发送满意度调查邮件。',
  badFormTitle: '无法读取提交的内容',
  badFormBody: '提交的表单格式不正确。请返回调查页面，重新填写后再提交。',
  tooLargeTitle: '提交的内容过长',
  tooLargeBody: '提交的内容超出了允许的长度。请缩短您的意见后再提交。',
  wrongTypeTitle: '无法读取提交的内容',
  wrongTypeBody: '请通过调查页面上的表单提交。',
  serverErrorTitle: '出现了问题',
  serverErrorBody: '我们暂时无法处理您的请求，请稍后再试。',
  busyTitle: '请重试',
  busyBody: '系统繁忙，您的回答暂时未能保存。您填写的内容都保留在下方，请稍等片刻后再次点击“提交”。',
  busyNoFormBody: '系统繁忙，您的回答暂时未能保存。请返回上一页，稍等片刻后再次提交。',
};

const en: PageTexts = {
  languageName: 'English',
  switchTo: 'Switch to English',
  languages: 'Language',
  greeting: (name) => `Dear ${name},`,
  delivery: (date) => `This survey is about your delivery of ${date}.`,
  requiredNote: 'Questions marked * need an answer.',
  anonymousNote:
    'This survey is anonymous: your answers are stored apart from your name and email and cannot be traced back to you; reports only show results of groups of several responses.',
  optional: '(optional)',
  contactMe: 'Please contact me',
  contactMeHint: 'Tick this and our customer service will get in touch with you soon.',
  maxChars: (n) => `Up to ${n} characters.`,
  submit: 'Submit',
  sendThisAnswer: 'Send this answer',
  oneTapHint: 'You can send this answer now, or answer the questions below first.',
  errorSummary: 'Please check these answers',
  errorTitle: (count) => `Error: ${count} ${count === 1 ? 'problem' : 'problems'}`,
  fieldError: (error, label, maxLength) =>
    error === 'required'
      ? `Choose an answer for “${label}”.`
      : error === 'too-long'
        ? `Keep “${label}” to ${maxLength ?? ''} characters or fewer.`
        : `Choose one of the answers listed for “${label}”.`,
  thanksTitle: 'Thank you for your feedback',
  thanksBody:
    'We have received your answers. We read every response and use it to improve our products and services.',
  answeredTitle: 'Thank you — we already have your answer',
  answeredBody:
    'This survey has already been answered, so there is nothing more to do. You can close this page.',
  unavailableTitle: 'This link can no longer be used',
  unavailableBody:
    'It may have been answered already, have expired, or be incomplete. If you copied it from an email, check that you copied the whole address.',
  reportUnavailableTitle: 'This report link can no longer be used',
  reportUnavailableBody:
    'Links in a report email work for 7 days after it was sent. This one may have expired or be incomplete. If you copied it from an email, check that you copied the whole address; for a new link, ask whoever sends the reports.',
  unsubscribeTitle: 'Unsubscribe from satisfaction surveys',
  unsubscribeBody: 'Once you unsubscribe, we will not send you satisfaction survey emails any more.',
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedBody: 'We will not send you satisfaction survey emails any more.',
  badFormTitle: 'We could not read what was sent',
  badFormBody:
    'The form that was sent is not in the expected shape. Please go back to the survey page and send it again.',
  tooLargeTitle: 'What was sent is too long',
  tooLargeBody:
    'The answers sent are longer than we accept. Please shorten your comments and send them again.',
  wrongTypeTitle: 'We could not read what was sent',
  wrongTypeBody: 'Please send your answers with the form on the survey page.',
  serverErrorTitle: 'Something went wrong',
  serverErrorBody: 'We could not handle your request just now. Please try again later.',
  busyTitle: 'Please try again',
  busyBody:
    'We are very busy and could not save your answers just now. They are all still filled in below: please wait a moment and press Submit again.',
  busyNoFormBody:
    'We are very busy and could not save your answers just now. Please go back, wait a moment and send them again.',
};

export const TEXTS: Record<Language, PageTexts> = { 'zh-CN': zhCN, en };
