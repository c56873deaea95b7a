import { CLEANING_FLAGS, type CleaningFlag, isFlagged } from '../cleaning-flags.ts';
import { LANGUAGES, type Language } from '../language.ts';
import type { Invitation, StoredResponse } from '../model.ts';
import type { GradeName, Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf } from '../questionnaire-defaults.ts';
import { addTo, dict, own, slot } from '../records.ts';
import { isSatisfied, itemPercent, points } from '../scoring.ts';
import { byCodeUnits, fitsQuestionnaire, type ReportComment, responseComments } from './statistics.ts';

/*
 * A tally is what a report needs of a set of responses, in a form that adds up: two tallies of disjoint
 * sets merge into the tally of their union, whatever the order. Rollups store one per closed day, wave
 * and department (use-cases/rollups.ts), so a period's report merges O(days) tallies instead of reading
 * every response. Sums are whole numbers (hundredths of a point, ten-thousandths of a percent), so a
 * merge is exact and the same in any order: a regenerated report has the same bytes.
 */

/** How many comments a tally keeps: those of the lowest-scoring responses. A report quotes the worst. */
export const KEPT_COMMENTS = 20;

export const GRADE_NAMES: readonly GradeName[] = ['A', 'B', 'C', 'D', 'E'];

/** Fixed-point units of the sums: totals and points in hundredths, item percentages in ten-thousandths. */
const HUNDREDTHS = 100;
const PERCENT_UNITS = 10_000;

export interface ItemTally {
  answers: number;
  /** Σ points, in hundredths of the scale's unit. */
  points: number;
  /** Σ item percent (0–100), in ten-thousandths. */
  percent: number;
  satisfied: number;
  /** Answers per level id. */
  levels: Record<string, number>;
}

export interface Tally {
  /** Responses that fit their wave's questionnaire, flagged by data cleaning or not. */
  answered: number;
  /** Of those, flagged by data cleaning: counted as answered, never scored. */
  cleaned: number;
  /** Responses that do not fit their wave's questionnaire: in no figure. */
  excluded: number;
  flags: Record<CleaningFlag, number>;
  /** Σ totals (0–100) of the scored responses, in hundredths. */
  total: number;
  /** Σ raw scores (the scale's units) of the scored responses, in hundredths. */
  raw: number;
  grades: Record<GradeName, number>;
  /** Rated item answers of scored responses, and how many of them at or above the satisfied level. */
  rated: number;
  satisfied: number;
  items: Record<string, ItemTally>;
  /** Options chosen per single-choice question. */
  choices: Record<string, Record<string, number>>;
  /** Answers (scored or flagged) by how many reminders had been sent before them: [after the invitation, after reminder 1, …]. */
  afterReminders: number[];
  /** Open answers of scored responses, per language they were written in. */
  comments: Record<Language, number>;
  /** The KEPT_COMMENTS comments of the lowest totals (see `commentOrder`). */
  worst: ReportComment[];
}

export function emptyTally(): Tally {
  return {
    answered: 0,
    cleaned: 0,
    excluded: 0,
    flags: Object.fromEntries(CLEANING_FLAGS.map((f) => [f, 0])) as Record<CleaningFlag, number>,
    total: 0,
    raw: 0,
    grades: Object.fromEntries(GRADE_NAMES.map((g) => [g, 0])) as Record<GradeName, number>,
    rated: 0,
    satisfied: 0,
    items: dict(),
    choices: dict(),
    afterReminders: [],
    comments: Object.fromEntries(LANGUAGES.map((l) => [l, 0])) as Record<Language, number>,
    worst: [],
  };
}

/** Lowest total first, then time of answer, invitation and question: one order for every merge. */
export const commentOrder = (a: ReportComment, b: ReportComment): number =>
  a.total - b.total ||
  byCodeUnits(a.answeredAt, b.answeredAt) ||
  byCodeUnits(a.invitationId, b.invitationId) ||
  byCodeUnits(a.questionId, b.questionId);

const fixed = (n: number, units: number): number => Math.round(n * units);

// Item, level and option ids key these records: null-prototype ones (records.ts), and merged with own-
// property reads, as a rollup read back from the store has plain objects.
const emptyItem = (): ItemTally => ({ answers: 0, points: 0, percent: 0, satisfied: 0, levels: dict() });

/** How many reminders had gone out before the answer came. */
export function remindersBefore(invitation: Invitation, answeredAt: string): number {
  let n = 0;
  for (const [step, at] of Object.entries(invitation.sent ?? {})) {
    if (step.startsWith('remind-') && at !== undefined && at < answeredAt) n += 1;
  }
  return n;
}

/**
 * Adds one invitation's response to a tally, scored against `q`, the questionnaire its wave sent.
 * Invitations without a response are ignored (invitations are counted from the waves).
 */
export function addResponse(tally: Tally, q: Questionnaire, invitation: Invitation): void {
  const response: StoredResponse | undefined = invitation.response;
  if (!response) return;
  if (!fitsQuestionnaire(q, response)) {
    tally.excluded += 1;
    return;
  }
  tally.answered += 1;
  const after = remindersBefore(invitation, response.answeredAt);
  while (tally.afterReminders.length <= after) tally.afterReminders.push(0);
  tally.afterReminders[after]! += 1;
  if (isFlagged(response)) {
    tally.cleaned += 1;
    for (const flag of response.cleaning?.flags ?? []) tally.flags[flag] += 1;
    return;
  }
  tally.total += fixed(response.total, HUNDREDTHS);
  tally.raw += fixed(response.raw ?? response.total, HUNDREDTHS);
  tally.grades[response.grade] += 1;
  for (const c of q.categories) {
    const level = own(response.ratings, c.id);
    if (level === undefined) continue;
    const p = points(q, c.id, level);
    const item = slot(tally.items, c.id, emptyItem);
    const satisfied = isSatisfied(q, level);
    item.answers += 1;
    item.points += fixed(p, HUNDREDTHS);
    item.percent += fixed(itemPercent(q, c.id, p), PERCENT_UNITS);
    addTo(item.levels, level);
    tally.rated += 1;
    if (satisfied) {
      item.satisfied += 1;
      tally.satisfied += 1;
    }
  }
  for (const o of choiceQuestionsOf(q)) {
    const option = own(response.choices, o.id);
    if (option === undefined) continue;
    addTo(slot(tally.choices, o.id, dict<number>), option);
  }
  const comments = responseComments(q, invitation, response);
  for (const c of comments) tally.comments[c.language] += 1;
  if (comments.length > 0) tally.worst = keepWorst([...tally.worst, ...comments]);
}

const keepWorst = (comments: ReportComment[]): ReportComment[] =>
  comments.sort(commentOrder).slice(0, KEPT_COMMENTS);

const addCounts = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [k, v] of Object.entries(from)) addTo(into, k, v);
};

/** Adds `from` into `into` (which it changes and returns). */
export function mergeInto(into: Tally, from: Tally): Tally {
  into.answered += from.answered;
  into.cleaned += from.cleaned;
  into.excluded += from.excluded;
  addCounts(into.flags, from.flags);
  into.total += from.total;
  into.raw += from.raw;
  addCounts(into.grades, from.grades);
  into.rated += from.rated;
  into.satisfied += from.satisfied;
  for (const [id, item] of Object.entries(from.items)) {
    const mine = slot(into.items, id, emptyItem);
    mine.answers += item.answers;
    mine.points += item.points;
    mine.percent += item.percent;
    mine.satisfied += item.satisfied;
    addCounts(mine.levels, item.levels);
  }
  for (const [id, counts] of Object.entries(from.choices))
    addCounts(slot(into.choices, id, dict<number>), counts);
  from.afterReminders.forEach((n, i) => {
    while (into.afterReminders.length <= i) into.afterReminders.push(0);
    into.afterReminders[i]! += n;
  });
  addCounts(into.comments, from.comments);
  if (from.worst.length > 0) into.worst = keepWorst([...into.worst, ...from.worst]);
  return into;
}

/** The tally of several tallies (none of them changed). */
export const mergeTallies = (tallies: Iterable<Tally>): Tally => {
  const out = emptyTally();
  for (const t of tallies) mergeInto(out, t);
  return out;
};

/** Scored responses: those that fit and data cleaning did not flag. */
export const scored = (t: Tally): number => t.answered - t.cleaned;

/** Mean total (0–100) of the scored responses, two decimals; null without any. */
export const meanTotal = (t: Tally): number | null =>
  scored(t) === 0 ? null : Math.round(t.total / scored(t)) / HUNDREDTHS;

/** Mean raw score (scale's units), two decimals; null without any. */
export const meanRaw = (t: Tally): number | null =>
  scored(t) === 0 ? null : Math.round(t.raw / scored(t)) / HUNDREDTHS;

/** An item's mean points (scale's units) and mean percent (0–100), two decimals; null without answers. */
export function itemMeans(item: ItemTally | undefined): { points: number | null; percent: number | null } {
  if (!item || item.answers === 0) return { points: null, percent: null };
  return {
    points: Math.round(item.points / item.answers) / HUNDREDTHS,
    percent: Math.round(item.percent / item.answers / HUNDREDTHS) / HUNDREDTHS,
  };
}
