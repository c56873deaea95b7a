import { createHash } from 'node:crypto';
import { emailHtml, FONT } from '../email/layout.ts';
import { type EmailMessage, oneLine } from '../email/message.ts';
import { escapeHtml as e } from '../html.ts';
import { actionsEmailHtml } from './actions-email.ts';
import { actionsText } from './actions-html.ts';
import {
  barRow,
  commentLine,
  commentRow,
  digestMessage,
  figureRow,
  headRow,
  linksRow,
  linksText,
  lowestComments,
  meanPercentText,
  noteHtml,
  sectionRow,
  titleRow,
} from './email.ts';
import { departmentLabel } from './people.ts';
import type { GroupFigures, PeriodReportDocument, ReminderEffect, TrendPoint } from './period-report.ts';
import { withheldLines } from './period-withholding.ts';
import {
  cleanedNote,
  dateFor,
  languageName,
  percent,
  rawHeadline,
  scoreText,
  type Words,
  words,
} from './text.ts';

export interface PeriodDigestInput {
  /** The whole campaign's report (department null) or one department's, in the recipients' language. */
  report: PeriodReportDocument;
  from: { name: string; address: string };
  replyTo?: string;
  /** The managers, or the one department's head. */
  to: string[];
  /** Link to report.html, valid until linksExpireAt (at most 7 days). */
  htmlUrl: string;
  /** Link to responses.csv. */
  csvUrl: string;
  linksExpireAt: Date;
  now: Date;
}

/** `{name}` placeholders filled in; the values are plain text. */
const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));

/** A target rate as short as it is exact: 95%, 92.5%. */
const targetPercent = (rate: number): string => `${Number((rate * 100).toFixed(1))}%`;

const indexText = (f: Pick<GroupFigures, 'meanTotal' | 'grade'>): string =>
  `${scoreText(f.meanTotal)}${f.grade ? ` (${f.grade})` : ''}`;

/** Green when a target is reached, red when not, grey without one. */
const colour = (met: boolean | null): string => (met === null ? '#616e7c' : met ? '#0e7c3a' : '#b42318');

/** How a figure moved since the previous period: an arrow and, as its text alternative, the same in words. */
interface Change {
  arrow: string;
  /** 1 up, -1 down, 0 unchanged. */
  sign: number;
  text: string;
}

/** One line of the key figures: the value, its target, and its change since the previous period. */
interface KeyFigure {
  label: string;
  value: string;
  target?: { text: string; met: boolean | null };
  change?: Change | undefined;
}

function change(
  w: Words,
  previous: TrendPoint | undefined,
  current: number | null,
  before: (p: TrendPoint) => number | null,
  show: (p: TrendPoint) => string,
  delta: (d: number) => string,
): Change | undefined {
  const was = previous ? before(previous) : null;
  if (!previous || was === null || current === null) return undefined;
  const d = delta(Math.abs(current - was));
  // Equal as shown: 72.331 against 72.334 is no change to whoever reads "72.33".
  const sign = Number(d.replace(/[^0-9.]/g, '')) === 0 ? 0 : Math.sign(current - was);
  const values = { period: previous.period, previous: show(previous), delta: d };
  if (sign === 0) return { arrow: '=', sign, text: fill(w.eUnchanged, values) };
  return {
    arrow: sign > 0 ? '▲' : '▼',
    sign,
    text: fill(w.eChange, { ...values, direction: sign > 0 ? w.eUp : w.eDown }),
  };
}

function target(w: Words, value: number | null, met: boolean | null, show: (n: number) => string) {
  if (value === null) return { text: w.eNoTarget, met: null };
  const verdict = met === null ? '–' : met ? w.targetMet : w.targetMissed;
  return { text: fill(w.eTarget, { target: show(value), verdict }), met };
}

/** "index 72.33 (C), satisfaction rate 57.1% — below target 95%": each missed target next to its figure. */
function subjectFigures(w: Words, report: PeriodReportDocument): string {
  const s = report.statistics;
  const t = report.targets;
  const missed = (figure: string, met: boolean | null, goal: string | null) =>
    met === false && goal !== null ? fill(w.eSubjectBelow, { figure, target: goal }) : figure;
  const parts = [
    missed(`${w.eSubjectIndex} ${indexText(s)}`, s.indexMet, t.index === null ? null : scoreText(t.index)),
    missed(
      `${w.eSubjectRate} ${percent(s.satisfactionRate)}`,
      s.satisfactionRateMet,
      targetPercent(t.satisfactionRate),
    ),
    ...(s.returnRateMet === false && s.returnRateTarget !== null
      ? [missed(`${w.eSubjectReturn} ${percent(s.returnRate)}`, false, targetPercent(s.returnRateTarget))]
      : []),
  ];
  const verdicts = [s.indexMet, s.satisfactionRateMet, s.returnRateMet];
  const figures = parts.join(w.eJoin);
  return verdicts.includes(false) || !verdicts.includes(true) ? figures : fill(w.eSubjectMet, { figures });
}

/** "1 after the invitation alone, 1 after reminder 1 — 1 of 2 answered after a reminder". */
function reminderLine(w: Words, reminders: ReminderEffect[]): string {
  const total = reminders.reduce((n, r) => n + r.answered, 0);
  if (total === 0) return w.eNoAnswers;
  const reminded = total - (reminders.find((r) => r.after === 0)?.answered ?? 0);
  const parts = reminders
    .filter((r) => r.answered > 0)
    .map((r) =>
      r.after === 0
        ? fill(w.eAfterInvitation, { n: r.answered })
        : fill(w.eAfterReminder, { n: r.answered, k: r.after }),
    );
  return `${parts.join(w.eJoin)}${fill(w.eRemindedShare, { n: reminded, total })}`;
}

/** A figure with a coloured mark for its target (✓ reached, ✗ not), the mark's meaning in its title. */
function marked(w: Words, text: string, met: boolean | null): string {
  if (met === null) return e(text);
  const word = met ? w.targetMet : w.targetMissed;
  return `${e(text)} <span role="img" aria-label="${e(word)}" title="${e(word)}" style="color:${colour(met)};">${met ? '✓' : '✗'}</span>`;
}

/**
 * The period digest: for the managers (the whole campaign) or one department's head (that department's
 * report, and nothing of any other). In the report's language: the headline and whether the targets
 * were met in the subject; the key figures against their targets and the previous period; per
 * department (whole campaign only) a table with bars made of table cells; the items most rated below
 * "satisfied"; the comments of the lowest scores; the reminders' effect; expiring links to the report and
 * the CSV. Every text from data is escaped, every header value one line.
 */
export function periodDigestEmail(input: PeriodDigestInput): EmailMessage {
  const { report } = input;
  const { language: lang, statistics: s, questionnaire: q } = report;
  const { timeZone: tz } = report.campaign;
  const { key } = report.period;
  const w = words(lang);
  const campaign = oneLine(report.campaign.name[lang]);
  // Departments by their display names (campaign.departments), in the reader's language.
  const named = <T extends { department: string }>(d: T): T => ({
    ...d,
    department: departmentLabel(report, d.department, lang),
  });
  const department =
    report.department === null ? null : oneLine(departmentLabel(report, report.department, lang));
  const actions = report.actions && { ...report.actions, departments: report.actions.departments.map(named) };
  const scope = department === null ? campaign : fill(w.eDepartmentDigest, { campaign, department });
  const subject = oneLine(`${scope} ${key}${lang === 'zh-CN' ? '：' : ': '}${subjectFigures(w, report)}`);

  const previous = s.trend.length > 1 ? s.trend[s.trend.length - 2] : undefined;
  const points = (d: number) => fill(w.ePoints, { n: (d * 100).toFixed(1) });
  /** A rate (0–1) against its target and the previous period. */
  const rateFigure = (
    label: string,
    rate: (f: Pick<TrendPoint, 'satisfactionRate' | 'returnRate'>) => number | null,
    goal: number | null,
    met: boolean | null,
  ): KeyFigure => ({
    label,
    value: percent(rate(s)),
    target: target(w, goal, met, targetPercent),
    change: change(w, previous, rate(s), rate, (p) => percent(rate(p)), points),
  });
  const rawLine = q ? rawHeadline({ language: lang, questionnaire: q }, s) : undefined;
  const figures: KeyFigure[] = [
    {
      label: w.satisfactionIndex,
      value: indexText(s),
      target: target(w, report.targets.index, s.indexMet, scoreText),
      change: change(w, previous, s.meanTotal, (p) => p.meanTotal, indexText, scoreText),
    },
    ...(rawLine ? [{ label: rawLine[0], value: rawLine[1] }] : []),
    rateFigure(
      w.satisfactionRate,
      (f) => f.satisfactionRate,
      report.targets.satisfactionRate,
      s.satisfactionRateMet,
    ),
    rateFigure(w.returnRate, (f) => f.returnRate, s.returnRateTarget, s.returnRateMet),
    {
      label: w.eAnsweredInvited,
      value: `${s.answered} / ${s.invited}`,
      // A period that invited nobody (here, or in this department) is nothing to compare with.
      change: change(
        w,
        previous?.invited ? previous : undefined,
        s.answered,
        (p) => p.answered,
        (p) => `${p.answered} / ${p.invited}`,
        String,
      ),
    },
  ];
  const figureText = (f: KeyFigure) =>
    [
      `${f.label}: ${f.value}`,
      ...(f.target ? [f.target.text] : []),
      ...(f.change ? [`${f.change.arrow} ${f.change.text}`] : []),
    ].join(' · ');

  // A department's digest quotes its own department's comments only, whatever the report holds.
  const comments = lowestComments(
    department === null ? s.comments : s.comments.filter((c) => c.department === report.department),
  );
  const questionLabel = (id: string) => q?.openQuestions.find((o) => o.id === id)?.label[lang] ?? id;
  const about = (c: (typeof comments)[number]) => [
    questionLabel(c.questionId),
    ...(department === null ? [departmentLabel(report, c.department, lang)] : []),
    `${w.score} ${scoreText(c.total)} (${c.grade})`,
    languageName(c.language, lang),
  ];
  const departments = department === null ? s.departments.map(named) : [];
  const lowest = departments
    .filter((d) => d.meanTotal !== null)
    .reduce<(typeof departments)[number] | undefined>(
      (low, d) => (low === undefined || (d.meanTotal ?? 0) < (low.meanTotal ?? 0) ? d : low),
      undefined,
    );
  const satisfiedLevel = q?.levels.find((l) => l.id === q.satisfiedFrom)?.label[lang] ?? '';
  const problemText = (p: (typeof s.problems)[number]) =>
    fill(w.eBelowLevel, { dissatisfied: p.dissatisfied, answers: p.answers, level: satisfiedLevel });
  const shortfalls: Array<[string, string]> = [
    ...(departments.length > 1 && lowest
      ? [
          [
            w.eLowestDepartment,
            `${oneLine(lowest.department)} — ${indexText(lowest)} · ${w.satisfactionRate} ${percent(lowest.satisfactionRate)}`,
          ] as [string, string],
        ]
      : []),
    ...s.problems
      .slice(0, 1)
      .map((p): [string, string] => [w.eTopProblem, `${p.label[lang]} — ${problemText(p)}`]),
  ];
  const notes = [
    ...(report.period.final ? [] : [w.ePreliminary]),
    ...(s.answered === 0 ? [w.eNoResponses] : []),
    ...[cleanedNote(w, s.cleaned, s.cleaningFlags)].filter((n) => n !== undefined),
    // An anonymous campaign's small groups (period-withholding.ts).
    ...withheldLines(report, w.withheld, {
      departments: w.departments,
      segments: w.pSegments,
      comments: w.comments,
    }),
  ];
  const reminders = `${w.eReminders}: ${s.reminders === null ? w.pRemindersAnonymous : reminderLine(w, s.reminders)}`;
  const day = (date: string) => dateFor(`${date}T00:00:00Z`, 'UTC', lang);
  const subtitle = `${w.ePeriod} ${key} (${day(report.period.first)} – ${day(report.period.last)})`;
  const title = `${scope} — ${w.report}`;
  const departmentText = (d: (typeof departments)[number]) =>
    `- ${oneLine(d.department)}: ${indexText(d)} · ${w.returnRate} ${percent(d.returnRate)}${d.returnRateTarget === null ? '' : ` (${target(w, d.returnRateTarget, d.returnRateMet, targetPercent).text})`} · ${w.satisfactionRate} ${percent(d.satisfactionRate)} (${target(w, report.targets.satisfactionRate, d.satisfactionRateMet, targetPercent).text})`;

  const text = [
    title,
    subtitle,
    '',
    ...figures.map(figureText),
    ...(notes.length > 0 ? ['', ...notes] : []),
    ...(shortfalls.length > 0 ? ['', ...shortfalls.map(([k, v]) => `${k}: ${v}`)] : []),
    ...(departments.length > 0 ? ['', `${w.departments}:`, ...departments.map(departmentText)] : []),
    ...(s.problems.length > 0
      ? [
          '',
          `${w.eProblems}:`,
          ...s.problems.map(
            (p) =>
              `- ${p.label[lang]}: ${meanPercentText(p.meanPercent)} · ${w.satisfactionRate} ${percent(p.satisfactionRate)} · ${problemText(p)}`,
          ),
        ]
      : []),
    ...actionsText(lang, actions),
    ...(comments.length > 0
      ? ['', `${w.lowestComments}:`, ...comments.map((c) => commentLine(c, about(c)))]
      : []),
    '',
    reminders,
    '',
    ...linksText(w, input, tz, lang),
    '',
  ].join('\n');

  // The target and the change go under the value, in its cell: two columns read on a phone too.
  const figureHtml = (f: KeyFigure) =>
    figureRow(
      f.label,
      f.value,
      `${f.target ? `<br><span style="font-size:12px;line-height:18px;color:${colour(f.target.met)};">${e(f.target.text)}</span>` : ''}<br><span style="font-size:12px;line-height:18px;color:#3e4c59;">${
        f.change
          ? `<span aria-hidden="true" style="color:${f.change.sign > 0 ? '#0e7c3a' : f.change.sign < 0 ? '#b42318' : '#616e7c'};">${f.change.arrow}</span> ${e(f.change.text)}`
          : e(w.eNoPrevious)
      }</span>`,
    );
  const departmentRows = departments
    .map((d) =>
      barRow(d.department, d.meanTotal === null ? null : d.meanTotal / 100, [
        marked(w, indexText(d), d.indexMet),
        marked(
          w,
          `${percent(d.returnRate)}${d.returnRateTarget === null ? '' : ` / ${targetPercent(d.returnRateTarget)}`}`,
          d.returnRateMet,
        ),
        marked(w, percent(d.satisfactionRate), d.satisfactionRateMet),
      ]),
    )
    .join('');
  const problemRows = s.problems
    .map((p) =>
      barRow(p.label[lang], p.meanPercent === null ? null : p.meanPercent / 100, [
        e(meanPercentText(p.meanPercent)),
        e(percent(p.satisfactionRate)),
        e(`${p.dissatisfied} / ${p.answers}`),
      ]),
    )
    .join('');

  const html = emailHtml({
    language: lang,
    title: subject,
    preheader: subject,
    width: 640,
    rows: `${titleRow(title, subtitle)}
<tr><td style="padding:8px 16px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${figures.map(figureHtml).join('')}</table>
${notes.map(noteHtml).join('\n')}
${shortfalls.map(([k, v]) => `<p style="margin:8px 0 0 0;font-family:${FONT};font-size:14px;color:#1f2933;">${e(k)}: <strong>${e(v)}</strong></p>`).join('\n')}
</td></tr>
${
  departments.length > 0
    ? sectionRow(
        w.departments,
        `${headRow(w.department, [w.satisfactionIndex, `${w.returnRate} / ${w.target}`, `${w.satisfactionRate} (${w.target} ${targetPercent(report.targets.satisfactionRate)})`])}
${departmentRows}`,
        true,
      )
    : ''
}
${
  s.problems.length > 0
    ? sectionRow(
        w.eProblems,
        `${headRow(w.category, [w.meanPercent, w.satisfactionRate, fill(w.eBelowHeader, { level: satisfiedLevel })])}
${problemRows}`,
        true,
      )
    : ''
}
${actionsEmailHtml(lang, actions)}
${comments.length > 0 ? sectionRow(w.lowestComments, comments.map((c) => commentRow(c, about(c), c.language)).join('')) : ''}
<tr><td style="padding:8px 16px;">${noteHtml(reminders)}</td></tr>
${linksRow(w, input, tz, lang)}`,
  });

  const scopeId =
    report.department === null
      ? ''
      : `.${createHash('sha256').update(report.department).digest('hex').slice(0, 16)}`;
  return digestMessage(input, input.to, `period.${report.campaign.id}.${key}${scopeId}`, {
    subject,
    text,
    html,
  });
}
