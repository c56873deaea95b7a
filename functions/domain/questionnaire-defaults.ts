/*
 * Wave snapshots stored before optional items and single-choice questions existed lack those fields (they
 * are read back as stored, not parsed again): these read them with the defaults the schema gives. Apart
 * from the schemas (questionnaire.ts), so that what only reads questionnaires (reports, emails, pages)
 * does not bundle zod.
 */
import type { Category, ChoiceQuestion, Questionnaire } from './questionnaire.ts';

export const isRequired = (c: Pick<Category, 'required'>): boolean => c.required !== false;
export const choiceQuestionsOf = (q: Questionnaire): ChoiceQuestion[] => q.choiceQuestions ?? [];
