/*
 * Small-group suppression in period reports of anonymous campaigns (withholding.ts says why): a department
 * or segment of fewer than `minGroupSize` responses in the period is withheld from the whole campaign's
 * report, its comments name no department, and a department's own report of fewer responses keeps only
 * its invited and answered counts. The totals still count every response.
 */
import { isWithheld, minGroupSizeOf, withheldNote } from '../anonymity.ts';
import type { Wave } from '../model.ts';
import type { Campaign } from '../programme.ts';
import type { Segment } from '../segments.ts';
import type { PeriodReportDocument, PeriodStatistics } from './period-report.ts';
import { withheldGroups } from './withholding.ts';

/** What a period report withheld; absent when nothing was (or the campaign is not anonymous). */
export interface PeriodWithheld {
  /** `withheld: fewer than 5 responses`. */
  note: string;
  minGroupSize: number;
  /** How many departments were withheld: they are not named, and their comments are left out. */
  departments: number;
  segments: Segment[];
  /** No comment is shown: the report's scope has fewer responses than minGroupSize. */
  comments: boolean;
  /** A department's own report of fewer responses: only its invited and answered counts are shown. */
  scope: boolean;
  /** The trend periods of fewer responses: their counts are shown, their figures are not. */
  trend: string[];
}

export type ShownPeriodReport = PeriodReportDocument & { withheld?: PeriodWithheld };

/**
 * The departments a campaign-wide period report withholds (withholding.ts withheldGroups: the small ones,
 * and the next smallest when that is only one): responses.csv leaves their rows out.
 */
export const withheldDepartmentsOf = (
  doc: PeriodReportDocument,
  minGroupSize: number | undefined,
): Set<string> =>
  withheldGroups(new Map(doc.statistics.departments.map((d) => [d.department, d.answered])), minGroupSize);

/**
 * The minGroupSize a period report withholds by: the largest of every anonymous campaign snapshot among
 * `waves` (the period's and its trend's) and `latest` (the settings the report goes by), undefined when
 * none is anonymous. A campaign switched off `anonymous` keeps its anonymous waves' answers withheld.
 */
export function periodMinGroupSize(
  waves: ReadonlyArray<Pick<Wave, 'campaign'>>,
  latest: Pick<Campaign, 'anonymous' | 'minGroupSize'>,
): number | undefined {
  const sizes = [latest, ...waves.map((w) => w.campaign)]
    .map(minGroupSizeOf)
    .filter((n): n is number => n !== undefined);
  return sizes.length === 0 ? undefined : Math.max(...sizes);
}

/** A scope's figures with nothing left of what its responses said: counts only. */
function countsOnly(s: PeriodStatistics): PeriodStatistics {
  return {
    ...s,
    cleaned: 0,
    meanTotal: null,
    grade: null,
    indexMet: null,
    meanRaw: null,
    targetMet: null,
    satisfactionRate: null,
    satisfactionRateMet: null,
    excluded: 0,
    cleaningFlags: s.cleaningFlags.map((f) => ({ ...f, count: 0 })),
    ratedAnswers: 0,
    satisfiedAnswers: 0,
    grades: s.grades.map((g) => ({ ...g, count: 0 })),
    categories: [],
    choices: [],
    departments: [],
    segments: [],
    problems: [],
    reminders: null,
    trend: [],
    commentCount: 0,
    commentLanguages: { 'zh-CN': 0, en: 0 },
    comments: [],
  };
}

/**
 * The period report as an anonymous campaign shows it (`minGroupSize` from anonymity.ts minGroupSizeOf);
 * unchanged when it is undefined or nothing is small enough to withhold.
 */
export function withholdPeriod(
  doc: PeriodReportDocument,
  minGroupSize: number | undefined,
  /** A department's own report whose department the campaign's report withholds (withheldDepartmentsOf). */
  departmentWithheld = false,
): ShownPeriodReport {
  if (minGroupSize === undefined) return doc;
  // An anonymous answer records no reminder (it would pair it with the invitation's reminder claims).
  const unremindable: PeriodReportDocument = {
    ...doc,
    definitions: {
      ...doc.definitions,
      'reminders[]':
        'null: not available. An anonymous campaign’s answers do not record how many reminders preceded them, so the reminder effect is not known.',
    },
    statistics: { ...doc.statistics, reminders: null },
  };
  const s = doc.statistics;
  const small = (answered: number) => isWithheld(answered, minGroupSize);
  const note = withheldNote(minGroupSize);
  const hidden = withheldDepartmentsOf(doc, minGroupSize);
  const segments = s.segments.filter((g) => small(g.answered)).map((g) => g.segment);
  const scopeSmall = small(s.answered) || (departmentWithheld && doc.department !== null);
  const scope = scopeSmall && doc.department !== null;
  // A period without responses has no figure to withhold.
  const trend = s.trend.filter((t) => t.answered > 0 && small(t.answered)).map((t) => t.period);
  if (hidden.size === 0 && segments.length === 0 && !scopeSmall && trend.length === 0) return unremindable;
  // A trend point of fewer responses keeps its counts only, in every scope.
  const shownTrend = s.trend.map((t) =>
    small(t.answered) ? { ...t, meanTotal: null, grade: null, satisfactionRate: null } : t,
  );
  const statistics: PeriodStatistics = scope
    ? { ...countsOnly(s), trend: shownTrend }
    : {
        ...s,
        departments: s.departments.filter((d) => !hidden.has(d.department)),
        segments: s.segments.filter((g) => !segments.includes(g.segment)),
        trend: shownTrend,
        // The whole report of fewer responses: nothing its responses said about items or reminders.
        reminders: null,
        ...(scopeSmall ? { categories: [], choices: [], problems: [] } : {}),
        comments: scopeSmall ? [] : s.comments.filter((c) => !hidden.has(c.department)),
      };
  return {
    ...unremindable,
    definitions: {
      ...unremindable.definitions,
      withheld:
        'Anonymous campaign: departments with fewer than withheld.minGroupSize responses (and, when that is only one, the next smallest too, so the totals cannot give it away) are not shown nor named: withheld.departments says how many, and their comments and responses.csv rows are left out; segments with fewer responses are listed in withheld.segments (not in statistics); no comment is shown when the report has fewer responses than that, and a department’s own report of fewer responses shows only its invited and answered counts; a report of fewer responses shows no item, choice, problem or reminder figure, and a trend period of fewer responses (listed in withheld.trend) only its counts. Totals count every response.',
    },
    statistics,
    withheld: { note, minGroupSize, departments: hidden.size, segments, comments: scopeSmall, scope, trend },
  };
}

/**
 * What a period report or digest says about what it withheld, one line each, in the words of its language:
 * `withheld` is words(lang).withheld, `labels` the headings of departments, segments and comments.
 */
export function withheldLines(
  doc: ShownPeriodReport,
  withheld: string,
  labels: { departments: string; segments: string; comments: string },
): string[] {
  const w = doc.withheld;
  if (!w) return [];
  const note = withheld.replace('{n}', String(w.minGroupSize));
  if (w.scope) return [note];
  return [
    ...(w.departments > 0 ? [`${labels.departments}: ${w.departments} — ${note}`] : []),
    ...(w.segments.length > 0 ? [`${labels.segments}: ${w.segments.join(', ')} — ${note}`] : []),
    ...(w.comments ? [`${labels.comments}: ${note}`] : []),
  ];
}
