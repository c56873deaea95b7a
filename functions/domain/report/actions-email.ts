import { FONT } from '../email/layout.ts';
import { escapeHtml as e } from '../html.ts';
import type { Language } from '../language.ts';
import { actionWords, COLUMNS, cell, notes, type ShownActions } from './actions-html.ts';
import type { ActionCounts } from './actions-summary.ts';
import { CELL } from './email.ts';

/**
 * The period digest's corrective actions (a section of the email's layout table), or nothing. Nine
 * figures per department do not fit side by side on a phone: each department is a row whose header is
 * its name and whose one cell lists its figures by name ("Opened 3 · Overdue 1 · …"), wrapping as the
 * width asks; the total comes last. The full table is in report.html.
 */
export function actionsEmailHtml(lang: Language, actions: ShownActions): string {
  if (actions === undefined) return '';
  const w = actionWords(lang);
  const heading = `<h2 style="font-family:${FONT};font-size:16px;line-height:24px;margin:8px 0;color:#1f2933;">${e(w.heading)}</h2>`;
  const p = (text: string) =>
    `<p style="margin:4px 0;font-family:${FONT};font-size:13px;line-height:20px;color:#616e7c;">${e(text)}</p>`;
  if (actions === null) return `<tr><td style="padding:8px 16px;">${heading}${p(w.withheldScope)}</td></tr>`;
  const figures = (c: ActionCounts) =>
    COLUMNS.map((k) => `${e(w[k])}&nbsp;<strong>${cell(c, k)}</strong>`).join('&nbsp;· ');
  const row = (name: string, c: ActionCounts, bold = false) =>
    `<tr><th scope="row" align="left" width="30%" valign="top" style="${CELL}text-align:left;${bold ? '' : 'font-weight:normal;'}">${e(name)}</th><td valign="top" style="${CELL}font-size:13px;">${figures(c)}</td></tr>`;
  return `<tr><td style="padding:8px 16px;">${heading}${notes(w, actions).map(p).join('')}
<table width="100%" cellpadding="0" cellspacing="0" border="0"><caption style="text-align:left;font-family:${FONT};font-size:13px;line-height:20px;color:#616e7c;padding:0 0 4px 0;">${e(w.caption)}</caption>
<thead><tr><th scope="col" align="left" style="${CELL}font-size:13px;text-align:left;">${e(w.department)}</th><th scope="col" align="left" style="${CELL}font-size:13px;text-align:left;">${e(w.heading)}</th></tr></thead>
<tbody>${actions.departments.map((d) => row(d.department, d)).join('')}${row(w.total, actions.total, true)}</tbody></table></td></tr>`;
}
