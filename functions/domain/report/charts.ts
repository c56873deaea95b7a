import { escapeHtml as esc } from '../html.ts';

/*
 * report.html's charts: bars drawn in inline SVG (they print in colour, unlike CSS backgrounds in some
 * browsers) with no text inside them, their figures as HTML text beside them, so that they read at the
 * page's font size whatever the width the bar is stretched to.
 */

/**
 * The levels' colours, best first: a purple–orange diverging scale (after ColorBrewer's PuOr), dark to
 * light on each side of a grey middle. Fitted so that neighbouring colours differ by ΔE2000 ≥ 22 for
 * normal vision and simulated deuteranopia and protanopia, for every count from 2 to 7 (the counts pick
 * from these seven, SUBSETS); test/domain/report-palette.test.ts measures it.
 */
export const PALETTE = ['#2f2d4a', '#5b5dc2', '#a9a2fe', '#bdbdbd', '#fac97a', '#9f772f', '#4f3705'] as const;

/** Which of PALETTE's colours `count` levels take: both ends always, the grey middle when odd. */
const SUBSETS: Record<number, number[]> = {
  2: [0, 6],
  3: [0, 3, 6],
  4: [0, 2, 4, 6],
  5: [0, 1, 3, 5, 6],
  6: [0, 1, 2, 4, 5, 6],
  7: [0, 1, 2, 3, 4, 5, 6],
};

const hex = (n: number): string => Math.round(n).toString(16).padStart(2, '0');
const channels = (colour: string): number[] =>
  [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16));

/** The colour `t` (0–1) of the way along PALETTE, mixed between its two nearest colours. */
function along(t: number): string {
  const at = t * (PALETTE.length - 1);
  const i = Math.min(PALETTE.length - 2, Math.floor(at));
  const f = at - i;
  const a = channels(PALETTE[i]!);
  const b = channels(PALETTE[i + 1]!);
  return `#${a.map((x, k) => hex(x + (b[k]! - x) * f)).join('')}`;
}

/**
 * Best level first, worst last, for any number of levels: 2 to 7 from PALETTE; more (a questionnaire may
 * have up to 11) evenly along it, where neighbours are closer (the figures beside the bars still tell).
 */
export function levelColours(count: number): string[] {
  if (count <= 1) return PALETTE.slice(0, Math.max(0, count));
  const subset = SUBSETS[count];
  if (subset) return subset.map((i) => PALETTE[i]!);
  return Array.from({ length: count }, (_, i) => along(i / (count - 1)));
}

/** The colour of single bars (an index, a count), and of the rate beside it. */
export const INDEX_COLOUR = '#3f4fa8';
export const RATE_COLOUR = '#b8690f';
export const TRACK_COLOUR = '#ececec';

/** A horizontal bar of stacked segments, widths proportional to the values; `label` names it for AT. */
export function stackedBar(
  segments: Array<{ value: number; colour: string; title: string }>,
  label: string,
): string {
  const total = segments.reduce((s, x) => s + x.value, 0);
  let x = 0;
  const rects = segments
    .filter((s) => s.value > 0)
    .map((s) => {
      const width = (s.value / total) * 100;
      const rect = `<rect x="${x.toFixed(3)}" y="0" width="${width.toFixed(3)}" height="10" fill="${s.colour}"><title>${esc(s.title)}</title></rect>`;
      x += width;
      return rect;
    })
    .join('');
  return `<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${esc(label)}"><rect width="100" height="10" fill="${TRACK_COLOUR}"/>${rects}</svg>`;
}

/**
 * A bar of `value` out of `max`, then `text` (the figure, as text, beside it). Dashed marks at `marks`
 * (on the same scale) show targets; the bar is decorative, the text says it.
 */
export function bar(
  value: number | null,
  max: number,
  text: string,
  options: { colour?: string; marks?: Array<{ value: number; colour: string }> } = {},
): string {
  const scale = (v: number) => Math.max(0, Math.min(100, (v / max) * 100));
  const width = value === null ? 0 : scale(value);
  const marks = (options.marks ?? [])
    .map(
      (m) =>
        `<line x1="${scale(m.value).toFixed(3)}" y1="0" x2="${scale(m.value).toFixed(3)}" y2="10" stroke="${m.colour}" stroke-width="2" stroke-dasharray="3 2" vector-effect="non-scaling-stroke"/>`,
    )
    .join('');
  return `<div class="bar"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="100" height="10" fill="${TRACK_COLOUR}"/><rect width="${width.toFixed(3)}" height="10" fill="${options.colour ?? INDEX_COLOUR}"/>${marks}</svg><span>${esc(text)}</span></div>`;
}
