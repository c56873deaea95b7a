import { escapeHtml as esc } from '../html.ts';
import type { Language, LocalizedText } from '../language.ts';
import type { GradeName } from '../questionnaire.ts';
import type { ReportDocument } from './document.ts';
import { departmentLabel } from './people.ts';
import type { CategoryStatistics, ChoiceStatistics, ReportComment } from './statistics.ts';
import {
  cleanedNote,
  dateTimeFor,
  languageName,
  percent,
  rawHeadline,
  scoreText,
  timeZoneName,
  type Words,
  waveHeading,
  words,
} from './text.ts';
import { WAVE_COMMENTS } from './wave-tally.ts';
import { withheldText } from './withholding.ts';

/*
 * report.html: one self-contained, print-friendly page. Charts are inline SVG (they print in colour,
 * unlike CSS backgrounds); no scripts, fonts, images or links to fetch, and a CSP that forbids them, so
 * a comment that slips past escaping could still not run. Every text that comes from data is escaped.
 */

/** Best level green, worst red, evenly between; any number of levels. */
export function levelColours(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const hue = count === 1 ? 130 : Math.round(130 - (130 * i) / (count - 1));
    return `hsl(${hue} 60% 45%)`;
  });
}

export const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;margin:0 auto;max-width:60rem;padding:1.5rem;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid #333;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
.meta{color:#555;margin:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem;margin:1rem 0}
.card{border:1px solid #ccc;border-radius:.4rem;padding:.6rem .8rem}.card b{display:block;font-size:1.7rem;line-height:1.2}.card span{color:#555}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #ddd;padding:.35rem .4rem;text-align:left;vertical-align:middle}
th{background:#f3f3f3}td.n,th.n{text-align:right;white-space:nowrap}
td.chart{width:40%}svg{display:block;width:100%;height:1.1rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.4rem 0;padding:0;list-style:none}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-.1rem}
.comment{margin:.4rem 0;padding:.4rem .6rem;border-left:3px solid #bbb;page-break-inside:avoid;break-inside:avoid}
.comment p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}.comment small{color:#555}
.note{color:#555;font-size:.9em}
@media print{body{padding:0;max-width:none}h2{page-break-after:avoid;break-after:avoid}tr{page-break-inside:avoid;break-inside:avoid}}
`;

/** A horizontal bar of stacked segments, widths proportional to the values. */
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
  return `<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${esc(label)}"><rect width="100" height="10" fill="#eee"/>${rects}</svg>`;
}

/** A single bar showing value out of max. */
export function bar(value: number | null, max: number, label: string): string {
  const width = value === null ? 0 : Math.max(0, Math.min(100, (value / max) * 100));
  return `<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${esc(label)}"><rect width="100" height="10" fill="#eee"/><rect width="${width.toFixed(3)}" height="10" fill="#2f6fb0"/></svg>`;
}

type Questionnaire = ReportDocument['questionnaire'];

/** The levels' colours, best first, as a legend. */
export function levelLegend(q: Questionnaire, lang: Language): string {
  const colours = levelColours(q.levels.length);
  return `<ul class="legend">${q.levels
    .map((l, i) => `<li><i style="background:${colours[i]}"></i>${esc(l.label[lang])}</li>`)
    .join('')}</ul>`;
}

/** "✓ reached" / "✗ not reached" (never colour alone), or a dash when there is nothing to judge. */
export function metText(w: Words, met: boolean | null): string {
  return met === null ? '–' : met ? `✓ ${w.targetMet}` : `✗ ${w.targetMissed}`;
}

/**
 * The items: worth, means, satisfaction rate and answers per level as a stacked bar. An item without the
 * questionnaire's label (one only an older version had) brings its own. With a Likert `targetMean`, a
 * column says whether each item's mean reaches it.
 */
export function categorySection(
  q: Questionnaire,
  lang: Language,
  categories: Array<CategoryStatistics & { label?: LocalizedText; targetMet?: boolean | null }>,
  targetMean: number | null = null,
): string {
  const w = words(lang);
  const colours = levelColours(q.levels.length);
  const levelName = (id: string) => q.levels.find((l) => l.id === id)?.label[lang] ?? id;
  const weighted = q.scaleKind === 'percent-of-weight';
  const targetHead =
    targetMean === null ? '' : `<th class="n">${esc(w.target)} ${targetMean.toFixed(1)}</th>`;
  const rows = categories
    .map((c) => {
      const name = c.label?.[lang] ?? q.categories.find((x) => x.id === c.id)?.label[lang] ?? c.id;
      const label = `${name}${c.required ? '' : ` ${w.optional}`}`;
      const worth = c.weight ?? `${c.worst} – ${c.best}`;
      const segments = c.distribution.map((d, i) => ({
        value: d.count,
        colour: colours[i] ?? '#999',
        title: `${levelName(d.level)}: ${d.count}`,
      }));
      const counts = c.distribution.map((d) => d.count).join(' / ');
      const target = targetMean === null ? '' : `<td class="n">${esc(metText(w, c.targetMet ?? null))}</td>`;
      return `<tr><td>${esc(label)}</td><td class="n">${esc(String(worth))}</td><td class="n">${c.meanPoints === null ? '–' : c.meanPoints.toFixed(2)}</td>${target}<td class="n">${c.meanPercent === null ? '–' : `${c.meanPercent.toFixed(1)}%`}</td><td class="n">${percent(c.satisfactionRate)}</td><td class="chart">${stackedBar(segments, `${label} — ${w.chartAlt}: ${counts}`)}</td><td class="n">${esc(counts)}</td></tr>`;
    })
    .join('');
  return `<section><h2>${esc(w.categories)}</h2>${levelLegend(q, lang)}<table><thead><tr><th>${esc(w.category)}</th><th class="n">${esc(weighted ? w.weight : w.range)}</th><th class="n">${esc(q.scaleKind === 'likert' ? w.meanLikert : w.meanPoints)}</th>${targetHead}<th class="n">${esc(weighted ? w.meanPercent : w.meanScaled)}</th><th class="n">${esc(w.satisfactionRate)}</th><th>${esc(w.distribution)}</th><th class="n"></th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** How often each option of each single-choice question was chosen; nothing without such questions. */
export function choiceSection(q: Questionnaire, lang: Language, choices: ChoiceStatistics[]): string {
  const w = words(lang);
  if (choices.length === 0) return '';
  return `<section><h2>${esc(w.choices)}</h2>${choices
    .map((c) => {
      const question = q.choiceQuestions.find((x) => x.id === c.id);
      const rows = c.distribution
        .map((d) => {
          const option = question?.options.find((x) => x.id === d.option)?.label[lang] ?? d.option;
          return `<tr><td>${esc(option)}</td><td class="n">${d.count}</td><td class="chart">${bar(d.count, Math.max(1, c.answers), `${option}: ${d.count}`)}</td></tr>`;
        })
        .join('');
      return `<h3>${esc(question?.label[lang] ?? c.id)}</h3><table><thead><tr><th>${esc(w.option)}</th><th class="n">${esc(w.count)}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('')}</section>`;
}

/** How many scored responses earned each grade. */
export function gradeSection(
  w: Words,
  grades: Array<{ grade: GradeName; count: number }>,
  scored: number,
): string {
  const rows = grades
    .map(
      (g) =>
        `<tr><td>${g.grade}</td><td class="n">${g.count}</td><td class="chart">${bar(g.count, Math.max(1, scored), `${g.grade}: ${g.count}`)}</td></tr>`,
    )
    .join('');
  return `<section><h2>${esc(w.gradeDistribution)}</h2><table><thead><tr><th>${esc(w.grade)}</th><th class="n">${esc(w.count)}</th><th></th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/**
 * One comment as text, with where it came from (the department's display name, the comment's language by
 * name) and the total of its response; `extra` goes first.
 */
export function commentBlock(
  w: Words,
  c: ReportComment,
  reader: { lang: Language; department: string },
  extra = '',
): string {
  return `<div class="comment"><p>${esc(c.text)}</p><small>${extra ? `${esc(extra)} · ` : ''}${esc(reader.department)} · ${esc(languageName(c.language, reader.lang))} · ${w.score} ${scoreText(c.total)} (${c.grade})</small></div>`;
}

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

export function reportHtml(report: ReportDocument): string {
  const lang = report.language;
  const w = words(lang);
  const s = report.statistics;
  const q = report.questionnaire;
  const tz = report.campaign.timeZone;
  const levelName = (id: string) => q.levels.find((l) => l.id === id)?.label[lang] ?? id;
  const title = `${report.campaign.name[lang]} — ${w.report}`;
  const cleaned = cleanedNote(w, s.cleaned, s.cleaningFlags);

  const rawCard = rawHeadline(report, s);
  const cards = [
    [w.satisfactionIndex, `${scoreText(s.meanTotal)}${s.grade ? ` (${s.grade})` : ''}`],
    ...(rawCard ? [rawCard] : []),
    [w.satisfactionRate, percent(s.satisfactionRate)],
    [w.returnRate, `${percent(s.returnRate)}`],
    [`${w.answered} / ${w.invited}`, `${s.answered} / ${s.invited}`],
  ]
    .map(
      ([label, value]) =>
        `<div class="card"><span>${esc(label ?? '')}</span><b>${esc(value ?? '')}</b></div>`,
    )
    .join('');

  const withheldRow = s.withheldDepartments
    ? `<tr class="withheld"><td>${s.withheldDepartments.count}</td><td colspan="5">${esc(withheldText(w.withheld, report.anonymous?.minGroupSize ?? 0))}</td></tr>`
    : '';
  const departmentRows = `${s.departments
    .map((d) => ({ ...d, department: departmentLabel(report, d.department, lang) }))
    .map(
      (d) =>
        `<tr><td>${esc(d.department)}</td><td class="n">${d.answered} / ${d.invited}</td><td class="n">${percent(d.returnRate)}</td><td class="n">${percent(d.satisfactionRate)}</td><td class="n">${scoreText(d.meanTotal)}${d.grade ? ` (${d.grade})` : ''}</td><td class="chart">${bar(d.meanTotal, 100, `${d.department}: ${scoreText(d.meanTotal)}`)}</td></tr>`,
    )
    .join('')}${withheldRow}`;

  const comments = s.commentsWithheld
    ? `<p class="note withheld">${esc(withheldText(w.withheld, report.anonymous?.minGroupSize ?? 0))}</p>`
    : q.openQuestions
        .map((o) => {
          const items = s.comments
            .filter((c) => c.questionId === o.id)
            .map((c) => commentBlock(w, c, { lang, department: departmentLabel(report, c.department, lang) }))
            .join('');
          return `<h3>${esc(o.label[lang])}</h3>${items || `<p class="note">${esc(w.noComments)}</p>`}`;
        })
        .join('') +
      (s.commentsOmitted
        ? `<p class="note">${esc(w.commentsOmitted.replace('{n}', String(s.commentsOmitted)).replace('{k}', String(WAVE_COMMENTS)))}</p>`
        : '');

  const satisfiedLabel = levelName(q.satisfiedFrom);
  const body = [
    `<header><h1>${esc(report.campaign.name[lang])}</h1>`,
    `<p class="meta">${esc(w.report)} · ${esc(waveHeading(w, report.wave.createdAt, tz, lang))} · ${esc(w.questionnaire)}: ${esc(q.title[lang])} (${esc(w.version)} ${q.version})</p>`,
    `<p class="meta">${esc(w.deadline)} ${esc(dateTimeFor(report.wave.deadline, tz, lang))} · ${esc(w.generated)} ${esc(dateTimeFor(report.generatedAt, tz, lang))} (${esc(w.timesIn.replace('{zone}', timeZoneName(tz, lang)))})</p></header>`,
    `<section><h2>${esc(w.headline)}</h2><div class="cards">${cards}</div>`,
    s.answered === 0 ? `<p class="note">${esc(w.noResponses)}</p>` : '',
    cleaned ? `<p class="note" id="cleaned">${esc(cleaned)}</p>` : '',
    s.excluded > 0 ? `<p class="note">${s.excluded} ${esc(w.excluded)}</p>` : '',
    '</section>',
    categorySection(q, lang, s.categories),
    choiceSection(q, lang, s.choices),
    gradeSection(w, s.grades, s.answered - s.cleaned),
    `<section><h2>${esc(w.departments)}</h2><table><thead><tr><th>${esc(w.department)}</th><th class="n">${esc(w.answered)} / ${esc(w.invited)}</th><th class="n">${esc(w.returnRate)}</th><th class="n">${esc(w.satisfactionRate)}</th><th class="n">${esc(w.satisfactionIndex)}</th><th></th></tr></thead><tbody>${departmentRows}</tbody></table></section>`,
    `<section><h2>${esc(w.comments)}</h2>${comments}</section>`,
    `<footer><p class="note">${esc(w.definitions.replace('{level}', satisfiedLabel))}</p><p class="note">${esc(w.waveId)}: ${esc(report.wave.id)}</p></footer>`,
  ].join('\n');

  return htmlPage(lang, title, body);
}
