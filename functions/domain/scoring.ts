import type { Category, GradeName, Grades, Questionnaire } from './questionnaire.ts';
import { isRequired } from './questionnaire-defaults.ts';

/**
 * A customer's answers: the chosen level per rated category, the text per open question and, when the
 * questionnaire has single-choice questions, the option chosen per question.
 */
export interface Answers {
  ratings: Record<string, string>;
  comments: Record<string, string>;
  choices?: Record<string, string>;
}

export interface Score {
  /** On 0–100 for every scale kind (see `score`), rounded to two decimals; what grades and indexes use. */
  total: number;
  /**
   * The figure in the scale's own units, two decimals: Σ points (percent-of-weight, fixed-points,
   * points-table; percent-of-weight's is the total itself when every item is answered) or the mean level
   * value (likert).
   */
  raw: number;
  grade: GradeName;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function grade(total: number, grades: Grades): GradeName {
  if (total >= grades.A) return 'A';
  if (total >= grades.B) return 'B';
  if (total >= grades.C) return 'C';
  if (total >= grades.D) return 'D';
  return 'E';
}

function categoryOf(q: Questionnaire, categoryId: string): Category {
  const category = q.categories.find((c) => c.id === categoryId);
  if (!category) throw new RangeError(`no category "${categoryId}"`);
  return category;
}

/**
 * Points one rating earns, in the scale's units: weight × level share (percent-of-weight, seed 002), the
 * level's points (fixed-points, seed 001), the item's own points for the level (points-table, seed 004) or
 * the level's value (likert, seed 003).
 */
export function points(q: Questionnaire, categoryId: string, levelId: string): number {
  const category = categoryOf(q, categoryId);
  const scale = q.scale;
  const missing = () => new RangeError(`no level "${levelId}" for category "${categoryId}"`);
  switch (scale.kind) {
    case 'percent-of-weight': {
      const level = scale.levels.find((l) => l.id === levelId);
      if (!level) throw missing();
      return ((category.weight ?? 0) * level.percent) / 100;
    }
    case 'fixed-points': {
      const level = scale.levels.find((l) => l.id === levelId);
      if (!level) throw missing();
      return level.points;
    }
    case 'points-table': {
      const value = scale.levels.some((l) => l.id === levelId) ? category.points?.[levelId] : undefined;
      if (value === undefined) throw missing();
      return value;
    }
    case 'likert': {
      const level = scale.levels.find((l) => l.id === levelId);
      if (!level) throw missing();
      return level.value;
    }
  }
}

/** The worst and best points an item can earn, in the scale's units (levels are best first). */
export function pointsRange(q: Questionnaire, categoryId: string): { worst: number; best: number } {
  const ids = q.scale.levels.map((l) => l.id);
  return { best: points(q, categoryId, ids[0]!), worst: points(q, categoryId, ids[ids.length - 1]!) };
}

/**
 * An item's mean points on the 0–100 scale of totals: for percent-of-weight the mean share of its weight
 * (as seed 002 computes), for the others (mean − worst) / (best − worst) × 100.
 */
export function itemPercent(q: Questionnaire, categoryId: string, meanPoints: number): number {
  if (q.scale.kind === 'percent-of-weight')
    return (meanPoints / (categoryOf(q, categoryId).weight ?? 1)) * 100;
  const { worst, best } = pointsRange(q, categoryId);
  return ((meanPoints - worst) / (best - worst)) * 100;
}

/*
 * What score() reads of each item, kept per questionnaire (snapshots never change): the points of each level
 * once computed, and its range. A submit scores every item, and looking each level up in the scale and the
 * item in the questionnaire again was most of its scoring. Only what was computed without error is kept.
 */
interface ItemScale {
  points: Map<string, number>;
  range?: { worst: number; best: number };
}
const itemScales = new WeakMap<Questionnaire, Map<string, ItemScale>>();

function itemScale(q: Questionnaire, categoryId: string): ItemScale {
  let items = itemScales.get(q);
  if (!items) {
    items = new Map();
    itemScales.set(q, items);
  }
  let item = items.get(categoryId);
  if (!item) {
    item = { points: new Map() };
    items.set(categoryId, item);
  }
  return item;
}

/**
 * Total score (0–100), raw figure and grade of a set of ratings (answers are validated before they get
 * here). Every required item must be rated; an optional item left blank is left out of the total, which is
 * taken over the answered items only:
 * - percent-of-weight: total = Σ weight × percent / Σ weight of the answered items (= raw = Σ weight ×
 *   percent when all are answered);
 * - fixed-points, points-table: raw = Σ points; total = (raw − Σ worst) / (Σ best − Σ worst) × 100;
 * - likert: raw = mean value; total = (mean − lowest value) / (highest − lowest) × 100.
 */
export function score(q: Questionnaire, ratings: Record<string, string>): Score {
  let sum = 0;
  let worst = 0;
  let best = 0;
  let weights = 0;
  let answered = 0;
  for (const c of q.categories) {
    const levelId = ratings[c.id];
    if (levelId === undefined) {
      if (isRequired(c)) throw new RangeError(`category "${c.id}" is not rated`);
      continue;
    }
    const item = itemScale(q, c.id);
    let earned = item.points.get(levelId);
    if (earned === undefined) {
      earned = points(q, c.id, levelId);
      item.points.set(levelId, earned);
    }
    item.range ??= pointsRange(q, c.id);
    sum += earned;
    worst += item.range.worst;
    best += item.range.best;
    weights += c.weight ?? 0;
    answered += 1;
  }
  if (answered === 0) throw new RangeError('no category is rated');
  let total: number;
  let raw: number;
  switch (q.scale.kind) {
    case 'percent-of-weight':
      raw = sum;
      total = (sum / weights) * 100;
      break;
    case 'likert':
      raw = sum / answered;
      total = ((sum - worst) / (best - worst)) * 100;
      break;
    default:
      raw = sum;
      total = ((sum - worst) / (best - worst)) * 100;
  }
  const rounded = round2(total);
  return { total: rounded, raw: round2(raw), grade: grade(rounded, q.grades) };
}

/** Whether a level counts as satisfied: at or above the questionnaire's `satisfiedFrom` level. */
export function isSatisfied(q: Questionnaire, levelId: string): boolean {
  const ids = q.scale.levels.map((l) => l.id);
  const at = ids.indexOf(levelId);
  return at !== -1 && at <= ids.indexOf(q.scale.satisfiedFrom);
}
