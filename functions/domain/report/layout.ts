import { escapeHtml as esc } from '../html.ts';
import type { Language } from '../language.ts';

/*
 * The frame every report.html shares (html.ts, period-html.ts): the page with its CSP and style, sections
 * named by their headings (landmarks a screen reader can jump between), and tables that read at any
 * width. On a wide screen a table is a table; below 40rem (64rem for a table of many columns, so a tablet
 * and a printed A4 page too) each row becomes a block: its name on a line of its own, then each figure after
 * its column's name (`data-label`), the chart across the whole width. Column headers stay in the markup
 * (visually hidden there), so the table keeps its headers for assistive technology.
 */

/** Header words report.html needs that the report's texts (text.ts) do not have. */
const WORDS = {
  'zh-CN': { when: '回复时间' },
  en: { when: 'When answered' },
} as const satisfies Record<Language, Record<string, string>>;

export const layoutWords = (lang: Language) => WORDS[lang];

/** Below this width tables reflow into one block per row (a phone; a printed A4 page is wider). */
const NARROW = '40rem';
/** Below this width a table of many columns (`wide`) reflows too (a tablet, a printed A4 page). */
const WIDE = '64rem';

/**
 * The rules that make the tables of class `t` reflow: each row a grid of figures after its name, each
 * figure after its column's name (`data-label`), the column headers visually hidden (still in the table).
 */
const reflow = (t: string): string => `
table${t},${t} tbody,${t} tfoot,${t} caption{display:block}
${t} thead{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
${t} tr{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.1rem 1.5rem;padding:.5rem 0;border-bottom:1px solid #d6d6d6}
${t} th,${t} td{border:0;padding:0;overflow-wrap:anywhere}${t} tr>:first-child{grid-column:1/-1;font-weight:600}
${t} td[data-label]{display:flex;justify-content:space-between;gap:.6rem}
${t} td[data-label]::before{content:attr(data-label);color:#4d4d4d;font-weight:400;white-space:normal;overflow-wrap:normal;text-align:left}
${t} td.chart,${t} td[colspan]{grid-column:1/-1;width:auto}
${t} td.chart[data-label]{display:block}${t} td.chart[data-label]::before{display:block}`;

export const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:64rem;padding:1rem;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .4rem;overflow-wrap:anywhere}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:2px solid #333;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
p,li,caption{overflow-wrap:anywhere}td,th{overflow-wrap:break-word}
.meta{color:#4d4d4d;margin:0 0 .2rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.6rem;margin:.8rem 0}
.card{border:1px solid #b3b3b3;border-radius:.4rem;padding:.5rem .7rem}.card b{display:block;font-size:1.45rem;line-height:1.25}.card span,.card small{display:block;color:#4d4d4d}
table{border-collapse:collapse;width:100%;margin:.5rem 0}caption{text-align:left;color:#4d4d4d;padding:.2rem 0}
th,td{border-bottom:1px solid #d6d6d6;padding:.35rem .45rem;text-align:left;vertical-align:middle}
thead th{background:#f2f2f2;vertical-align:bottom}tbody th,tfoot th{font-weight:600}
.n{text-align:right}td.n{white-space:nowrap}td.chart{width:35%}
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.1rem .5rem}.bar svg{flex:1 1 6rem;min-width:4rem;height:1rem;display:block;outline:1px solid #8c8c8c}.bar span{white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.4rem 0;padding:0;list-style:none}.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.35rem;vertical-align:-.12rem;outline:1px solid #8c8c8c}
.comment{margin:.5rem 0;padding:.4rem .6rem;border-left:3px solid #8c8c8c;page-break-inside:avoid;break-inside:avoid}
.comment p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}.comment small{color:#4d4d4d}
.note{color:#4d4d4d;font-size:.93em}
@media (min-width:${NARROW}){body{padding:1.5rem}table.bars{max-width:44rem}}
@media (max-width:${NARROW}){${reflow('.reflow')}
.reflow.bars tr{grid-template-columns:minmax(4rem,35%) minmax(0,1fr);align-items:center}.reflow.bars tr>:first-child,.reflow.bars td.chart{grid-column:auto}.reflow.bars td.chart::before{content:none}
}
@media (max-width:${WIDE}){${reflow('.wide')}}
@media print{body{padding:0;max-width:none}h2{page-break-after:avoid;break-after:avoid}tr{page-break-inside:avoid;break-inside:avoid}}
`;

/** The page around a body: the CSP that forbids scripts, fonts, images and fetches; the shared style. */
export function htmlPage(lang: Language, title: string, body: string, style = ''): string {
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${STYLE}${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * A section named by its heading (`aria-labelledby`): `id` is the heading's id (`h-{id}`), unique on the
 * page; `content` is markup. `attributes` go on the section as they are (trusted markup).
 */
export function section(id: string, heading: string, content: string, attributes = ''): string {
  return `<section${attributes} aria-labelledby="h-${id}"><h2 id="h-${id}">${esc(heading)}</h2>${content}</section>`;
}

/** A column of a reflowing table: its header, and how its cells show. */
export interface Column {
  label: string;
  /** Figures: right-aligned, unbroken. */
  numeric?: boolean;
  /** A chart with its figures: across the whole width when narrow, without a label before it. */
  chart?: boolean;
  /** The header only for assistive technology (the row's other cells say it already). */
  hidden?: boolean;
}

const headCell = (c: Column): string => {
  const label = c.hidden ? `<span class="vh">${esc(c.label)}</span>` : esc(c.label);
  return `<th scope="col"${c.chart ? ' class="chart"' : c.numeric ? ' class="n"' : ''}>${label}</th>`;
};

/** The header row of a table whose first column names its rows. */
export const tableHead = (first: string, columns: Column[]): string =>
  `<thead><tr><th scope="col">${esc(first)}</th>${columns.map(headCell).join('')}</tr></thead>`;

/** A data cell of `column`: its markup (trusted) with the column's name for the narrow layout. */
export function cell(column: Column, content: string): string {
  const label = column.hidden ? '' : ` data-label="${esc(column.label)}"`;
  return `<td${column.chart ? ' class="chart"' : column.numeric ? ' class="n"' : ''}${label}>${content}</td>`;
}

/** A row: its name as the row's header (escaped here), then one cell per column (markup). */
export const tableRow = (name: string, columns: Column[], cells: string[], attributes = ''): string =>
  `<tr${attributes}><th scope="row">${esc(name)}</th>${columns.map((c, i) => cell(c, cells[i] ?? '')).join('')}</tr>`;

/**
 * A table that reflows below 40rem; `rows` are markup (tableRow), `caption` text. A table of names and one
 * bar each (`bars`) keeps each name beside its bar there; one of many columns (`wide`) reflows below 64rem.
 */
export function reflowTable(
  first: string,
  columns: Column[],
  rows: string,
  options: { caption?: string; foot?: string; bars?: boolean; wide?: boolean } = {},
): string {
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : '';
  const foot = options.foot ? `<tfoot>${options.foot}</tfoot>` : '';
  const kind = options.bars ? ' bars' : options.wide ? ' wide' : '';
  return `<table class="reflow${kind}">${caption}${tableHead(first, columns)}<tbody>${rows}</tbody>${foot}</table>`;
}
