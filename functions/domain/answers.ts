import * as z from 'zod';
import { choiceField, commentField, FORM_META_FIELDS, ratingField } from './form-fields.ts';
import type { Questionnaire } from './questionnaire.ts';
import { choiceQuestionsOf, isRequired } from './questionnaire-defaults.ts';
import { dict } from './records.ts';
import type { Answers } from './scoring.ts';

export type FieldError = 'required' | 'invalid-choice' | 'too-long';

export type AnswerParse =
  | { ok: true; answers: Answers }
  | { ok: false; errors: Record<string, FieldError>; values: Record<string, string> };

const schemas = new WeakMap<Questionnaire, z.ZodType>();

function formSchema(q: Questionnaire): z.ZodType {
  let schema = schemas.get(q);
  if (!schema) {
    const levels = q.scale.levels.map((l) => l.id) as [string, ...string[]];
    const shape: Record<string, z.ZodType> = {};
    for (const c of q.categories) {
      shape[ratingField(c.id)] = isRequired(c) ? z.enum(levels) : z.enum(levels).optional();
    }
    for (const o of choiceQuestionsOf(q)) {
      const options = z.enum(o.options.map((x) => x.id) as [string, ...string[]]);
      shape[choiceField(o.id)] = isRequired(o) ? options : options.optional();
    }
    for (const o of q.openQuestions) shape[commentField(o.id)] = z.string().max(o.maxLength).optional();
    for (const m of FORM_META_FIELDS) shape[m] = z.string().max(64).optional();
    schema = z.object(shape);
    schemas.set(q, schema);
  }
  return schema;
}

/** Carriage returns and surrounding blanks are not part of what a customer wrote. */
const cleanText = (s: string): string => s.replace(/\r\n?/g, '\n').trim();

/**
 * Validates a submitted form (already reduced to one string per field) against the questionnaire.
 * Returns the answers, or an error per field with the values to show again.
 */
export function parseAnswers(q: Questionnaire, form: Record<string, string>): AnswerParse {
  // The form's field names are the sender's: a record without a prototype keeps `__proto__` as a field.
  const values = dict<string>();
  for (const [k, v] of Object.entries(form)) {
    const isComment = k.startsWith('c-');
    values[k] = isComment ? cleanText(v) : v.trim();
  }
  for (const k of Object.keys(values)) {
    if (values[k] === '' && (k.startsWith('r-') || k.startsWith('s-'))) delete values[k];
  }
  const result = formSchema(q).safeParse(values);
  if (!result.success) {
    const errors = dict<FieldError>();
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (!field || errors[field]) continue;
      errors[field] =
        issue.code === 'too_big' ? 'too-long' : values[field] === undefined ? 'required' : 'invalid-choice';
    }
    return { ok: false, errors, values };
  }
  const data = result.data as Record<string, string | undefined>;
  const answers: Answers = { ratings: {}, comments: {} };
  for (const c of q.categories) {
    const level = data[ratingField(c.id)];
    if (level !== undefined) answers.ratings[c.id] = level;
  }
  const choiceQuestions = choiceQuestionsOf(q);
  if (choiceQuestions.length > 0) {
    answers.choices = {};
    for (const o of choiceQuestions) {
      const option = data[choiceField(o.id)];
      if (option !== undefined) answers.choices[o.id] = option;
    }
  }
  for (const o of q.openQuestions) {
    const text = data[commentField(o.id)];
    if (text) answers.comments[o.id] = text;
  }
  return { ok: true, answers };
}
