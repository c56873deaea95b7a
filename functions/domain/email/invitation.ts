import { escapeHtml } from '../html.ts';
import type { Language } from '../language.ts';
import type { InvitedCustomer } from '../model.ts';
import type { Campaign } from '../programme.ts';
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
  /** The delivery date (YYYY-MM-DD) an event-triggered invitation asks about; named in the email. */
  delivery?: string;
}

interface Copy {
  subject: (campaign: string) => string;
  greeting: (name: string) => string;
  invite: (campaign: string) => string;
  delivery: (date: string) => string;
  button: string;
  fallback: string;
  deadline: (when: string) => string;
  thanks: string;
  why: string;
  unsubscribe: string;
}

const COPY: Record<Language, Copy> = {
  'zh-CN': {
    subject: (campaign) => `${campaign}：诚邀您提出宝贵意见`,
    greeting: (name) => `尊敬的${name}：`,
    invite: (campaign) =>
      `我们正在开展“${campaign}”，诚邀您抽出几分钟时间，对我们的产品和服务作出评价。您的意见将帮助我们改进。`,
    delivery: (date) => `本次调查针对 ${date} 交付给您的产品和服务。`,
    button: '开始填写问卷',
    fallback: '如果按钮无法打开，请将以下链接复制到浏览器中：',
    deadline: (when) => `问卷填写截止时间：${when}。`,
    thanks: '感谢您的支持！',
    why: '您收到这封邮件，是因为您是我们的客户。如不希望再收到满意度调查邮件，可随时退订：',
    unsubscribe: '退订调查邮件',
  },
  en: {
    subject: (campaign) => `${campaign}: we would value your feedback`,
    greeting: (name) => `Dear ${name},`,
    invite: (campaign) =>
      `We are running our “${campaign}” and would be grateful if you could take a few minutes to rate our products and services. Your answers help us improve.`,
    delivery: (date) => `This survey is about your delivery of ${date}.`,
    button: 'Start the survey',
    fallback: 'If the button does not work, copy this link into your browser:',
    deadline: (when) => `The survey is open until ${when}.`,
    thanks: 'Thank you for your time.',
    why: 'You receive this email because you are one of our customers. If you would rather not receive satisfaction surveys, you can unsubscribe at any time:',
    unsubscribe: 'Unsubscribe from survey emails',
  },
};

/*
 * Building an Intl.DateTimeFormat costs more than the rest of an email put together, and every email
 * of a wave shows the same deadline: remember the formatted text (a handful of entries per process).
 */
const deadlines = new Map<string, string>();

/**
 * The deadline in the campaign's own time zone (the one its schedule is written in), with the UTC offset
 * spelled out so a customer elsewhere can still read it right.
 */
export function formatDeadline(iso: string, language: Language, timeZone: string): string {
  const key = `${iso}|${language}|${timeZone}`;
  let text = deadlines.get(key);
  if (text === undefined) {
    const at = new Date(iso);
    const when = new Intl.DateTimeFormat(language, {
      timeZone,
      dateStyle: 'full',
      timeStyle: 'short',
    }).format(at);
    const offset =
      new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
    text = language === 'zh-CN' ? `${when}（${offset}）` : `${when} (${offset})`;
    if (deadlines.size >= 256) deadlines.clear();
    deadlines.set(key, text);
  }
  return text;
}

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
  const deadline = copy.deadline(formatDeadline(input.deadline, lang, campaign.dispatch.timeZone));
  const subject = copy.subject(campaignName);
  const delivery = input.delivery === undefined ? undefined : copy.delivery(oneLine(input.delivery));

  const text = [
    copy.greeting(name),
    '',
    copy.invite(campaignName),
    '',
    ...(delivery ? [delivery, ''] : []),
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
  const deliveryRow = delivery ? `<p style="margin:0 0 24px 0;">${e(delivery)}</p>\n` : '';
  const html = emailHtml({
    language: lang,
    title: subject,
    preheader: deadline,
    width: 600,
    rows: `<tr><td style="padding:32px 32px 8px 32px;font-family:${FONT};font-size:16px;line-height:24px;color:#1f2933;">
<p style="margin:0 0 16px 0;">${e(copy.greeting(name))}</p>
<p style="margin:0 0 24px 0;">${e(copy.invite(campaignName))}</p>
${deliveryRow}</td></tr>
<tr><td align="center" style="padding:0 32px 24px 32px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td align="center" bgcolor="#1a56db" style="border-radius:4px;background-color:#1a56db;">
<a href="${survey}" target="_blank" style="display:inline-block;padding:12px 28px;font-family:${FONT};font-size:16px;font-weight:bold;line-height:24px;color:#ffffff;text-decoration:none;border-radius:4px;">${e(copy.button)}</a>
</td></tr></table>
</td></tr>
<tr><td style="padding:0 32px 32px 32px;font-family:${FONT};font-size:14px;line-height:22px;color:#3e4c59;">
<p style="margin:0 0 16px 0;">${e(deadline)}</p>
<p style="margin:0 0 16px 0;">${e(copy.fallback)}<br><a href="${survey}" target="_blank" style="color:#1a56db;word-break:break-all;">${survey}</a></p>
<p style="margin:0;">${e(copy.thanks)}<br>${e(senderName)}</p>
</td></tr>`,
    footer: `${e(copy.why)} <a href="${unsubscribe}" target="_blank" style="color:#616e7c;text-decoration:underline;">${e(copy.unsubscribe)}</a>`,
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
    // Derived from the invitation, so a retried send carries the same Message-ID.
    messageId: `<invite.${input.invitationId}@${domainOf(campaign.sender.from)}>`,
    date: input.now,
  };
}
