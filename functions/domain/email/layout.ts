import { escapeHtml as e } from '../html.ts';
import type { Language } from '../language.ts';

/** Free text, escaped, its line breaks kept as `<br>` (Outlook for Windows ignores white-space:pre-wrap). */
export const multiline = (text: string): string => e(text).replace(/\r\n?|\n/g, '<br>');

/** The font stack of every email: common sans fonts first, then the Chinese system fonts. */
export const FONT = "Arial,'Helvetica Neue',Helvetica,'PingFang SC','Microsoft YaHei',sans-serif";

export interface EmailLayout {
  language: Language;
  /** Plain text; the subject, usually. */
  title: string;
  /** Plain text some clients show next to the subject in the inbox list; hidden in the message. */
  preheader?: string;
  /** Width of the card in pixels; narrower screens get the full width. */
  width: number;
  /** The card's rows (`<tr>…</tr>`), escaped markup. */
  rows: string;
  /** Small print under the card, escaped markup. */
  footer?: string;
}

/**
 * The HTML shell every csat email shares: a grey page with one centred white card and optional small
 * print below it. Nested tables with inline styles, because Outlook and Gmail ignore most CSS; widths as
 * table attributes, no flex or grid (test/domain/email-clients.test.ts checks caniemail's data). The
 * content is one `role="main"` region carrying the language again, because webmails drop `<html>`; each
 * email's rows start with its one `<h1>`.
 */
export function emailHtml(layout: EmailLayout): string {
  const { width } = layout;
  const preheader =
    layout.preheader === undefined
      ? ''
      : // Shown by the inbox list, not in the message: text 0 px high (display:none and overflow are not
        // read by every Gmail and Outlook), hidden from Outlook (mso-hide) and from screen readers.
        `<div aria-hidden="true" style="font-size:0;line-height:0;max-height:0;mso-hide:all;color:#f4f5f7;">${e(layout.preheader)}</div>\n`;
  const footer =
    layout.footer === undefined
      ? ''
      : `<table role="presentation" width="${width}" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:${width}px;">
<tr><td style="padding:16px 32px;font-family:${FONT};font-size:12px;line-height:18px;color:#616e7c;">
${layout.footer}
</td></tr>
</table>
`;
  return `<!doctype html>
<html lang="${layout.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(layout.title)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
${preheader}<div role="main" lang="${layout.language}" style="background-color:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="${width}" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:${width}px;background-color:#ffffff;border-radius:6px;">
${layout.rows}
</table>
${footer}</td></tr>
</table>
</div>
</body>
</html>
`;
}
