import { ratingField } from '../../functions/domain/form-fields.ts';
import { currentQuestionnaire, findCampaign } from '../../functions/domain/programme.ts';
import type { Questionnaire } from '../../functions/domain/questionnaire.ts';
import { programme } from '../../programme/index.ts';

/** The example programme's questionnaire (seed 002 weights) and campaign, as tests use them. */
const itssVersion = (version: number): Questionnaire => {
  const q = programme.questionnaires.find((x) => x.id === 'itss-satisfaction' && x.version === version);
  if (!q) throw new Error(`no itss-satisfaction version ${version}`);
  return q;
};
/** Version 1: every item required — what most tests rely on. */
export const itss = itssVersion(1);
/** Version 2, what the demo campaign sends now: only the first (one-click) item required. */
export const itssV2 = itssVersion(2);
/** The version campaigns send (the highest). */
export const itssCurrent = currentQuestionnaire(programme, 'itss-satisfaction');
export const demoCampaign = findCampaign(programme, 'demo')!;

/** Ratings giving every category the same level. */
export const allAt = (level: string): Record<string, string> =>
  Object.fromEntries(itss.categories.map((c) => [c.id, level]));

/**
 * One rating per category, at every level but one, scoring 77 (C, 61–80) by hand:
 * quality 20×100% + performance 20×80% + price 20×60% + delivery 10×40% + O&M 20×100%
 * + consulting 5×20% + technical support 5×80% = 20 + 16 + 12 + 4 + 20 + 1 + 4 = 77.
 */
export const MIXED: Record<string, string> = {
  quality: 'very-satisfied',
  performance: 'satisfied',
  price: 'basically-satisfied',
  delivery: 'dissatisfied',
  'om-service': 'very-satisfied',
  consulting: 'very-dissatisfied',
  'technical-support': 'satisfied',
};

/** The form fields (`r-{categoryId}`) that post these ratings, as the survey page does. */
export const ratingFields = (ratings: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(ratings).map(([id, level]) => [ratingField(id), level]));
