import { escapeHtml as esc } from '../html.ts';
import type { Segment } from '../segments.ts';
import { actionsSectionHtml } from './actions-html.ts';
import {
  bar,
  categorySection,
  choiceSection,
  commentBlock,
  gradeSection,
  htmlPage,
  metText,
} from './html.ts';
import { departmentLabel } from './people.ts';
import type { GroupFigures, PeriodReportDocument, TrendPoint } from './period-report.ts';
import { withheldLines } from './period-withholding.ts';
import {
  cleanedNote,
  dateFor,
  dateTimeFor,
  percent,
  rawHeadline,
  scoreText,
  timeZoneName,
  type Words,
  words,
} from './text.ts';

/*
 * The period's report.html, in the style of the wave's (html.ts) and from its pieces: one self-contained,
 * print-friendly page, charts as inline SVG, no scripts, fonts, images or links, the same CSP. Every text
 * that comes from data (names, labels, comments) is escaped; targets say "reached" or "not reached" in
 * words, never by colour alone.
 */

const INDEX_COLOUR = '#2f6fb0';
const RATE_COLOUR = '#d4831a';
const TARGET_COLOUR = '#333';

/** Charts taller than a bar keep their aspect ratio; met and missed cards get a coloured edge too. */
const PERIOD_STYLE = `
svg.plot{height:auto;margin:.5rem 0}svg.plot text{font-size:11px;fill:#333}
.card small{display:block;color:#555}.card.met{border-left:4px solid hsl(130 60% 45%)}.card.missed{border-left:4px solid hsl(0 60% 45%)}
`;

const SEGMENT_WORD = {
  active: 'pSegmentActive',
  new: 'pSegmentNew',
  key: 'pSegmentKey',
} as const satisfies Record<Segment, keyof Words>;

const indexText = (f: Pick<GroupFigures, 'meanTotal' | 'grade'>): string =>
  `${scoreText(f.meanTotal)}${f.grade ? ` (${f.grade})` : ''}`;

/** A number for SVG coordinates: fixed decimals, so the bytes never depend on float noise. */
const n = (x: number): string => x.toFixed(1);

interface Card {
  label: string;
  value: string;
  /** The target as shown and whether it is met; undefined: the figure has none to be held against. */
  target?: { text: string | null; met: boolean | null };
}

function card(w: Words, c: Card): string {
  const state = c.target?.met === true ? ' met' : c.target?.met === false ? ' missed' : '';
  const target = !c.target
    ? ''
    : c.target.text === null
      ? `<small>${esc(w.pNoTarget)}</small>`
      : `<small>${esc(`${w.target} ${c.target.text}`)}${c.target.met === null ? '' : ` · ${esc(metText(w, c.target.met))}`}</small>`;
  return `<div class="card${state}"><span>${esc(c.label)}</span><b>${esc(c.value)}</b>${target}</div>`;
}

/**
 * The targets of a chart of the index and the satisfaction rate (both 0–100), drawn by `line`, and the
 * legend of its series and targets: the index target only when there is one.
 */
function chartTargets(
  w: Words,
  indexTarget: number | null,
  rateTarget: number,
  line: (value: number, colour: string, title: string) => string,
): { lines: string; legend: string } {
  const indexTitle = `${w.pIndexTarget} ${indexTarget === null ? '' : scoreText(indexTarget)}`;
  const rateTitle = `${w.pRateTarget} ${percent(rateTarget)}`;
  const items = [
    { colour: INDEX_COLOUR, label: w.satisfactionIndex, dashed: false },
    { colour: RATE_COLOUR, label: `${w.satisfactionRate} (%)`, dashed: false },
    ...(indexTarget === null ? [] : [{ colour: INDEX_COLOUR, label: indexTitle, dashed: true }]),
    { colour: RATE_COLOUR, label: rateTitle, dashed: true },
  ];
  return {
    lines: `${indexTarget === null ? '' : line(indexTarget, INDEX_COLOUR, indexTitle)}${line(rateTarget * 100, RATE_COLOUR, rateTitle)}`,
    legend: `<ul class="legend">${items
      .map(
        (i) =>
          `<li><i style="${i.dashed ? `border-top:2px dashed ${i.colour};height:0` : `background:${i.colour}`}"></i>${esc(i.label)}</li>`,
      )
      .join('')}</ul>`,
  };
}

/** Index and satisfaction rate (both 0–100) per period as lines; the targets as dashed lines. */
function trendChart(w: Words, trend: TrendPoint[], indexTarget: number | null, rateTarget: number): string {
  const left = 50;
  const right = 540;
  const top = 10;
  const bottom = 150;
  const y = (v: number) => bottom - ((bottom - top) * Math.max(0, Math.min(100, v))) / 100;
  const x = (i: number) =>
    trend.length === 1 ? (left + right) / 2 : left + ((right - left) * i) / (trend.length - 1);
  const grid = [0, 25, 50, 75, 100]
    .map(
      (v) =>
        `<line x1="${left}" y1="${n(y(v))}" x2="${right}" y2="${n(y(v))}" stroke="#ddd"/><text x="${left - 6}" y="${n(y(v) + 4)}" text-anchor="end">${v}</text>`,
    )
    .join('');
  const labels = trend
    .map((p, i) => `<text x="${n(x(i))}" y="${bottom + 18}" text-anchor="middle">${esc(p.period)}</text>`)
    .join('');
  const targetLine = (value: number, colour: string, title: string) =>
    `<line x1="${left}" y1="${n(y(value))}" x2="${right}" y2="${n(y(value))}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="6 4"><title>${esc(title)}</title></line>`;
  const series = (colour: string, values: Array<number | null>, title: (i: number) => string) => {
    // A period without a figure breaks the line: each run of figures is its own polyline.
    const runs: string[][] = [[]];
    values.forEach((v, i) => {
      if (v === null) runs.push([]);
      else runs.at(-1)!.push(`${n(x(i))},${n(y(v))}`);
    });
    const lines = runs
      .filter((r) => r.length > 1)
      .map((r) => `<polyline points="${r.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`)
      .join('');
    const dots = values
      .map((v, i) =>
        v === null
          ? ''
          : `<circle cx="${n(x(i))}" cy="${n(y(v))}" r="4" fill="${colour}"><title>${esc(title(i))}</title></circle>`,
      )
      .join('');
    return lines + dots;
  };
  const targets = chartTargets(w, indexTarget, rateTarget, targetLine);
  const svg = `<svg class="plot" viewBox="0 0 600 175" role="img" aria-label="${esc(w.pTrendChart)}">${grid}${labels}${targets.lines}${series(
    INDEX_COLOUR,
    trend.map((p) => p.meanTotal),
    (i) => `${trend[i]!.period} ${w.satisfactionIndex}: ${indexText(trend[i]!)}`,
  )}${series(
    RATE_COLOUR,
    trend.map((p) => (p.satisfactionRate === null ? null : p.satisfactionRate * 100)),
    (i) => `${trend[i]!.period} ${w.satisfactionRate}: ${percent(trend[i]!.satisfactionRate)}`,
  )}</svg>`;
  return `${svg}${targets.legend}`;
}

/** Per department, the index and the satisfaction rate (0–100) as bars; the targets as dashed lines. */
function departmentChart(
  w: Words,
  departments: PeriodReportDocument['statistics']['departments'],
  indexTarget: number | null,
  rateTarget: number,
): string {
  const left = 150;
  const right = 580;
  const row = 34;
  const height = departments.length * row + 24;
  const x = (v: number) => left + ((right - left) * Math.max(0, Math.min(100, v))) / 100;
  const rows = departments
    .map((d, i) => {
      const top = i * row + 4;
      const rate = d.satisfactionRate === null ? null : d.satisfactionRate * 100;
      const barOf = (value: number | null, dy: number, colour: string, title: string) =>
        `<rect x="${left}" y="${top + dy}" width="${n(value === null ? 0 : x(value) - left)}" height="12" fill="${colour}"><title>${esc(title)}</title></rect>`;
      return `<text x="${left - 8}" y="${top + 17}" text-anchor="end">${esc(d.department)}</text>${barOf(
        d.meanTotal,
        0,
        INDEX_COLOUR,
        `${d.department} ${w.satisfactionIndex}: ${indexText(d)}`,
      )}${barOf(rate, 14, RATE_COLOUR, `${d.department} ${w.satisfactionRate}: ${percent(d.satisfactionRate)}`)}`;
    })
    .join('');
  const axisY = departments.length * row + 4;
  const axis = [0, 25, 50, 75, 100]
    .map((v) => `<text x="${n(x(v))}" y="${axisY + 14}" text-anchor="middle">${v}</text>`)
    .join('');
  const targetLine = (value: number, colour: string, title: string) =>
    `<line x1="${n(x(value))}" y1="0" x2="${n(x(value))}" y2="${axisY}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"><title>${esc(title)}</title></line>`;
  const targets = chartTargets(w, indexTarget, rateTarget, targetLine);
  const svg = `<svg class="plot" viewBox="0 0 600 ${height}" role="img" aria-label="${esc(w.pDepartmentChart)}"><line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="${TARGET_COLOUR}"/>${rows}${axis}${targets.lines}</svg>`;
  return `${svg}${targets.legend}`;
}

/** The columns a department's or a segment's row shares: answered, return rate against its target, index, rate. */
function groupCells(w: Words, f: GroupFigures): string {
  return `<td class="n">${f.answered} / ${f.invited}</td><td class="n">${percent(f.returnRate)}</td><td class="n">${
    f.returnRateTarget === null ? esc(w.pNoTarget) : percent(f.returnRateTarget)
  }</td><td class="n">${esc(metText(w, f.returnRateMet))}</td><td class="n">${indexText(f)}</td><td class="n">${percent(f.satisfactionRate)}</td>`;
}

function groupHead(w: Words, first: string): string {
  return `<thead><tr><th>${esc(first)}</th><th class="n">${esc(w.answered)} / ${esc(w.invited)}</th><th class="n">${esc(w.returnRate)}</th><th class="n">${esc(w.pReturnRateTarget)}</th><th class="n">${esc(w.pMet)}</th><th class="n">${esc(w.satisfactionIndex)}</th><th class="n">${esc(w.satisfactionRate)}</th></tr></thead>`;
}

export function periodReportHtml(report: PeriodReportDocument): string {
  const lang = report.language;
  const w = words(lang);
  const s = report.statistics;
  const q = report.questionnaire;
  const t = report.targets;
  const tz = report.campaign.timeZone;
  const p = report.period;
  // Departments by their display names (campaign.departments), in the reader's language.
  const named = <T extends { department: string }>(d: T): T => ({
    ...d,
    department: departmentLabel(report, d.department, lang),
  });
  const scope =
    report.department === null
      ? w.pWholeCampaign
      : w.pDepartmentScope.replace('{department}', departmentLabel(report, report.department, lang));
  // A day of the period (YYYY-MM-DD) as its reader writes it.
  const day = (date: string) => dateFor(`${date}T00:00:00Z`, 'UTC', lang);
  const title = `${report.campaign.name[lang]} — ${w.pReport} ${p.key}${report.department === null ? '' : ` — ${scope}`}`;

  const rawCard = q ? rawHeadline({ language: lang, questionnaire: q }, s) : undefined;
  const cards = [
    {
      label: w.satisfactionIndex,
      value: indexText(s),
      target: { text: t.index === null ? null : scoreText(t.index), met: s.indexMet },
    },
    ...(rawCard ? [{ label: rawCard[0], value: rawCard[1] }] : []),
    {
      label: w.satisfactionRate,
      value: percent(s.satisfactionRate),
      target: { text: percent(t.satisfactionRate), met: s.satisfactionRateMet },
    },
    {
      label: w.returnRate,
      value: percent(s.returnRate),
      target: {
        text: s.returnRateTarget === null ? null : percent(s.returnRateTarget),
        met: s.returnRateMet,
      },
    },
    { label: `${w.answered} / ${w.invited}`, value: `${s.answered} / ${s.invited}` },
  ]
    .map((c) => card(w, c))
    .join('');

  const cleaned = cleanedNote(w, s.cleaned, s.cleaningFlags);
  const headline = [
    `<section><h2>${esc(w.headline)}</h2><div class="cards">${cards}</div>`,
    s.answered === 0 ? `<p class="note">${esc(w.pNoResponses)}</p>` : '',
    cleaned ? `<p class="note" id="cleaned">${esc(cleaned)}</p>` : '',
    s.excluded > 0 ? `<p class="note" id="excluded">${s.excluded} ${esc(w.pExcluded)}</p>` : '',
    '</section>',
  ].join('');

  const trendRows = s.trend
    .map(
      (point) =>
        `<tr><td>${esc(point.period)}</td><td class="n">${point.answered} / ${point.invited}</td><td class="n">${percent(point.returnRate)}</td><td class="n">${indexText(point)}</td><td class="n">${percent(point.satisfactionRate)}</td></tr>`,
    )
    .join('');
  const trend = `<section><h2>${esc(w.pTrend)}</h2>${trendChart(w, s.trend, t.index, t.satisfactionRate)}<table><thead><tr><th>${esc(w.pPeriod)}</th><th class="n">${esc(w.answered)} / ${esc(w.invited)}</th><th class="n">${esc(w.returnRate)}</th><th class="n">${esc(w.satisfactionIndex)}</th><th class="n">${esc(w.satisfactionRate)}</th></tr></thead><tbody>${trendRows}</tbody></table></section>`;

  const departments =
    s.departments.length === 0
      ? ''
      : `<section><h2>${esc(w.departments)}</h2>${departmentChart(w, s.departments.map(named), t.index, t.satisfactionRate)}<table>${groupHead(w, w.department)}<tbody>${s.departments
          .map(named)
          .map((d) => `<tr><td>${esc(d.department)}</td>${groupCells(w, d)}</tr>`)
          .join('')}</tbody></table></section>`;

  const segments = `<section><h2>${esc(w.pSegments)}</h2>${
    s.segments.length === 0
      ? `<p class="note">${esc(w.pNoSegments)}</p>`
      : `<table>${groupHead(w, w.pSegment)}<tbody>${s.segments
          .map((g) => `<tr><td>${esc(w[SEGMENT_WORD[g.segment]])}</td>${groupCells(w, g)}</tr>`)
          .join('')}</tbody></table>`
  }</section>`;

  const problems = `<section><h2>${esc(w.pProblems)}</h2>${
    s.problems.length === 0
      ? `<p class="note">${esc(w.pNoProblems)}</p>`
      : `<table><thead><tr><th class="n">${esc(w.pRank)}</th><th>${esc(w.category)}</th><th class="n">${esc(w.pDissatisfiedAnswers)}</th><th class="n">${esc(w.meanScaled)}</th><th class="n">${esc(w.satisfactionRate)}</th></tr></thead><tbody>${s.problems
          .map(
            (x, i) =>
              `<tr><td class="n">${i + 1}</td><td>${esc(x.label[lang])}</td><td class="n">${x.dissatisfied} / ${x.answers}</td><td class="n">${x.meanPercent === null ? '–' : x.meanPercent.toFixed(1)}</td><td class="n">${percent(x.satisfactionRate)}</td></tr>`,
          )
          .join('')}</tbody></table>`
  }</section>`;

  const reminded = (s.reminders ?? []).reduce((sum, r) => sum + r.answered, 0);
  const reminders =
    s.reminders === null
      ? `<section><h2>${esc(w.pReminders)}</h2><p class="note">${esc(w.pRemindersAnonymous)}</p></section>`
      : s.reminders.length === 0
        ? ''
        : `<section><h2>${esc(w.pReminders)}</h2><table><thead><tr><th></th><th class="n">${esc(w.count)}</th><th class="n"></th><th></th></tr></thead><tbody>${s.reminders
            .map((r) => {
              const label =
                r.after === 0 ? w.pAfterInvitation : w.pAfterReminder.replace('{n}', String(r.after));
              return `<tr><td>${esc(label)}</td><td class="n">${r.answered}</td><td class="n">${percent(reminded === 0 ? null : r.answered / reminded)}</td><td class="chart">${bar(r.answered, Math.max(1, reminded), `${label}: ${r.answered}`)}</td></tr>`;
            })
            .join('')}</tbody></table></section>`;

  const questionLabel = (id: string) => q?.openQuestions.find((o) => o.id === id)?.label[lang] ?? id;
  const commentsNote = w.pCommentsShown
    .replace('{count}', String(s.commentCount))
    .replace('{zh}', String(s.commentLanguages['zh-CN']))
    .replace('{en}', String(s.commentLanguages.en))
    .replace('{shown}', String(s.comments.length));
  const comments = `<section><h2>${esc(w.comments)}</h2>${
    s.comments.length === 0
      ? `<p class="note">${esc(w.noComments)}</p>`
      : `<p class="note" id="comment-count">${esc(commentsNote)}</p>${s.comments
          .map((c) =>
            commentBlock(
              w,
              c,
              { lang, department: departmentLabel(report, c.department, lang) },
              questionLabel(c.questionId),
            ),
          )
          .join('')}`
  }</section>`;

  const satisfiedLabel = q?.levels.find((l) => l.id === q.satisfiedFrom)?.label[lang] ?? '';
  const body = [
    `<header><h1>${esc(report.campaign.name[lang])}</h1>`,
    `<p class="meta">${esc(w.pReport)} · ${esc(w.pPeriod)} ${esc(p.key)} (${esc(day(p.first))} – ${esc(day(p.last))}) · <b>${esc(p.final ? w.pFinal : w.pProgress)}</b></p>`,
    `<p class="meta">${esc(scope)} · ${esc(w.pWaves)}: ${report.waves.length}${q ? ` · ${esc(w.questionnaire)}: ${esc(q.title[lang])} (${esc(w.version)} ${q.version})` : ''}</p>`,
    `<p class="meta">${esc(w.generated)} ${esc(dateTimeFor(report.generatedAt, tz, lang))} (${esc(timeZoneName(tz, lang))})</p></header>`,
    headline,
    ...withheldLines(report, w.withheld, {
      departments: w.departments,
      segments: w.pSegments,
      comments: w.comments,
    }).map((line) => `<p class="note withheld">${esc(line)}</p>`),
    trend,
    departments,
    segments,
    problems,
    actionsSectionHtml(
      lang,
      report.actions && { ...report.actions, departments: report.actions.departments.map(named) },
    ),
    q
      ? categorySection(q, lang, s.categories, t.itemMean)
      : `<section><p class="note">${esc(w.pNoQuestionnaire)}</p></section>`,
    q ? choiceSection(q, lang, s.choices) : '',
    gradeSection(w, s.grades, s.answered - s.cleaned),
    reminders,
    comments,
    q ? `<footer><p class="note">${esc(w.definitions.replace('{level}', satisfiedLabel))}</p></footer>` : '',
  ].join('\n');

  return htmlPage(lang, title, body, PERIOD_STYLE);
}
