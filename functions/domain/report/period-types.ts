/* The shapes of a period report and of what it is built from (period-report.ts builds them). */
import type { CleaningFlag } from '../cleaning-flags.ts';
import type { Language, LocalizedText } from '../language.ts';
import type { Wave } from '../model.ts';
import type { Campaign } from '../programme.ts';
import type { GradeName } from '../questionnaire.ts';
import type { Segment } from '../segments.ts';
import type { ActionsSummary } from './actions-summary.ts';
import type { ReportDocument } from './document.ts';
import type { Period } from './period.ts';
import type { CategoryStatistics, ChoiceStatistics, ReportComment } from './statistics.ts';
import type { Tally } from './tally.ts';

/**
 * One tally of a rollup: the responses to the waves of one cohort (the local month they were dispatched
 * in: every period kind is whole months, so a cohort is in exactly one period of each kind), one
 * department, and all of them or one segment. Cohorts, not waves: a campaign that dispatches every day
 * would otherwise multiply each day's rollup by the waves still open.
 */
export interface RollupEntry {
  /** YYYY-MM, in the report schedule's time zone. */
  cohort: string;
  department: string;
  /** null: every response of the cohort and department; else only those of customers in the segment. */
  segment: Segment | null;
  tally: Tally;
}

export type { InvitedBy } from '../model.ts';

/** How many of the period's answers came after how many reminders. */
export interface ReminderEffect {
  /** 0: answered after the invitation alone; 1: after reminder 1; … */
  after: number;
  answered: number;
}

export interface Targets {
  /** Return rate (0–1) for the scope: the department's own, else the campaign's; null without one. */
  returnRate: number | null;
  /** Satisfaction rate (0–1); 0.95 unless the campaign sets another. */
  satisfactionRate: number;
  /** Satisfaction index (0–100); null without one. */
  index: number | null;
  /** A Likert scale's target mean per item (the scale's units); null otherwise. */
  itemMean: number | null;
}

/** The headline figures of a group (the scope, a department, a segment), each against its target. */
export interface GroupFigures {
  invited: number;
  answered: number;
  cleaned: number;
  returnRate: number | null;
  returnRateTarget: number | null;
  /** null without a target or a rate. */
  returnRateMet: boolean | null;
  /** The satisfaction index: mean total (0–100) of the scored responses. */
  meanTotal: number | null;
  grade: GradeName | null;
  indexMet: boolean | null;
  meanRaw: number | null;
  /** Likert: meanRaw against the scale's target mean. */
  targetMet: boolean | null;
  satisfactionRate: number | null;
  satisfactionRateMet: boolean | null;
}

export interface ItemStatistics extends CategoryStatistics {
  label: LocalizedText;
  /** Rated answers below the satisfied level. */
  dissatisfied: number;
  /** Likert: meanPoints against the target mean; null otherwise or without answers. */
  targetMet: boolean | null;
}

/** One row of the problem ranking: the items most answered below "satisfied", then the lowest means. */
export interface Problem {
  id: string;
  label: LocalizedText;
  dissatisfied: number;
  answers: number;
  meanPercent: number | null;
  satisfactionRate: number | null;
}

export interface TrendPoint {
  period: string;
  invited: number;
  answered: number;
  returnRate: number | null;
  meanTotal: number | null;
  grade: GradeName | null;
  satisfactionRate: number | null;
}

export interface PeriodStatistics extends GroupFigures {
  excluded: number;
  cleaningFlags: Array<{ flag: CleaningFlag; count: number }>;
  ratedAnswers: number;
  satisfiedAnswers: number;
  grades: Array<{ grade: GradeName; count: number }>;
  /** The latest questionnaire's items in its order, then items only older versions of the period had. */
  categories: ItemStatistics[];
  choices: ChoiceStatistics[];
  /** Sorted by name; only in the whole campaign's report. */
  departments: Array<GroupFigures & { department: string }>;
  /** active, new, key (audience.ts), for responses whose invitation recorded the customer's segments. */
  segments: Array<GroupFigures & { segment: Segment }>;
  /** At most PROBLEMS items with at least one answer below "satisfied", worst first. */
  problems: Problem[];
  /** null: not available (an anonymous campaign's answers record no reminder: period-withholding.ts). */
  reminders: ReminderEffect[] | null;
  /** The previous periods, oldest first, then this one. */
  trend: TrendPoint[];
  /** Open answers of scored responses: how many, in which language, and the worst KEPT_COMMENTS. */
  commentCount: number;
  commentLanguages: Record<Language, number>;
  comments: ReportComment[];
}

export interface PeriodReportDocument {
  schemaVersion: 2;
  kind: 'period';
  generatedAt: string;
  language: Language;
  definitions: Record<string, string>;
  /** `departments`: display names of the departments the report shows (report/people.ts), by id. */
  campaign: {
    id: string;
    name: LocalizedText;
    timeZone: string;
    departments?: Record<string, LocalizedText>;
  };
  period: Period & {
    /** Every wave of the period has passed its deadline: these figures are final. */
    final: boolean;
  };
  /** The department the report is restricted to; null for the whole campaign. */
  department: string | null;
  waves: Array<{
    id: string;
    createdAt: string;
    deadline: string;
    invited: number;
    questionnaireVersion: number;
  }>;
  /** The questionnaire of the period's latest wave (labels, levels, grades); null without waves. */
  questionnaire: ReportDocument['questionnaire'] | null;
  targets: Targets;
  statistics: PeriodStatistics;
  /**
   * The corrective actions opened in the period (actions-summary.ts), when the campaign has a closed loop;
   * null in an anonymous campaign's department report that withholds its figures.
   */
  actions?: ActionsSummary | null;
}

export interface PeriodInput {
  campaignId: string;
  /** Settings and names: the latest wave's snapshot, else the programme's current campaign. */
  campaign: Campaign;
  period: Period;
  /** The waves dispatched in the period. */
  waves: Wave[];
  /** Rollup entries (closed days and today, merged or not): those of the period's cohorts count. */
  entries: RollupEntry[];
  /** Earlier periods for the trend, oldest first: their waves and entries. */
  previous: Array<{ period: Period; waves: Wave[]; entries: RollupEntry[] }>;
  /** Restricts everything to one department. */
  department?: string | undefined;
  now: Date;
  language: Language;
}
