import { CLEANING_FLAGS, type CleaningFlag, isFlagged } from '../cleaning-flags.ts';
import type { Language } from '../language.ts';
import { type Invitation, type StoredResponse, type Wave, wasEmailed } from '../model.ts';
import type { GradeName, Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf, isRequired } from '../questionnaire-defaults.ts';
import { grade, isSatisfied, itemPercent, points, pointsRange } from '../scoring.ts';
import { returnRate } from './return-rate.ts';

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
  /** In question order, then lowest total first (then time of answer, invitation id). */
  comments: ReportComment[];
}

/** A response that counts: answered on the wave's questionnaire, every required category rated on its scale. */
export interface CountedResponse {
  invitation: Invitation;
  response: StoredResponse;
}

const GRADE_NAMES: GradeName[] = ['A', 'B', 'C', 'D', 'E'];

const round = (n: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
};
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 4));
const mean = (values: number[]): number | null =>
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
const rawOf = (response: StoredResponse): number => response.raw ?? response.total;

/** Oldest answer first, then by invitation id: the order of every list of responses. */
export const byAnswerTime = (a: CountedResponse, b: CountedResponse): number =>
  byCodeUnits(a.response.answeredAt, b.response.answeredAt) || byCodeUnits(a.invitation.id, b.invitation.id);

/**
 * Responses that fit the questionnaire, oldest first (then by invitation id), so every output has a
 * stable order: those data cleaning flagged included, as responses.csv lists them.
 */
export function fittingResponses(q: Questionnaire, invitations: Invitation[]): CountedResponse[] {
  return invitations
    .flatMap((invitation) =>
      invitation.response && fitsQuestionnaire(q, invitation.response)
        ? [{ invitation, response: invitation.response }]
        : [],
    )
    .sort(byAnswerTime);
}

/** Responses that count in the figures: they fit the questionnaire and data cleaning did not flag them. */
export function countedResponses(q: Questionnaire, invitations: Invitation[]): CountedResponse[] {
  return fittingResponses(q, invitations).filter((c) => !isFlagged(c.response));
}

/** Responses that fit the questionnaire but data cleaning flagged: kept, counted as answered, not scored. */
export function cleanedResponses(q: Questionnaire, invitations: Invitation[]): CountedResponse[] {
  return fittingResponses(q, invitations).filter((c) => isFlagged(c.response));
}

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

/** Rated item answers of some responses, and how many of them are at or above the satisfied level. */
function tally(q: Questionnaire, counted: CountedResponse[]): { rated: number; satisfied: number } {
  let satisfied = 0;
  let rated = 0;
  for (const { response } of counted) {
    for (const c of q.categories) {
      const level = response.ratings[c.id];
      if (level === undefined) continue;
      rated += 1;
      if (isSatisfied(q, level)) satisfied += 1;
    }
  }
  return { rated, satisfied };
}

function groupStatistics(
  q: Questionnaire,
  invitations: readonly Invitation[],
  counted: CountedResponse[],
  cleaned: number,
): GroupStatistics {
  const meanTotal = mean(counted.map((c) => c.response.total));
  const meanRaw = mean(counted.map((c) => rawOf(c.response)));
  const target = q.scale.kind === 'likert' ? q.scale.targetMean : undefined;
  const { rated, satisfied } = tally(q, counted);
  const answered = counted.length + cleaned;
  return {
    invited: invitations.length,
    emailed: invitations.filter(wasEmailed).length,
    answered,
    cleaned,
    returnRate: returnRate(answered, invitations.length),
    meanTotal,
    meanRaw,
    targetMet: target === undefined || meanRaw === null ? null : meanRaw >= target,
    grade: meanTotal === null ? null : grade(meanTotal, q.grades),
    satisfactionRate: ratio(satisfied, rated),
  };
}

function categoryStatistics(q: Questionnaire, counted: CountedResponse[]): CategoryStatistics[] {
  return q.categories.map((c) => {
    const levels = counted.flatMap((r) => {
      const level = r.response.ratings[c.id];
      return level === undefined ? [] : [level];
    });
    const sum = levels.reduce((s, l) => s + points(q, c.id, l), 0);
    const n = levels.length;
    return {
      id: c.id,
      weight: c.weight ?? null,
      required: isRequired(c),
      ...pointsRange(q, c.id),
      answers: n,
      meanPoints: n === 0 ? null : round(sum / n, 2),
      meanPercent: n === 0 ? null : round(itemPercent(q, c.id, sum / n), 2),
      satisfactionRate: ratio(levels.filter((l) => isSatisfied(q, l)).length, n),
      distribution: q.scale.levels.map((l) => ({
        level: l.id,
        count: levels.filter((x) => x === l.id).length,
      })),
    };
  });
}

/**
 * The statistics of one wave, from the questionnaire the wave snapshotted and all its invitations
 * (a response lives on its invitation). Pure and deterministic: the same input gives the same output.
 *
 * - return rate = responses that fit the questionnaire (flagged by data cleaning or not) / invitations
 *   the wave created (return-rate.ts): a flagged response is still an answer, only not one to score;
 * - every score and rate below leaves out the responses data cleaning flagged (counted in `cleaned`);
 * - satisfaction index = mean of the responses' total scores (0–100), graded with the questionnaire's
 *   grades; meanRaw the same in the scale's units, checked against a Likert scale's target mean;
 * - satisfaction rate = share of all rated item answers at or above `scale.satisfiedFrom`;
 * - per category: mean points (the scale's units and 0–100) and the count per level, in scale order;
 *   an optional item left blank counts in neither;
 * - per single-choice question: the count per option;
 * - per department (the customer's department when invited): the same group figures.
 */
export function waveStatistics(wave: Wave, invitations: Invitation[]): WaveStatistics {
  const q = wave.questionnaire;
  const counted = countedResponses(q, invitations);
  const cleaned = cleanedResponses(q, invitations);
  const answeredAll = invitations.filter((i) => i.response).length;
  const overall = groupStatistics(q, invitations, counted, cleaned.length);
  const { rated, satisfied } = tally(q, counted);

  const departments = [...new Set(invitations.map((i) => i.customer.department))].sort(byCodeUnits);
  const questionOrder = new Map(q.openQuestions.map((o, i) => [o.id, i]));
  const comments: ReportComment[] = counted.flatMap(({ invitation, response }) =>
    responseComments(q, invitation, response),
  );
  comments.sort(
    (a, b) =>
      (questionOrder.get(a.questionId) ?? 0) - (questionOrder.get(b.questionId) ?? 0) ||
      a.total - b.total ||
      byCodeUnits(a.answeredAt, b.answeredAt) ||
      byCodeUnits(a.invitationId, b.invitationId),
  );

  return {
    ...overall,
    excluded: answeredAll - counted.length - cleaned.length,
    cleaningFlags: CLEANING_FLAGS.map((flag) => ({
      flag,
      count: cleaned.filter((c) => c.response.cleaning?.flags.includes(flag)).length,
    })),
    ratedAnswers: rated,
    satisfiedAnswers: satisfied,
    grades: GRADE_NAMES.map((g) => ({
      grade: g,
      count: counted.filter((c) => c.response.grade === g).length,
    })),
    categories: categoryStatistics(q, counted),
    choices: choiceQuestionsOf(q).map((o) => {
      const chosen = counted.flatMap((c) => c.response.choices?.[o.id] ?? []);
      return {
        id: o.id,
        answers: chosen.length,
        distribution: o.options.map((x) => ({
          option: x.id,
          count: chosen.filter((y) => y === x.id).length,
        })),
      };
    }),
    departments: departments.map((department) => ({
      department,
      ...groupStatistics(
        q,
        invitations.filter((i) => i.customer.department === department),
        counted.filter((c) => c.invitation.customer.department === department),
        cleaned.filter((c) => c.invitation.customer.department === department).length,
      ),
    })),
    comments,
  };
}
