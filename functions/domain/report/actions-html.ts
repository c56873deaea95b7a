import { oneLine } from '../email/message.ts';
import { escapeHtml as esc } from '../html.ts';
import type { Language } from '../language.ts';
import type { ActionCounts, ActionsSummary } from './actions-summary.ts';
import { type Column, reflowTable, section, tableRow } from './layout.ts';

/*
 * The corrective actions of a period (actions-summary.ts) as report.html's section and the digest's text
 * lines (the digest's HTML is actions-email.ts). Department names are data: escaped in markup, one line in text.
 */

export const COLUMNS = [
  'opened',
  'resolvedOnTime',
  'resolvedLate',
  'overdue',
  'verified',
  'reopened',
  'closedUnverified',
  'stillOpen',
  'medianDaysToResolve',
] as const satisfies ReadonlyArray<keyof ActionCounts>;

const WORDS = {
  'zh-CN': {
    heading: '纠正措施',
    caption: '本期开启的纠正措施：按部门统计',
    department: '部门',
    total: '合计',
    none: '本期没有开启纠正措施。',
    withheldScope: '匿名调查：本部门回复过少，不显示纠正措施统计。',
    withheldDepartments: '匿名调查：{n} 个部门的纠正措施未按部门显示（只计入合计）。',
    opened: '开启',
    resolvedOnTime: '按期解决',
    resolvedLate: '逾期解决',
    overdue: '已逾期',
    verified: '已验证',
    reopened: '曾重开',
    closedUnverified: '未验证关闭',
    stillOpen: '未解决',
    medianDaysToResolve: '解决天数（中位数）',
  },
  en: {
    heading: 'Corrective actions',
    caption: 'Corrective actions opened in the period, by department',
    department: 'Department',
    total: 'Total',
    none: 'No corrective action was opened in the period.',
    withheldScope:
      'Anonymous campaign: this department has too few responses for its action figures to be shown.',
    withheldDepartments:
      'Anonymous campaign: the actions of {n} departments are not shown by department (only in the total).',
    opened: 'Opened',
    resolvedOnTime: 'Resolved on time',
    resolvedLate: 'Resolved late',
    overdue: 'Overdue',
    verified: 'Verified',
    reopened: 'Reopened',
    closedUnverified: 'Closed unverified',
    stillOpen: 'Still open',
    medianDaysToResolve: 'Median days to resolve',
  },
} as const satisfies Record<Language, Record<string, string>>;

export const actionWords = (lang: Language) => WORDS[lang];

export const cell = (c: ActionCounts, key: (typeof COLUMNS)[number]): string => {
  const v = c[key];
  return v === null ? '–' : key === 'medianDaysToResolve' ? v.toFixed(1) : String(v);
};

/** What a report shows of its actions: a summary, or null when an anonymous department's is withheld. */
export type ShownActions = ActionsSummary | null | undefined;

export const notes = (w: ReturnType<typeof actionWords>, actions: ActionsSummary) => [
  ...(actions.total.opened === 0 ? [w.none] : []),
  ...(actions.withheldDepartments > 0
    ? [w.withheldDepartments.replace('{n}', String(actions.withheldDepartments))]
    : []),
];

/**
 * report.html's section: a table with a caption, column and row headers (scope), the total last; it reflows
 * into a block per department on a narrow screen (layout.ts).
 */
export function actionsSectionHtml(lang: Language, actions: ShownActions): string {
  if (actions === undefined) return '';
  const w = actionWords(lang);
  if (actions === null) {
    return section('actions', w.heading, `<p class="note">${esc(w.withheldScope)}</p>`, ' id="actions"');
  }
  const columns: Column[] = COLUMNS.map((k) => ({ label: w[k], numeric: true }));
  const row = (name: string, c: ActionCounts) =>
    tableRow(
      name,
      columns,
      COLUMNS.map((k) => cell(c, k)),
    );
  const body = actions.departments.map((d) => row(d.department, d)).join('');
  return section(
    'actions',
    w.heading,
    `${notes(w, actions)
      .map((n) => `<p class="note">${esc(n)}</p>`)
      .join('')}${reflowTable(w.department, columns, body, {
      caption: w.caption,
      foot: row(w.total, actions.total),
      wide: true,
    })}`,
    ' id="actions"',
  );
}

const line = (w: ReturnType<typeof actionWords>, name: string, c: ActionCounts) =>
  `- ${oneLine(name)}: ${COLUMNS.map((k) => `${w[k]} ${cell(c, k)}`).join(' · ')}`;

/** The digest's text lines (empty when the report has no actions figures). */
export function actionsText(lang: Language, actions: ShownActions): string[] {
  if (actions === undefined) return [];
  const w = actionWords(lang);
  if (actions === null) return ['', `${w.heading}:`, w.withheldScope];
  return [
    '',
    `${w.heading}:`,
    ...notes(w, actions),
    ...actions.departments.map((d) => line(w, d.department, d)),
    line(w, w.total, actions.total),
  ];
}
