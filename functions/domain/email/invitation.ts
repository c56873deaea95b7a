import { isAnonymous } from '../anonymity.ts';
import { deadlineText } from '../deadline.ts';
import { escapeHtml } from '../html.ts';
import type { Language } from '../language.ts';
import type { InvitedCustomer, SendStep } from '../model.ts';
import { firstRatedItem, preselectUrl } from '../one-click.ts';
import type { Campaign } from '../programme.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { buttonHtml } from './button.ts';
import { emailHtml, FONT } from './layout.ts';
import { domainOf, type EmailMessage, oneLine } from './message.ts';

export interface InvitationEmailInput {
  invitationId: string;
  customer: InvitedCustomer;
  campaign: Campaign;
  /** ISO instant after which the link stops working. */
  deadline: string;
  surveyUrl: string;
  unsubscribeUrl: string;
  now: Date;
  /** Which email of the wave this is: the invitation (default) or a reminder, which says it is one. */
  step?: SendStep;
  /** The wave's questionnaire: its first rated item's levels become one-click links into the survey. */
  questionnaire?: Questionnaire;
  /** The delivery date (YYYY-MM-DD) an event-triggered invitation asks about; named in the email. */
  delivery?: string;
}

interface Copy {
  subject: (campaign: string) => string;
  reminderSubject: (campaign: string) => string;
  greeting: (name: string) => string;
  invite: (campaign: string) => string;
  remind: (campaign: string) => string;
  /** The one-click question about the first rated item. */
  firstQuestion: (item: string) => string;
  oneClickHint: string;
  delivery: (date: string) => string;
  /** An anonymous campaign's promise (domain/anonymity.ts). */
  anonymous: string;
  button: string;
  fallback: string;
  thanks: string;
  why: string;
  unsubscribe: string;
}

const COPY: Record<Language, Copy> = {
  'zh-CN': {
    subject: (campaign) => `${campaign}：诚邀您提出宝贵意见`,
    reminderSubject: (campaign) => `提醒：${campaign}：诚邀您提出宝贵意见`,
    greeting: (name) => `尊敬的${name}：`,
    invite: (campaign) =>
      `我们正在开展“${campaign}”，诚邀您抽出几分钟时间，对我们的产品和服务作出评价。您的意见将帮助我们改进。`,
    remind: (campaign) =>
      `温馨提醒：我们前几天邀请您参加“${campaign}”，目前尚未收到您的回复。如您已经填写，请忽略本邮件；如尚未填写，恳请您在截止前抽出几分钟完成问卷。您的意见将帮助我们改进。`,
    firstQuestion: (item) => `第一题：您对“${item}”的评价是？`,
    oneClickHint: '点击一项即可打开问卷并选好该答案，其余问题可在同一页面填写；提交后才会记录您的回答。',
    delivery: (date) => `本次调查针对 ${date} 交付给您的产品和服务。`,
    anonymous: '本调查为匿名调查：您的回答与您的姓名、邮箱分开保存，无法追溯到您本人。',
    button: '开始填写问卷',
    fallback: '如果按钮无法打开，请将以下链接复制到浏览器中：',
    thanks: '感谢您的支持！',
    why: '您收到这封邮件，是因为您是我们的客户。如不希望再收到满意度调查邮件，可随时退订：',
    unsubscribe: '退订调查邮件',
  },
  en: {
    subject: (campaign) => `${campaign}: we would value your feedback`,
    reminderSubject: (campaign) => `Reminder: ${campaign}: we would value your feedback`,
    greeting: (name) => `Dear ${name},`,
    invite: (campaign) =>
      `We are running our “${campaign}” and would be grateful if you could take a few minutes to rate our products and services. Your answers help us improve.`,
    remind: (campaign) =>
      `A friendly reminder: a few days ago we invited you to our “${campaign}” and have not received your answers yet. If you have already replied, please ignore this email; if not, we would be grateful if you could take a few minutes before the survey closes. Your answers help us improve.`,
    firstQuestion: (item) => `First question: how would you rate “${item}”?`,
    oneClickHint:
      'Choosing one opens the survey with that answer selected; answer the rest on the same page. Nothing is recorded until you submit.',
    delivery: (date) => `This survey is about your delivery of ${date}.`,
    anonymous:
      'This survey is anonymous: your answers are stored apart from your name and email and cannot be traced back to you.',
    button: 'Start the survey',
    fallback: 'If the button does not work, copy this link into your browser:',
    thanks: 'Thank you for your time.',
    why: 'You receive this email because you are one of our customers. If you would rather not receive satisfaction surveys, you can unsubscribe at any time:',
    unsubscribe: 'Unsubscribe from survey emails',
  },
};

/**
 * The invitation to one wave, in the customer's language: a greeting by name, why they are asked, one
 * button to the survey (and the link spelled out for clients that block buttons), the deadline and a
 * visible unsubscribe link, plus the one-click List-Unsubscribe headers bulk senders must carry
 * (RFC 8058). No images and no tracking.
 */
export function invitationEmail(input: InvitationEmailInput): EmailMessage {
  const { customer, campaign } = input;
  const lang = customer.language;
  const copy = COPY[lang];
  const name = oneLine(customer.name);
  const campaignName = oneLine(campaign.name[lang]);
  const senderName = oneLine(campaign.sender.name[lang]);
  // The survey page says the very same sentence (deadline.ts).
  const deadline = deadlineText(input.deadline, campaign.dispatch.timeZone, lang);
  const step = input.step ?? 'invite';
  const reminder = step !== 'invite';
  const subject = reminder ? copy.reminderSubject(campaignName) : copy.subject(campaignName);
  const intro = reminder ? copy.remind(campaignName) : copy.invite(campaignName);
  const first = input.questionnaire && firstRatedItem(input.questionnaire);
  const choices = first
    ? first.levels.map((l) => ({
        label: oneLine(l.label[lang]),
        url: preselectUrl(input.surveyUrl, first.category.id, l.id),
      }))
    : [];
  const question = first ? copy.firstQuestion(oneLine(first.category.label[lang])) : '';
  const delivery = input.delivery === undefined ? undefined : copy.delivery(oneLine(input.delivery));
  const anonymous = isAnonymous(campaign) ? copy.anonymous : undefined;

  const text = [
    copy.greeting(name),
    '',
    intro,
    '',
    ...(delivery ? [delivery, ''] : []),
    ...(anonymous ? [anonymous, ''] : []),
    ...(first
      ? [question, ...choices.flatMap((c) => [`- ${c.label}:`, `  ${c.url}`]), copy.oneClickHint, '']
      : []),
    `${copy.button}:`,
    input.surveyUrl,
    '',
    deadline,
    '',
    copy.thanks,
    senderName,
    '',
    '--',
    copy.why,
    input.unsubscribeUrl,
    '',
  ].join('\n');

  const e = escapeHtml;
  const survey = e(input.surveyUrl);
  const unsubscribe = e(input.unsubscribeUrl);
  /*
   * The levels as buttons (button.ts), one per row: a screen reader reads a list of links named by the
   * level after the question that introduces them. No form: email clients do not submit forms reliably.
   */
  const oneClick = first
    ? `<tr><td style="padding:0 32px 24px 32px;font-family:${FONT};font-size:16px;line-height:24px;color:#1f2933;">
<h2 style="margin:0 0 12px 0;font-size:16px;line-height:24px;">${e(question)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${choices.map((c) => `<tr><td style="padding:0 0 8px 0;">${buttonHtml(c, 'choice', true)}</td></tr>`).join('\n')}
</table>
<p style="margin:4px 0 0 0;font-size:14px;line-height:22px;color:#3e4c59;">${e(copy.oneClickHint)}</p>
</td></tr>
`
    : '';
  const deliveryRow = [delivery, anonymous]
    .map((p) => (p ? `<p style="margin:0 0 24px 0;">${e(p)}</p>\n` : ''))
    .join('');
  const html = emailHtml({
    language: lang,
    title: subject,
    preheader: deadline,
    width: 600,
    rows: `<tr><td style="padding:32px 32px 8px 32px;font-family:${FONT};font-size:16px;line-height:24px;color:#1f2933;">
<h1 style="margin:0 0 16px 0;font-size:20px;line-height:28px;">${e(campaignName)}</h1>
<p style="margin:0 0 16px 0;">${e(copy.greeting(name))}</p>
<p style="margin:0 0 24px 0;">${e(intro)}</p>
${deliveryRow}</td></tr>
${oneClick}<tr><td align="center" style="padding:0 32px 24px 32px;">
${buttonHtml({ label: copy.button, url: input.surveyUrl })}
</td></tr>
<tr><td style="padding:0 32px 32px 32px;font-family:${FONT};font-size:14px;line-height:22px;color:#3e4c59;">
<p style="margin:0 0 16px 0;font-weight:bold;color:#1f2933;">${e(deadline)}</p>
<p style="margin:0 0 16px 0;">${e(copy.fallback)}<br><a href="${survey}" target="_blank" style="color:#1a56db;word-break:break-all;">${survey}</a></p>
<p style="margin:0;">${e(copy.thanks)}<br>${e(senderName)}</p>
</td></tr>`,
    footer: `${e(copy.why)} <a href="${unsubscribe}" target="_blank" style="color:#4b5563;text-decoration:underline;">${e(copy.unsubscribe)}</a>`,
  });

  const replyTo = campaign.sender.replyTo;
  return {
    from: { name: senderName, address: campaign.sender.from },
    to: [{ name, address: customer.email }],
    ...(replyTo ? { replyTo: { address: replyTo } } : {}),
    subject,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${input.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    // Derived from the invitation and step, so a retried send carries the same Message-ID and each
    // reminder a new one.
    messageId: `<${step}.${input.invitationId}@${domainOf(campaign.sender.from)}>`,
    date: input.now,
  };
}
