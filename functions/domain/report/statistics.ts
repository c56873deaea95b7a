import type { CleaningFlag } from '../cleaning-flags.ts';
import type { Language } from '../language.ts';
import type { Invitation, StoredResponse } from '../model.ts';
import type { GradeName, Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf, isRequired } from '../questionnaire-defaults.ts';

/** How many rated answers a category received at one level of the scale. */
export interface LevelCount {
  level: string;
  count: number;
}

export interface CategoryStatistics {
  id: string;
  /** The item's weight (percent-of-weight scales); null on scales without weights. */
  weight: number | null;
  /** Whether the item had to be answered; an optional one may have fewer answers than responses. */
  required: boolean;
  /** The points of the worst and best level, in the scale's units (for a likert scale, its values). */
  worst: number;
  best: number;
  /** Responses that rated the category. */
  answers: number;
  /** Mean points in the scale's units (0–weight, points, or the mean Likert value), two decimals; null without answers. */
  meanPoints: number | null;
  /** meanPoints on the 0–100 scale of totals (scoring.ts `itemPercent`), two decimals. */
  meanPercent: number | null;
  /** Share of this category's answers at or above the satisfied level, 0–1, four decimals. */
  satisfactionRate: number | null;
  /** Counts per level, in scale order (best first), zeros included. */
  distribution: LevelCount[];
}

/** The figures every group (the whole wave, one department) has. */
export interface GroupStatistics {
  /** Invitations created at dispatch, emailed yet or not (return-rate.ts). */
  invited: number;
  /** Of invited, those whose email went out (or who answered). */
  emailed: number;
  /** Responses that fit the questionnaire, those flagged by data cleaning included: the customer did answer. */
  answered: number;
  /** Of `answered`, how many data cleaning flagged and left out of the scores and rates below. */
  cleaned: number;
  /** answered / invited, 0–1, four decimals; null when nobody was invited. */
  returnRate: number | null;
  /** The satisfaction index: mean total score on 0–100, two decimals; null without responses. */
  meanTotal: number | null;
  /** Mean of the responses' scores in the scale's units (Σ points, or Likert mean), two decimals. */
  meanRaw: number | null;
  /** Likert scales with a `targetMean`: whether meanRaw reaches it; null otherwise or without responses. */
  targetMet: boolean | null;
  /** Grade of meanTotal under the questionnaire's thresholds. */
  grade: GradeName | null;
  /** Share of all rated item answers at or above the satisfied level, 0–1, four decimals. */
  satisfactionRate: number | null;
}

export interface DepartmentStatistics extends GroupStatistics {
  department: string;
}

export interface ReportComment {
  questionId: string;
  text: string;
  language: Language;
  department: string;
  /** Total score of the response the comment belongs to: low totals point at what to fix first. */
  total: number;
  grade: GradeName;
  answeredAt: string;
  invitationId: string;
}

/** How often each option of a single-choice question was chosen. */
export interface ChoiceStatistics {
  id: string;
  /** Counted responses that answered the question. */
  answers: number;
  /** Counts per option, in the question's order, zeros included. */
  distribution: Array<{ option: string; count: number }>;
}

export interface WaveStatistics extends GroupStatistics {
  /** Responses that do not fit the wave's questionnaire; kept in the table, left out of every figure. */
  excluded: number;
  /** Responses flagged by data cleaning, per flag in CLEANING_FLAGS order (one response may have several). */
  cleaningFlags: Array<{ flag: CleaningFlag; count: number }>;
  ratedAnswers: number;
  satisfiedAnswers: number;
  /** Responses per grade, A to E. */
  grades: Array<{ grade: GradeName; count: number }>;
  /** In questionnaire order. */
  categories: CategoryStatistics[];
  /** Single-choice questions, in questionnaire order. */
  choices: ChoiceStatistics[];
  /** Sorted by department name. */
  departments: DepartmentStatistics[];
  /**
   * In question order, then lowest total first (then time of answer, invitation id): at most WAVE_COMMENTS
   * (wave-tally.ts) per question, those of the lowest totals.
   */
  comments: ReportComment[];
  /** Comments left out for being beyond WAVE_COMMENTS of their question (responses.csv has them all); absent when none. */
  commentsOmitted?: number;
}

/** A response that counts: answered on the wave's questionnaire, every required category rated on its scale. */
export interface CountedResponse {
  invitation: Invitation;
  response: StoredResponse;
}

const _GRADE_NAMES: GradeName[] = ['A', 'B', 'C', 'D', 'E'];

const round = (n: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
};
const _ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 4));
const _mean = (values: number[]): number | null =>
  values.length === 0 ? null : round(values.reduce((s, v) => s + v, 0) / values.length, 2);

/** Plain code-unit order: the same in every runtime and locale, so regenerated files are identical. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Whether a stored response can be counted against the questionnaire the wave sent. Submissions are
 * validated against the same snapshot, so this only guards against damaged or foreign data
 * (DOMAIN.md §5, data cleaning: excluded from the figures, but not dropped).
 */
export function fitsQuestionnaire(q: Questionnaire, response: StoredResponse): boolean {
  if (response.questionnaireVersion !== q.version) return false;
  const levels = new Set(q.scale.levels.map((l) => l.id));
  const ratingsFit = q.categories.every((c) => {
    const level = response.ratings[c.id];
    return level === undefined ? !isRequired(c) : levels.has(level);
  });
  const choicesFit = choiceQuestionsOf(q).every((o) => {
    const option = response.choices?.[o.id];
    return option === undefined ? !isRequired(o) : o.options.some((x) => x.id === option);
  });
  return ratingsFit && choicesFit;
}

/** A response's score in the scale's units; responses stored before `raw` existed were complete percent-of-weight ones, where it is the total. */
const _rawOf = (response: StoredResponse): number => response.raw ?? response.total;

/** Oldest answer first, then by invitation id: the order of every list of responses. */
export const byAnswerTime = (a: CountedResponse, b: CountedResponse): number =>
  byCodeUnits(a.response.answeredAt, b.response.answeredAt) || byCodeUnits(a.invitation.id, b.invitation.id);

/** The open answers of one response, in question order, as reports quote them. */
export function responseComments(
  q: Questionnaire,
  invitation: Invitation,
  response: StoredResponse,
): ReportComment[] {
  return q.openQuestions.flatMap((o) => {
    const text = response.comments[o.id];
    if (!text) return [];
    return [
      {
        questionId: o.id,
        text,
        language: response.language,
        department: invitation.customer.department,
        total: response.total,
        grade: response.grade,
        answeredAt: response.answeredAt,
        invitationId: invitation.id,
      },
    ];
  });
}
