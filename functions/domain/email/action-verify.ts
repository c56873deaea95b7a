import type { CorrectiveAction } from '../actions/model.ts';
import type { Language } from '../language.ts';
import { type ActionEmailBody, dayText } from './action-common.ts';
import { oneLine } from './message.ts';

const COPY = {
  'zh-CN': {
    subject: (c: string) => `${c}：您反馈的问题是否已得到满意解决？`,
    greeting: (name: string) => `尊敬的${name}：`,
    intro: (c: string) => `感谢您在“${c}”中提出的意见。我们已就您反馈的问题采取了措施。`,
    done: '我们采取的措施',
    question: '您反馈的问题是否已得到满意解决？',
    yes: '是，已满意解决',
    no: '否，尚未解决',
    answerBy: (d: string) => `请于 ${d} 前回答。点击一项即可，无需填写其他内容。`,
  },
  en: {
    subject: (c: string) => `${c}: is it resolved to your satisfaction?`,
    greeting: (name: string) => `Dear ${name},`,
    intro: (c: string) => `Thank you for your feedback to our “${c}”. We have acted on what you told us.`,
    done: 'What we did',
    question: 'Is it resolved to your satisfaction?',
    yes: 'Yes, it is resolved',
    no: 'No, it is not',
    answerBy: (d: string) => `Please answer by ${d}. One click is all it takes.`,
  },
} as const;

/**
 * The follow-up to the customer: one question with one-click yes and no links (the `/v/{token}` page
 * counts the answer), and what was done when the campaign tells the customer (`tellCustomer`).
 */
export function verifyBody(
  action: CorrectiveAction,
  lang: Language,
  urls: { yes: string; no: string },
): ActionEmailBody {
  const t = COPY[lang];
  const campaign = oneLine(action.campaignName[lang]);
  const done = action.tellCustomer && action.actionTaken ? action.actionTaken : undefined;
  return {
    language: lang,
    subject: t.subject(campaign),
    intro: [
      ...(action.customer ? [t.greeting(oneLine(action.customer.name))] : []),
      t.intro(campaign),
      t.question,
    ],
    facts: [],
    sections: done ? [{ title: t.done, lines: [done] }] : [],
    buttons: [
      { label: t.yes, url: urls.yes },
      { label: t.no, url: urls.no },
    ],
    outro: action.verification ? [t.answerBy(dayText(action.verification.answerBy, lang))] : [],
  };
}
