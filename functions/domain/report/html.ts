import { escapeHtml as esc } from '../html.ts';
import type { Language, LocalizedText } from '../language.ts';
import type { GradeName } from '../questionnaire.ts';
import { bar, levelColours, stackedBar } from './charts.ts';
import type { ReportDocument } from './document.ts';
import { type Column, htmlPage, reflowTable, section, tableRow } from './layout.ts';
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
 * report.html: one self-contained, print-friendly page that reads on a phone and a laptop (layout.ts).
 * Charts are inline SVG bars with their figures as text beside them (charts.ts); no scripts, fonts,
 * images or links to fetch, and a CSP that forbids them, so a comment that slips past escaping could still
 * not run. Every text that comes from data is escaped.
 */

type Questionnaire = ReportDocument['questionnaire'];

/** The levels' colours, best first, as a legend (the swatches are decoration: the names say it). */
export function levelLegend(q: Questionnaire, lang: Language): string {
  const colours = levelColours(q.levels.length);
  return `<ul class="legend">${q.levels
    .map(
      (l, i) => `<li><i aria-hidden="true" style="background:${colours[i]}"></i>${esc(l.label[lang])}</li>`,
    )
    .join('')}</ul>`;
}

/** "✓ reached" / "✗ not reached" (never colour alone), or a dash when there is nothing to judge. */
export function metText(w: Words, met: boolean | null): string {
  return met === null ? '–' : met ? `✓ ${w.targetMet}` : `✗ ${w.targetMissed}`;
}

/**
 * The items: worth, means, satisfaction rate and answers per level as a stacked bar with the counts beside
 * it. An item without the questionnaire's label (one only an older version had) brings its own. With a
 * Likert `targetMean`, a column says whether each item's mean reaches it.
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
  const columns: Column[] = [
    { label: weighted ? w.weight : w.range, numeric: true },
    { label: q.scaleKind === 'likert' ? w.meanLikert : w.meanPoints, numeric: true },
    ...(targetMean === null ? [] : [{ label: `${w.target} ${targetMean.toFixed(1)}`, numeric: true }]),
    { label: weighted ? w.meanPercent : w.meanScaled, numeric: true },
    { label: w.satisfactionRate, numeric: true },
    { label: w.distribution, chart: true },
  ];
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
      const spoken = c.distribution.map((d) => `${levelName(d.level)} ${d.count}`).join(', ');
      return tableRow(label, columns, [
        esc(String(worth)),
        c.meanPoints === null ? '–' : c.meanPoints.toFixed(2),
        ...(targetMean === null ? [] : [esc(metText(w, c.targetMet ?? null))]),
        c.meanPercent === null ? '–' : `${c.meanPercent.toFixed(1)}%`,
        percent(c.satisfactionRate),
        `<div class="bar">${stackedBar(segments, `${label} — ${w.chartAlt}: ${spoken}`)}<span>${esc(counts)}</span></div>`,
      ]);
    })
    .join('');
  return section(
    'items',
    w.categories,
    `${levelLegend(q, lang)}${reflowTable(w.category, columns, rows, { wide: targetMean !== null })}`,
  );
}

/** How often each option of each single-choice question was chosen; nothing without such questions. */
export function choiceSection(q: Questionnaire, lang: Language, choices: ChoiceStatistics[]): string {
  const w = words(lang);
  if (choices.length === 0) return '';
  const columns: Column[] = [{ label: w.count, chart: true }];
  return section(
    'choices',
    w.choices,
    choices
      .map((c) => {
        const question = q.choiceQuestions.find((x) => x.id === c.id);
        const rows = c.distribution
          .map((d) => {
            const option = question?.options.find((x) => x.id === d.option)?.label[lang] ?? d.option;
            return tableRow(option, columns, [bar(d.count, Math.max(1, c.answers), String(d.count))]);
          })
          .join('');
        return `<h3>${esc(question?.label[lang] ?? c.id)}</h3>${reflowTable(w.option, columns, rows, { bars: true })}`;
      })
      .join(''),
  );
}

/** How many scored responses earned each grade. */
export function gradeSection(
  w: Words,
  grades: Array<{ grade: GradeName; count: number }>,
  scored: number,
): string {
  const columns: Column[] = [{ label: w.count, chart: true }];
  const rows = grades
    .map((g) => tableRow(g.grade, columns, [bar(g.count, Math.max(1, scored), String(g.count))]))
    .join('');
  return section('grades', w.gradeDistribution, reflowTable(w.grade, columns, rows, { bars: true }));
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

  const departmentColumns: Column[] = [
    { label: `${w.answered} / ${w.invited}`, numeric: true },
    { label: w.returnRate, numeric: true },
    { label: w.satisfactionRate, numeric: true },
    { label: w.satisfactionIndex, chart: true },
  ];
  const withheldRow = s.withheldDepartments
    ? `<tr class="withheld"><td>${s.withheldDepartments.count}</td><td colspan="${departmentColumns.length}">${esc(withheldText(w.withheld, report.anonymous?.minGroupSize ?? 0))}</td></tr>`
    : '';
  const departmentRows = `${s.departments
    .map((d) =>
      tableRow(departmentLabel(report, d.department, lang), departmentColumns, [
        `${d.answered} / ${d.invited}`,
        percent(d.returnRate),
        percent(d.satisfactionRate),
        bar(d.meanTotal, 100, `${scoreText(d.meanTotal)}${d.grade ? ` (${d.grade})` : ''}`),
      ]),
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
    '<main>',
    section(
      'headline',
      w.headline,
      [
        `<div class="cards">${cards}</div>`,
        s.answered === 0 ? `<p class="note">${esc(w.noResponses)}</p>` : '',
        cleaned ? `<p class="note" id="cleaned">${esc(cleaned)}</p>` : '',
        s.excluded > 0 ? `<p class="note">${s.excluded} ${esc(w.excluded)}</p>` : '',
      ].join(''),
    ),
    categorySection(q, lang, s.categories),
    choiceSection(q, lang, s.choices),
    gradeSection(w, s.grades, s.answered - s.cleaned),
    section('departments', w.departments, reflowTable(w.department, departmentColumns, departmentRows)),
    section('comments', w.comments, comments),
    '</main>',
    `<footer><p class="note">${esc(w.definitions.replace('{level}', satisfiedLabel))}</p><p class="note">${esc(w.waveId)}: ${esc(report.wave.id)}</p></footer>`,
  ].join('\n');

  return htmlPage(lang, title, body);
}
