import { currentQuestionnaire, findCampaign } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';

/** The example programme's questionnaire (seed 002 weights) and campaign, as tests use them. */
export const itss = currentQuestionnaire(programme, 'itss-satisfaction');
export const demoCampaign = findCampaign(programme, 'demo')!;

/** Ratings giving every category the same level. */
export const allAt = (level: string): Record<string, string> =>
  Object.fromEntries(itss.categories.map((c) => [c.id, level]));
