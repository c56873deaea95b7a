import type { ActionNoticeKind, ActionReason, ActionStatus, CorrectiveAction } from '../actions/model.ts';
import { dateFormat } from '../date-format.ts';
import { escapeHtml as e } from '../html.ts';
import type { Language } from '../language.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { buttonHtml } from './button.ts';
import { emailHtml, FONT, multiline } from './layout.ts';
import { domainOf, type EmailMessage, oneLine } from './message.ts';

/*
 * What every action email shares: its sender (the campaign's, as when the action opened), the words for
 * statuses and reasons in both languages, and one card of escaped paragraphs, facts and a button. All free
 * text (names, comments, departments, labels) goes through escapeHtml in the HTML part and oneLine where it
 * ends up in a header or a single line.
 */

export const STATUS_WORDS: Record<Language, Record<ActionStatus, string>> = {
  'zh-CN': {
    open: '待处理',
    acknowledged: '已受理',
    resolved: '已解决',
    verified: '已验证',
    reopened: '已重新打开',
    'closed-unverified': '已关闭（未验证）',
  },
  en: {
    open: 'open',
    acknowledged: 'acknowledged',
    resolved: 'resolved',
    verified: 'verified',
    reopened: 'reopened',
    'closed-unverified': 'closed, unverified',
  },
};

const MEASURES: Record<Language, Record<Extract<ActionReason, { kind: 'target' }>['measure'], string>> = {
  'zh-CN': {
    'satisfaction-rate': '满意率',
    index: '满意度指数',
    'return-rate': '回收率',
    'item-satisfaction': '单项满意率',
  },
  en: {
    'satisfaction-rate': 'satisfaction rate',
    index: 'satisfaction index',
    'return-rate': 'return rate',
    'item-satisfaction': 'item satisfaction',
  },
};

/** Labels of the wave's questionnaire, when the action has one (a target's action has no wave). */
export interface Labels {
  item(categoryId: string): string;
  level(levelId: string): string;
  question(questionId: string): string;
}

/** The questionnaire's labels in `lang`; ids stand in for what it does not name (or with no questionnaire). */
export function labelsOf(q: Questionnaire | undefined, lang: Language): Labels {
  const find = <T extends { id: string; label: { [L in Language]: string } }>(
    list: readonly T[] | undefined,
    id: string,
  ): string => oneLine(list?.find((x) => x.id === id)?.label[lang] ?? id);
  return {
    item: (id) => find(q?.categories, id),
    level: (id) => find(q?.scale.levels, id),
    question: (id) => find(q?.openQuestions, id),
  };
}

/** Why the action opened, one line per reason, in words. */
export function reasonText(reason: ActionReason, lang: Language, labels: Labels): string {
  const zh = lang === 'zh-CN';
  switch (reason.kind) {
    case 'total-below':
      return zh
        ? `总分 ${reason.total}，低于 ${reason.threshold}`
        : `Total score ${reason.total}, below ${reason.threshold}`;
    case 'rating':
      return zh
        ? `“${labels.item(reason.category)}”评为“${labels.level(reason.level)}”`
        : `“${labels.item(reason.category)}” rated “${labels.level(reason.level)}”`;
    case 'keyword':
      return zh
        ? `“${labels.question(reason.question)}”中提到“${oneLine(reason.keyword)}”`
        : `“${labels.question(reason.question)}” mentions “${oneLine(reason.keyword)}”`;
    case 'contact-request':
      return zh ? '客户要求与其联系' : 'The customer asked to be contacted';
    case 'target': {
      const measure = MEASURES[lang][reason.measure];
      const item =
        reason.item === undefined
          ? ''
          : zh
            ? `（${labels.item(reason.item)}）`
            : ` (${labels.item(reason.item)})`;
      return zh
        ? `${measure}${item} ${reason.actual}，未达到目标 ${reason.target}`
        : `${measure}${item} ${reason.actual}, below its target of ${reason.target}`;
    }
  }
}

/** A calendar day (YYYY-MM-DD) for people: "Monday 16 March 2026" / "2026年3月16日星期一". */
export function dayText(day: string, lang: Language): string {
  const at = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(at.getTime())) return day;
  return dateFormat(lang, {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
    .format(at)
    .replace(',', '');
}

/** An instant for people, in the action's time zone: "2 March 2026, 10:00" / "2026年3月2日 10:00". */
export function instantText(iso: string, timeZone: string, lang: Language, withTime = true): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return dateFormat(lang, {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  } as Intl.DateTimeFormatOptions).format(at);
}

/** A labelled fact: `Due date: 2026-12-16`. */
export interface Fact {
  label: string;
  value: string;
}

/** The content of one action email; the shell, sender and headers are the same for all. */
export interface ActionEmailBody {
  language: Language;
  subject: string;
  /** Paragraphs before the facts. */
  intro: string[];
  facts: Fact[];
  /** Titled blocks of lines (why, ratings, comments). */
  sections: Array<{ title: string; lines: string[] }>;
  /** Buttons: the action link, or the follow-up's yes and no. */
  buttons: Array<{ label: string; url: string }>;
  /** The link spelled out after the buttons, for clients that block them: what to do, and the URL. */
  fallback?: { text: string; url: string };
  /** Paragraphs after the buttons (a note). */
  outro: string[];
}

const P = 'margin:0 0 16px 0;';

/** One action email to one recipient, as the campaign's sender. */
export function actionMessage(input: {
  action: CorrectiveAction;
  kind: ActionNoticeKind;
  recipientIndex: number;
  to: { email: string; name?: string };
  body: ActionEmailBody;
  now: Date;
}): EmailMessage {
  const { action, body } = input;
  const lang = body.language;
  const senderName = oneLine(action.sender.name[lang]);
  const text = [
    ...body.intro.flatMap((p) => [p, '']),
    ...body.facts.map((f) => `${f.label}: ${f.value}`),
    '',
    ...body.sections.flatMap((s) => [`${s.title}:`, ...s.lines.map((l) => `- ${l}`), '']),
    ...body.buttons.flatMap((b) => [`${b.label}:`, b.url, '']),
    ...(body.fallback ? [`${body.fallback.text} ${body.fallback.url}`, ''] : []),
    ...body.outro.flatMap((p) => [p, '']),
    senderName,
    '',
  ].join('\n');

  const facts =
    body.facts.length === 0
      ? ''
      : `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px 0;">
${body.facts.map((f) => `<tr><td style="padding:2px 16px 2px 0;font-weight:bold;vertical-align:top;">${e(f.label)}</td><td style="padding:2px 0;vertical-align:top;">${e(f.value)}</td></tr>`).join('\n')}
</table>
`;
  const sections = body.sections
    .map(
      (s) =>
        `<h2 style="margin:0 0 4px 0;font-size:15px;line-height:23px;">${e(s.title)}</h2>
<ul style="margin:0 0 16px 0;padding-left:20px;">${s.lines.map((l) => `<li>${multiline(l)}</li>`).join('')}</ul>
`,
    )
    .join('');
  const buttons = body.buttons
    .map((b) => `<tr><td align="center" style="padding:0 32px 16px 32px;">\n${buttonHtml(b)}\n</td></tr>`)
    .join('\n');
  const html = emailHtml({
    language: lang,
    title: body.subject,
    width: 640,
    rows: `<tr><td style="padding:32px 32px 8px 32px;font-family:${FONT};font-size:15px;line-height:23px;color:#1f2933;">
<h1 style="margin:0 0 16px 0;font-size:20px;line-height:28px;">${e(body.subject)}</h1>
${body.intro.map((p) => `<p style="${P}">${e(p)}</p>`).join('\n')}
${facts}${sections}</td></tr>
${buttons}
<tr><td style="padding:0 32px 32px 32px;font-family:${FONT};font-size:14px;line-height:22px;color:#3e4c59;">
${body.fallback ? `<p style="${P}">${e(body.fallback.text)}<br><a href="${e(body.fallback.url)}" target="_blank" style="color:#1a56db;word-break:break-all;">${e(body.fallback.url)}</a></p>\n` : ''}${body.outro.map((p) => `<p style="${P}">${e(p)}</p>`).join('\n')}
<p style="margin:0;">${e(senderName)}</p>
</td></tr>`,
  });
  const replyTo = action.sender.replyTo;
  return {
    from: { name: senderName, address: action.sender.from },
    to: [{ ...(input.to.name ? { name: oneLine(input.to.name) } : {}), address: input.to.email }],
    ...(replyTo ? { replyTo: { address: replyTo } } : {}),
    subject: oneLine(body.subject),
    text,
    html,
    headers: {},
    // The same for a retried send of one notice, new for each notice, round and recipient.
    messageId: `<${input.kind}.${action.round}.${input.recipientIndex}.${action.id}@${domainOf(action.sender.from)}>`,
    date: input.now,
  };
}
