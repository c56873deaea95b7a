import { emailHtml, FONT, multiline } from '../email/layout.ts';
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

/**
 * A bar as two table cells whose widths are percentages of the cell it sits in, because mail clients drop
 * SVG, flex and most CSS: it keeps its proportions at any width. Decoration only — the number it draws
 * is always written beside it — so it is hidden from screen readers.
 */
export function tableBar(share: number | null): string {
  const width = share === null ? 0 : Math.round(Math.max(0, Math.min(1, share)) * 100);
  const cell = (percent: number, colour: string) =>
    `<td width="${percent}%" height="10" bgcolor="${colour}" style="background-color:${colour};height:10px;font-size:1px;line-height:1px;mso-line-height-rule:exactly;">&nbsp;</td>`;
  return `<table role="presentation" aria-hidden="true" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:4px 0 0 0;"><tr>${width > 0 ? cell(width, '#2f6fb0') : ''}${width < 100 ? cell(100 - width, '#e4e7eb') : ''}</tr></table>`;
}

/** An item's mean percent (0–100) with one decimal, or a dash. */
export const meanPercentText = (n: number | null): string => (n === null ? '–' : `${n.toFixed(1)}%`);

/** The style of a digest's table cells. */
export const CELL = `font-family:${FONT};font-size:14px;line-height:20px;color:#1f2933;padding:6px;border-bottom:1px solid #e4e7eb;`;

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
  return `<tr><td style="padding:16px 16px 24px 16px;font-family:${FONT};font-size:14px;line-height:22px;color:#1f2933;">
<p style="margin:0 0 8px 0;">${link(links.htmlUrl, w.openReport)}</p>
<p style="margin:0 0 8px 0;">${link(links.csvUrl, w.downloadCsv)}</p>
<p style="margin:0;font-size:12px;color:#616e7c;">${e(validUntil(w, links.linksExpireAt, timeZone, lang))}</p>
</td></tr>`;
}

/** The HTML part's first row: the title and a grey line under it (both plain text). */
export const titleRow = (title: string, subtitle: string): string =>
  `<tr><td style="padding:24px 16px 8px 16px;font-family:${FONT};color:#1f2933;">
<h1 style="margin:0;font-size:20px;line-height:28px;">${e(title)}</h1>
<p style="margin:4px 0 0 0;font-size:13px;color:#616e7c;">${e(subtitle)}</p>
</td></tr>`;

/**
 * A section of the HTML part: a heading (plain text) over a full-width table of the given rows (markup).
 * A `data` table (headRow, barRow) is a real table for screen readers; a list of comments is layout.
 */
export const sectionRow = (heading: string, rows: string, data = false): string =>
  `<tr><td style="padding:8px 16px;">
<h2 style="font-family:${FONT};font-size:16px;line-height:24px;margin:8px 0;color:#1f2933;">${e(heading)}</h2>
<table${data ? '' : ' role="presentation"'} width="100%" cellpadding="0" cellspacing="0" border="0">
${rows}
</table>
</td></tr>`;

/** A grey note in the HTML part, or nothing. */
export const noteHtml = (text: string | undefined): string =>
  text ? `<p style="font-family:${FONT};font-size:14px;line-height:20px;color:#616e7c;">${e(text)}</p>` : '';

/**
 * A label-and-value row of the headline table: both plain text, and under the value an optional note
 * (markup: a target, a change), in the value's cell so that two columns suffice on a phone.
 */
export const figureRow = (label: string, value: string, note = ''): string =>
  `<tr><td width="45%" valign="top" style="${CELL}">${e(label)}</td><td valign="top" style="${CELL}"><span style="font-weight:bold;font-size:18px;line-height:24px;">${e(value)}</span>${note}</td></tr>`;

/*
 * The width of a bar table's column of the value with its bar, in percent of the table: the bar keeps its
 * share of a phone's width. The other columns take what their words need (a percentage on them too would
 * make a table wider than a phone rather than wrap its headers).
 */
const BAR_WIDTH = 30;

/**
 * A bar table's head row (plain texts): the label column, the column of the value the bar draws, then the
 * other values. Every header names its column (scope), none is empty.
 */
export const headRow = (label: string, values: string[]): string => {
  const [barred = '', ...others] = values;
  const th = (text: string, align: string, width?: number) =>
    `<th scope="col" align="${align}"${width ? ` width="${width}%"` : ''} valign="bottom" style="${CELL}font-size:12px;line-height:16px;text-align:${align};">${e(text)}</th>`;
  return `<thead><tr>${th(label, 'left')}${th(barred, 'left', BAR_WIDTH)}${others.map((v) => th(v, 'right')).join('')}</tr></thead>`;
};

/**
 * A bar table's row: the label (plain text) as the row's header, the first value (markup) with a table bar
 * of the share (0–1) under it, then the other values (markup). Widths are percentages of the table, so
 * the bar keeps its share of a phone's width instead of collapsing beside the numbers.
 */
export const barRow = (label: string, share: number | null, values: string[]): string => {
  const [barred = '', ...others] = values;
  return `<tr><th scope="row" align="left" valign="top" style="${CELL}font-weight:normal;text-align:left;">${e(label)}</th><td width="${BAR_WIDTH}%" valign="top" style="${CELL}">${barred}${tableBar(share)}</td>${others.map((v) => `<td align="right" valign="top" style="${CELL}text-align:right;">${v}</td>`).join('')}</tr>`;
};

/**
 * A quoted comment: its text (shortened, escaped; in its language when given) over a grey line of what it
 * belongs to (plain texts).
 */
export const commentRow = (c: ReportComment, about: string[], lang?: Language): string =>
  `<tr><td style="${CELL}"><div${lang ? ` lang="${e(lang)}"` : ''}>${multiline(shorten(c.text))}</div><div style="color:#616e7c;font-size:12px;">${about.map(e).join(' · ')}</div></td></tr>`;

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
<tr><td style="padding:8px 16px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${headline.map(([k, v]) => figureRow(k, v)).join('')}</table>
${s.answered === 0 ? noteHtml(w.noResponses) : ''}
${noteHtml(cleaned)}
${commentsWithheld ? noteHtml(`${w.comments}: ${commentsWithheld}`) : ''}
</td></tr>
${sectionRow(
  w.categories,
  `${headRow(w.category, [itemScore, w.satisfactionRate])}
${categoryRows}`,
  true,
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
