import { emailHtml, FONT } from '../email/layout.ts';
import { domainOf, type EmailMessage, oneLine } from '../email/message.ts';
import { escapeHtml as e } from '../html.ts';
import type { Language } from '../language.ts';
import type { ReportDocument } from './document.ts';
import { departmentLabel } from './people.ts';
import type { ReportComment } from './statistics.ts';
import {
  cleanedNote,
  dateTimeFor,
  percent,
  rawHeadline,
  scoreText,
  timeZoneName,
  type Words,
  waveHeading,
  words,
} from './text.ts';
import { withheldText } from './withholding.ts';

export interface ReportEmailInput {
  report: ReportDocument;
  /** Senders and recipients come from the campaign as the wave snapshotted it. */
  from: { name: string; address: string };
  replyTo?: string;
  managers: string[];
  htmlUrl: string;
  csvUrl: string;
  /** When the links stop working. */
  linksExpireAt: Date;
  now: Date;
}

/** How many comments the email quotes, and how much of each: the report has them all. */
export const EMAIL_COMMENTS = 5;
const COMMENT_CHARS = 300;

const SUBJECT: Record<Language, (campaign: string, index: string, rate: string) => string> = {
  'zh-CN': (campaign, index, rate) => `${campaign}报告：满意度指数 ${index}，回收率 ${rate}`,
  en: (campaign, index, rate) => `${campaign} report: satisfaction index ${index}, return rate ${rate}`,
};

/** Comments of the lowest-scoring responses first; ties keep the report's order. */
export function lowestComments(comments: ReportComment[], count = EMAIL_COMMENTS): ReportComment[] {
  return [...comments].sort((a, b) => a.total - b.total).slice(0, count);
}

/** A comment cut to what an email should quote: the report has it whole. */
export const shorten = (text: string): string => {
  const chars = [...text];
  return chars.length > COMMENT_CHARS ? `${chars.slice(0, COMMENT_CHARS).join('')}…` : text;
};

/** A bar as two table cells, because mail clients drop SVG and most CSS. */
export function tableBar(share: number | null): string {
  const width = share === null ? 0 : Math.round(Math.max(0, Math.min(1, share)) * 100);
  const filled =
    width > 0
      ? `<td width="${width}%" bgcolor="#2f6fb0" style="background-color:#2f6fb0;height:10px;font-size:0;line-height:0;">&nbsp;</td>`
      : '';
  const empty =
    width < 100
      ? `<td width="${100 - width}%" bgcolor="#e4e7eb" style="background-color:#e4e7eb;height:10px;font-size:0;line-height:0;">&nbsp;</td>`
      : '';
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>${filled}${empty}</tr></table>`;
}

/** An item's mean percent (0–100) with one decimal, or a dash. */
export const meanPercentText = (n: number | null): string => (n === null ? '–' : `${n.toFixed(1)}%`);

/** The style of a digest's table cells. */
export const CELL = `font-family:${FONT};font-size:14px;line-height:20px;color:#1f2933;padding:6px 8px;border-bottom:1px solid #e4e7eb;`;

/** The digest's links as they are to be shown: where to, and until when (in the campaign's time zone). */
export interface DigestLinks {
  htmlUrl: string;
  csvUrl: string;
  linksExpireAt: Date;
}

/** "Links valid until 17 April 2025, 18:00 (China Standard Time)", in the reader's language. */
export const validUntil = (w: Words, expireAt: Date, timeZone: string, lang: Language): string =>
  `${w.linksValidUntil} ${dateTimeFor(expireAt, timeZone, lang)} (${timeZoneName(timeZone, lang)})`;

/** The links in the text part. */
export const linksText = (w: Words, links: DigestLinks, timeZone: string, lang: Language): string[] => [
  `${w.openReport}:`,
  links.htmlUrl,
  '',
  `${w.downloadCsv}:`,
  links.csvUrl,
  '',
  validUntil(w, links.linksExpireAt, timeZone, lang),
];

/** The links as the HTML part's last row. */
export function linksRow(w: Words, links: DigestLinks, timeZone: string, lang: Language): string {
  const link = (href: string, label: string) =>
    `<a href="${e(href)}" target="_blank" style="color:#1a56db;">${e(label)}</a>`;
  return `<tr><td style="padding:16px 24px 24px 24px;font-family:${FONT};font-size:14px;line-height:22px;color:#1f2933;">
<p style="margin:0 0 8px 0;">${link(links.htmlUrl, w.openReport)}</p>
<p style="margin:0 0 8px 0;">${link(links.csvUrl, w.downloadCsv)}</p>
<p style="margin:0;font-size:12px;color:#616e7c;">${e(validUntil(w, links.linksExpireAt, timeZone, lang))}</p>
</td></tr>`;
}

/** The HTML part's first row: the title and a grey line under it (both plain text). */
export const titleRow = (title: string, subtitle: string): string =>
  `<tr><td style="padding:24px 24px 8px 24px;font-family:${FONT};color:#1f2933;">
<h1 style="margin:0;font-size:20px;line-height:28px;">${e(title)}</h1>
<p style="margin:4px 0 0 0;font-size:13px;color:#616e7c;">${e(subtitle)}</p>
</td></tr>`;

/** A section of the HTML part: a heading (plain text) over a full-width table of the given rows (markup). */
export const sectionRow = (heading: string, rows: string): string =>
  `<tr><td style="padding:8px 24px;">
<h2 style="font-family:${FONT};font-size:16px;margin:8px 0;">${e(heading)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${rows}
</table>
</td></tr>`;

/** A grey note in the HTML part, or nothing. */
export const noteHtml = (text: string | undefined): string =>
  text ? `<p style="font-family:${FONT};font-size:14px;color:#616e7c;">${e(text)}</p>` : '';

/** A label-and-value row of the headline table: both plain text. */
export const figureRow = (label: string, value: string, extra = ''): string =>
  `<tr><td style="${CELL}">${e(label)}</td><td style="${CELL}font-weight:bold;font-size:18px;">${e(value)}</td>${extra}</tr>`;

/** A table's head row: the label column, the bar's, then the value columns (plain texts). */
export const headRow = (label: string, values: string[]): string =>
  `<tr><th align="left" style="${CELL}">${e(label)}</th><th style="${CELL}"></th>${values.map((v) => `<th align="right" style="${CELL}">${e(v)}</th>`).join('')}</tr>`;

/** A table row: a label (plain text), a table bar of the share (0–1), then value cells (markup). */
export const barRow = (label: string, share: number | null, values: string[]): string =>
  `<tr><td style="${CELL}">${e(label)}</td><td style="${CELL}width:40%;">${tableBar(share)}</td>${values.map((v) => `<td style="${CELL}text-align:right;white-space:nowrap;">${v}</td>`).join('')}</tr>`;

/**
 * A quoted comment: its text (shortened, escaped; in its language when given) over a grey line of what it
 * belongs to (plain texts).
 */
export const commentRow = (c: ReportComment, about: string[], lang?: Language): string =>
  `<tr><td style="${CELL}"><div${lang ? ` lang="${e(lang)}"` : ''} style="white-space:pre-wrap;">${e(shorten(c.text))}</div><div style="color:#616e7c;font-size:12px;">${about.map(e).join(' · ')}</div></td></tr>`;

/** A quoted comment in the text part, on one line. */
export const commentLine = (c: ReportComment, about: string[]): string =>
  `- [${about.join(' · ')}] ${oneLine(shorten(c.text))}`;

/** The message around a digest's subject and parts: sender, recipients, Message-ID under the sender's domain. */
export function digestMessage(
  input: { from: { name: string; address: string }; replyTo?: string | undefined; now: Date },
  to: string[],
  id: string,
  content: Pick<EmailMessage, 'subject' | 'text' | 'html'>,
): EmailMessage {
  return {
    from: { name: oneLine(input.from.name), address: input.from.address },
    to: to.map((address) => ({ address })),
    ...(input.replyTo ? { replyTo: { address: input.replyTo } } : {}),
    ...content,
    headers: {},
    messageId: `<${id}.${input.now.getTime()}@${domainOf(input.from.address)}>`,
    date: input.now,
  };
}

/**
 * The report digest for the campaign's managers, in the report's language: the headline figures in the
 * subject and on top, a small table per item, the comments of the lowest-scoring responses, and
 * expiring links to the full report and the CSV. Customers appear only through their comments' text and
 * department: no names, no addresses.
 */
export function reportEmail(input: ReportEmailInput): EmailMessage {
  const { report } = input;
  const lang = report.language;
  const w = words(lang);
  const s = report.statistics;
  const q = report.questionnaire;
  const tz = report.campaign.timeZone;
  const campaign = oneLine(report.campaign.name[lang]);
  const index = `${scoreText(s.meanTotal)}${s.grade ? ` (${s.grade})` : ''}`;
  const subject = SUBJECT[lang](campaign, index, percent(s.returnRate));
  const questionLabel = (id: string) => q.openQuestions.find((o) => o.id === id)?.label[lang] ?? id;
  const categoryLabel = (id: string) => q.categories.find((c) => c.id === id)?.label[lang] ?? id;
  const comments = lowestComments(s.comments);
  const department = (id: string) => oneLine(departmentLabel(report, id, lang));
  // An anonymous campaign's wave with too few responses for its comments to be shown (withholding.ts).
  const commentsWithheld =
    s.commentsWithheld && withheldText(w.withheld, report.anonymous?.minGroupSize ?? 0);
  const cleaned = cleanedNote(w, s.cleaned, s.cleaningFlags);

  const rawLine = rawHeadline(report, s);
  const itemScore = q.scaleKind === 'percent-of-weight' ? w.meanPercent : w.meanScaled;
  const headline: Array<[string, string]> = [
    [w.satisfactionIndex, index],
    ...(rawLine ? [rawLine] : []),
    [w.satisfactionRate, percent(s.satisfactionRate)],
    [w.returnRate, `${percent(s.returnRate)} (${s.answered} / ${s.invited})`],
  ];

  const text = [
    `${campaign} — ${w.report}`,
    waveHeading(w, report.wave.createdAt, tz, lang),
    '',
    ...headline.map(([k, v]) => `${k}: ${v}`),
    ...(s.answered === 0 ? ['', w.noResponses] : []),
    ...(cleaned ? ['', cleaned] : []),
    '',
    `${w.categories} (${itemScore} · ${w.satisfactionRate}):`,
    ...s.categories.map(
      (c) => `- ${categoryLabel(c.id)}: ${meanPercentText(c.meanPercent)} · ${percent(c.satisfactionRate)}`,
    ),
    ...(commentsWithheld ? ['', `${w.comments}: ${commentsWithheld}`] : []),
    ...(comments.length > 0
      ? [
          '',
          `${w.lowestComments}:`,
          ...comments.map((c) =>
            commentLine(c, [questionLabel(c.questionId), department(c.department), scoreText(c.total)]),
          ),
        ]
      : []),
    '',
    ...linksText(w, input, tz, lang),
    '',
  ].join('\n');

  const categoryRows = s.categories
    .map((c) =>
      barRow(categoryLabel(c.id), c.meanPercent === null ? null : c.meanPercent / 100, [
        meanPercentText(c.meanPercent),
        percent(c.satisfactionRate),
      ]),
    )
    .join('');

  const html = emailHtml({
    language: lang,
    title: subject,
    width: 640,
    rows: `${titleRow(`${campaign} — ${w.report}`, waveHeading(w, report.wave.createdAt, tz, lang))}
<tr><td style="padding:8px 24px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${headline.map(([k, v]) => figureRow(k, v)).join('')}</table>
${s.answered === 0 ? noteHtml(w.noResponses) : ''}
${noteHtml(cleaned)}
${commentsWithheld ? noteHtml(`${w.comments}: ${commentsWithheld}`) : ''}
</td></tr>
${sectionRow(
  w.categories,
  `${headRow(w.category, [itemScore, w.satisfactionRate])}
${categoryRows}`,
)}
${
  comments.length > 0
    ? sectionRow(
        w.lowestComments,
        comments
          .map((c) =>
            commentRow(c, [
              questionLabel(c.questionId),
              department(c.department),
              `${w.score} ${scoreText(c.total)} (${c.grade})`,
            ]),
          )
          .join(''),
      )
    : ''
}
${linksRow(w, input, tz, lang)}`,
  });

  return digestMessage(input, input.managers, `report.${report.wave.id}`, { subject, text, html });
}
