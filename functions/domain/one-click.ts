/*
 * The one-click first question: the invitation and reminder emails show the first rated item's levels as
 * links, and the survey page opens with the clicked level already chosen. A GET only preselects; the
 * answer counts when the customer submits the form.
 */
import { ratingField } from './form-fields.ts';
import type { Category, Questionnaire } from './questionnaire.ts';

/** A level of any scale kind: the emails need only its id and label. */
type ScaleLevel = Questionnaire['scale']['levels'][number];

/** The item the emails ask about, with the levels a customer can choose for it. */
export function firstRatedItem(
  q: Questionnaire,
): { category: Category; levels: readonly ScaleLevel[] } | undefined {
  const category = q.categories[0];
  return category ? { category, levels: q.scale.levels } : undefined;
}

/** The survey link that opens with `levelId` chosen for the category: `{surveyUrl}?r-{categoryId}={levelId}`. */
export function preselectUrl(surveyUrl: string, categoryId: string, levelId: string): string {
  const separator = surveyUrl.includes('?') ? '&' : '?';
  return `${surveyUrl}${separator}${encodeURIComponent(ratingField(categoryId))}=${encodeURIComponent(levelId)}`;
}

/**
 * The ratings a survey link's query asks to preselect: each `r-{categoryId}` naming a category of the
 * questionnaire and one of its levels. Anything else (an unknown item or level, a repeated or empty
 * value) is left out, never an error: a mangled link still opens the survey.
 */
export function preselectedRatings(
  q: Questionnaire,
  query: Record<string, string | undefined>,
): Record<string, string> {
  const levels = new Set(q.scale.levels.map((l) => l.id));
  const chosen: Record<string, string> = {};
  for (const c of q.categories) {
    const field = ratingField(c.id);
    const value = Object.hasOwn(query, field) ? query[field]?.trim() : undefined;
    if (value && levels.has(value)) chosen[field] = value;
  }
  return chosen;
}
