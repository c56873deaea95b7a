import type { Questionnaire } from '../questionnaire.ts';
import type { ActionTriggers } from './config.ts';
import type { ActionReason } from './model.ts';

/** What of a submitted response the triggers look at. */
export interface TriggerInput {
  total: number;
  ratings: Record<string, string>;
  comments: Record<string, string>;
  /** The customer ticked "please contact me". */
  contactRequested?: boolean;
  /** Data cleaning flagged the response: it never opens an action. */
  flagged?: boolean;
}

/**
 * Why the response opens a corrective action (empty: it does not), in a fixed order: total, ratings in the
 * questionnaire's order, keywords in comment order, contact request. Levels are listed best first, so
 * "at or below" a level is its position or a later one. Keywords match case-insensitively, after Unicode
 * NFKC (full-width Ｃｏｍｐｌａｉｎｔ matches complaint).
 */
export function actionReasons(
  q: Questionnaire,
  triggers: ActionTriggers,
  input: TriggerInput,
): ActionReason[] {
  if (input.flagged) return [];
  const reasons: ActionReason[] = [];
  if (triggers.totalBelow !== undefined && input.total < triggers.totalBelow) {
    reasons.push({ kind: 'total-below', total: input.total, threshold: triggers.totalBelow });
  }
  const levels = q.scale.levels.map((l) => l.id);
  const from = triggers.ratingAtOrBelow === undefined ? -1 : levels.indexOf(triggers.ratingAtOrBelow);
  if (from >= 0) {
    for (const category of q.categories) {
      const level = Object.hasOwn(input.ratings, category.id) ? input.ratings[category.id] : undefined;
      if (level !== undefined && levels.indexOf(level) >= from) {
        reasons.push({ kind: 'rating', category: category.id, level });
      }
    }
  }
  const comments = Object.entries(input.comments);
  if (comments.length > 0 && triggers.keywords && triggers.keywords.length > 0) {
    const keywords = foldedKeywords(triggers.keywords);
    for (const [question, text] of comments) {
      const folded = fold(text);
      const hit = keywords.find((k) => folded.includes(k.folded));
      if (hit) reasons.push({ kind: 'keyword', keyword: hit.keyword, question });
    }
  }
  if (triggers.contactRequest && input.contactRequested) reasons.push({ kind: 'contact-request' });
  return reasons;
}

const fold = (text: string): string => text.normalize('NFKC').toLocaleLowerCase('en');

/*
 * A campaign's keywords folded once: the list comes from the (cached) wave's campaign, and folding (NFKC
 * and a locale lower case) is the costly part of a submit's triggers. Most answers have no comment, so
 * they fold nothing at all.
 */
const folded = new WeakMap<readonly string[], Array<{ keyword: string; folded: string }>>();
function foldedKeywords(keywords: readonly string[]): Array<{ keyword: string; folded: string }> {
  let list = folded.get(keywords);
  if (!list) {
    list = keywords.map((k) => ({ keyword: k, folded: fold(k) }));
    folded.set(keywords, list);
  }
  return list;
}
