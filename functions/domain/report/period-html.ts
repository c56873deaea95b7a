import { escapeHtml as esc } from '../html.ts';
import type { Segment } from '../segments.ts';
import { actionsSectionHtml } from './actions-html.ts';
import { bar } from './charts.ts';
import { categorySection, choiceSection, commentBlock, gradeSection, metText } from './html.ts';
import { type Column, htmlPage, layoutWords, reflowTable, section, tableRow } from './layout.ts';
import { departmentLabel } from './people.ts';
import { PAIR_STYLE, pairChart } from './period-charts.ts';
import type { GroupFigures, PeriodReportDocument } from './period-report.ts';
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
 * print-friendly page that reads on a phone and a laptop, bars with their figures beside them
 * (period-charts.ts), no scripts, fonts, images or links, the same CSP. Every text that comes from data
 * (names, labels, comments) is escaped; targets say "reached" or "not reached" in words, never by colour
 * alone.
 */

/** Met and missed cards get a coloured edge too (the words say it). */
const PERIOD_STYLE = `
.card.met{border-left:4px solid #3f4fa8}.card.missed{border-left:4px solid #b8690f}
${PAIR_STYLE}`;

const SEGMENT_WORD = {
  active: 'pSegmentActive',
  new: 'pSegmentNew',
  key: 'pSegmentKey',
} as const satisfies Record<Segment, keyof Words>;

const indexText = (f: Pick<GroupFigures, 'meanTotal' | 'grade'>): string =>
  `${scoreText(f.meanTotal)}${f.grade ? ` (${f.grade})` : ''}`;

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

/** The columns a department's or a segment's row shares: answered, return rate against its target, index, rate. */
function groupColumns(w: Words): Column[] {
  return [
    { label: `${w.answered} / ${w.invited}`, numeric: true },
    { label: w.returnRate, numeric: true },
    { label: w.pReturnRateTarget, numeric: true },
    { label: w.pMet, numeric: true },
    { label: w.satisfactionIndex, numeric: true },
    { label: w.satisfactionRate, numeric: true },
  ];
}

function groupCells(w: Words, f: GroupFigures): string[] {
  return [
    `${f.answered} / ${f.invited}`,
    percent(f.returnRate),
    f.returnRateTarget === null ? esc(w.pNoTarget) : percent(f.returnRateTarget),
    esc(metText(w, f.returnRateMet)),
    indexText(f),
    percent(f.satisfactionRate),
  ];
}

/** A table of departments or segments, the first column naming them. */
function groupTable(w: Words, first: string, rows: Array<{ name: string; figures: GroupFigures }>): string {
  const columns = groupColumns(w);
  return reflowTable(
    first,
    columns,
    rows.map((r) => tableRow(r.name, columns, groupCells(w, r.figures))).join(''),
    { wide: true },
  );
}

/** The pair chart's row of a period or a department. */
const pairRow = (name: string, f: Pick<GroupFigures, 'meanTotal' | 'grade' | 'satisfactionRate'>) => ({
  name,
  meanTotal: f.meanTotal,
  indexText: indexText(f),
  satisfactionRate: f.satisfactionRate,
});

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
  const headline = section(
    'headline',
    w.headline,
    [
      `<div class="cards">${cards}</div>`,
      s.answered === 0 ? `<p class="note">${esc(w.pNoResponses)}</p>` : '',
      cleaned ? `<p class="note" id="cleaned">${esc(cleaned)}</p>` : '',
      s.excluded > 0 ? `<p class="note" id="excluded">${s.excluded} ${esc(w.pExcluded)}</p>` : '',
    ].join(''),
  );

  const trendColumns: Column[] = [
    { label: `${w.answered} / ${w.invited}`, numeric: true },
    { label: w.returnRate, numeric: true },
    { label: w.satisfactionIndex, numeric: true },
    { label: w.satisfactionRate, numeric: true },
  ];
  const trendRows = s.trend
    .map((point) =>
      tableRow(point.period, trendColumns, [
        `${point.answered} / ${point.invited}`,
        percent(point.returnRate),
        indexText(point),
        percent(point.satisfactionRate),
      ]),
    )
    .join('');
  const trendChart = pairChart(
    w,
    w.pTrendChart,
    s.trend.map((point) => pairRow(point.period, point)),
    t.index,
    t.satisfactionRate,
  );
  const trend = section('trend', w.pTrend, `${trendChart}${reflowTable(w.pPeriod, trendColumns, trendRows)}`);

  const departments =
    s.departments.length === 0
      ? ''
      : section(
          'departments',
          w.departments,
          `${pairChart(
            w,
            w.pDepartmentChart,
            s.departments.map(named).map((d) => pairRow(d.department, d)),
            t.index,
            t.satisfactionRate,
          )}${groupTable(
            w,
            w.department,
            s.departments.map(named).map((d) => ({ name: d.department, figures: d })),
          )}`,
        );

  const segments = section(
    'segments',
    w.pSegments,
    s.segments.length === 0
      ? `<p class="note">${esc(w.pNoSegments)}</p>`
      : groupTable(
          w,
          w.pSegment,
          s.segments.map((g) => ({ name: w[SEGMENT_WORD[g.segment]], figures: g })),
        ),
  );

  const problemColumns: Column[] = [
    { label: w.pRank, numeric: true },
    { label: w.pDissatisfiedAnswers, numeric: true },
    { label: w.meanScaled, numeric: true },
    { label: w.satisfactionRate, numeric: true },
  ];
  const problems = section(
    'problems',
    w.pProblems,
    s.problems.length === 0
      ? `<p class="note">${esc(w.pNoProblems)}</p>`
      : reflowTable(
          w.category,
          problemColumns,
          s.problems
            .map((x, i) =>
              tableRow(x.label[lang], problemColumns, [
                String(i + 1),
                `${x.dissatisfied} / ${x.answers}`,
                x.meanPercent === null ? '–' : x.meanPercent.toFixed(1),
                percent(x.satisfactionRate),
              ]),
            )
            .join(''),
        ),
  );

  const lw = layoutWords(lang);
  const reminderColumns: Column[] = [{ label: `${w.count} (%)`, chart: true }];
  const reminded = (s.reminders ?? []).reduce((sum, r) => sum + r.answered, 0);
  const reminders =
    s.reminders === null
      ? section('reminders', w.pReminders, `<p class="note">${esc(w.pRemindersAnonymous)}</p>`)
      : s.reminders.length === 0
        ? ''
        : section(
            'reminders',
            w.pReminders,
            reflowTable(
              lw.when,
              reminderColumns,
              s.reminders
                .map((r) => {
                  const label =
                    r.after === 0 ? w.pAfterInvitation : w.pAfterReminder.replace('{n}', String(r.after));
                  const share = percent(reminded === 0 ? null : r.answered / reminded);
                  return tableRow(label, reminderColumns, [
                    bar(r.answered, Math.max(1, reminded), `${r.answered} (${share})`),
                  ]);
                })
                .join(''),
              { bars: true },
            ),
          );

  const questionLabel = (id: string) => q?.openQuestions.find((o) => o.id === id)?.label[lang] ?? id;
  const commentsNote = w.pCommentsShown
    .replace('{count}', String(s.commentCount))
    .replace('{zh}', String(s.commentLanguages['zh-CN']))
    .replace('{en}', String(s.commentLanguages.en))
    .replace('{shown}', String(s.comments.length));
  const comments = section(
    'comments',
    w.comments,
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
          .join('')}`,
  );

  const satisfiedLabel = q?.levels.find((l) => l.id === q.satisfiedFrom)?.label[lang] ?? '';
  const body = [
    `<header><h1>${esc(report.campaign.name[lang])}</h1>`,
    `<p class="meta">${esc(w.pReport)} · ${esc(w.pPeriod)} ${esc(p.key)} (${esc(day(p.first))} – ${esc(day(p.last))}) · <b>${esc(p.final ? w.pFinal : w.pProgress)}</b></p>`,
    `<p class="meta">${esc(scope)} · ${esc(w.pWaves)}: ${report.waves.length}${q ? ` · ${esc(w.questionnaire)}: ${esc(q.title[lang])} (${esc(w.version)} ${q.version})` : ''}</p>`,
    `<p class="meta">${esc(w.generated)} ${esc(dateTimeFor(report.generatedAt, tz, lang))} (${esc(timeZoneName(tz, lang))})</p></header>`,
    '<main>',
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
    q ? categorySection(q, lang, s.categories, t.itemMean) : `<p class="note">${esc(w.pNoQuestionnaire)}</p>`,
    q ? choiceSection(q, lang, s.choices) : '',
    gradeSection(w, s.grades, s.answered - s.cleaned),
    reminders,
    comments,
    '</main>',
    q ? `<footer><p class="note">${esc(w.definitions.replace('{level}', satisfiedLabel))}</p></footer>` : '',
  ].join('\n');

  return htmlPage(lang, title, body, PERIOD_STYLE);
}
