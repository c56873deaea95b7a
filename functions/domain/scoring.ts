import type { GradeName, Grades, Questionnaire } from './questionnaire.ts';

/** A customer's answers: the chosen level per category and the text per open question. */
export interface Answers {
  ratings: Record<string, string>;
  comments: Record<string, string>;
}

export interface Score {
  /** Σ weight × level%, on 0–100, rounded to two decimals. */
  total: number;
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

/** Points one rating earns: the item's weight × the level's share (seed 002). */
export function points(q: Questionnaire, categoryId: string, levelId: string): number {
  const category = q.categories.find((c) => c.id === categoryId);
  const level = q.scale.levels.find((l) => l.id === levelId);
  if (!category || !level) throw new RangeError(`no level "${levelId}" for category "${categoryId}"`);
  return (category.weight * level.percent) / 100;
}

/** Total score and grade of a complete set of ratings (answers are validated before they get here). */
export function score(q: Questionnaire, ratings: Record<string, string>): Score {
  let total = 0;
  for (const c of q.categories) {
    const levelId = ratings[c.id];
    if (levelId === undefined) throw new RangeError(`category "${c.id}" is not rated`);
    total += points(q, c.id, levelId);
  }
  const rounded = round2(total);
  return { total: rounded, grade: grade(rounded, q.grades) };
}

/** Whether a level counts as satisfied: at or above the questionnaire's `satisfiedFrom` level. */
export function isSatisfied(q: Questionnaire, levelId: string): boolean {
  const ids = q.scale.levels.map((l) => l.id);
  const at = ids.indexOf(levelId);
  return at !== -1 && at <= ids.indexOf(q.scale.satisfiedFrom);
}
