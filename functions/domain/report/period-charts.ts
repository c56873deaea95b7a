import { escapeHtml as esc } from '../html.ts';
import { bar, INDEX_COLOUR, RATE_COLOUR } from './charts.ts';

/** Targets: dark dashes, visible on a bar's fill and on its empty track alike. */
const TARGET_COLOUR = '#1a1a1a';

import { percent, scoreText, type Words } from './text.ts';

/*
 * The period report's charts: for each period of the trend, or each department, the satisfaction index
 * and the satisfaction rate (both 0–100) as a pair of bars with their figures beside them, and the targets
 * as dark dashed marks across the bars (the index's on the index bars, the rate's on the rate bars). Names and figures are HTML text (readable at any width); the bars are
 * SVG without text. The table under each chart holds the same figures for assistive technology.
 */

/** One row of a chart: its name and its two figures (the rate 0–1). */
export interface PairRow {
  name: string;
  meanTotal: number | null;
  indexText: string;
  satisfactionRate: number | null;
}

/** The pairs' style (added to the page's). */
export const PAIR_STYLE = `
.pairs{margin:.6rem 0}
.pair{display:grid;grid-template-columns:minmax(5rem,12rem) minmax(0,1fr);gap:.15rem .8rem;align-items:center;padding:.3rem 0;border-bottom:1px solid #e3e3e3}
.pair>b{grid-row:span 2;font-weight:600;overflow-wrap:anywhere}.pair .bar span{min-width:5.5rem}
.legend i.dashed{height:0;border-top:2px dashed;outline:0;vertical-align:.25rem}
@media (max-width:40rem){.pair{grid-template-columns:minmax(0,1fr)}.pair>b{grid-row:auto}}
`;

/** The legend of a pair chart: the two series, then the targets (the index's only when it has one). */
function legend(w: Words, indexTarget: number | null, rateTarget: number): string {
  const items = [
    { colour: INDEX_COLOUR, label: w.satisfactionIndex, dashed: false },
    { colour: RATE_COLOUR, label: `${w.satisfactionRate} (%)`, dashed: false },
    ...(indexTarget === null
      ? []
      : [{ colour: TARGET_COLOUR, label: `${w.pIndexTarget} ${scoreText(indexTarget)}`, dashed: true }]),
    { colour: TARGET_COLOUR, label: `${w.pRateTarget} ${percent(rateTarget)}`, dashed: true },
  ];
  return `<ul class="legend">${items
    .map(
      (i) =>
        `<li><i aria-hidden="true" ${i.dashed ? `class="dashed" style="border-color:${i.colour}"` : `style="background:${i.colour}"`}></i>${esc(i.label)}</li>`,
    )
    .join('')}</ul>`;
}

/**
 * The index and the satisfaction rate of each row as two bars with their figures, the targets as dashed
 * marks; `label` names the chart for assistive technology (the table that follows holds its figures).
 */
export function pairChart(
  w: Words,
  label: string,
  rows: PairRow[],
  indexTarget: number | null,
  rateTarget: number,
): string {
  const indexMarks = indexTarget === null ? [] : [{ value: indexTarget, colour: TARGET_COLOUR }];
  const rateMarks = [{ value: rateTarget * 100, colour: TARGET_COLOUR }];
  const pairs = rows
    .map((r) => {
      const rate = r.satisfactionRate === null ? null : r.satisfactionRate * 100;
      return `<div class="pair"><b>${esc(r.name)}</b>${bar(r.meanTotal, 100, r.indexText, {
        colour: INDEX_COLOUR,
        marks: indexMarks,
      })}${bar(rate, 100, percent(r.satisfactionRate), { colour: RATE_COLOUR, marks: rateMarks })}</div>`;
    })
    .join('');
  return `${legend(w, indexTarget, rateTarget)}<div class="pairs" role="img" aria-label="${esc(label)}">${pairs}</div>`;
}
