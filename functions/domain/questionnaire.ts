import * as z from 'zod';
import { LocalizedText } from './language.ts';

const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'use lowercase letters, digits and dashes (at most 63), e.g. "on-time-delivery"',
  );

/**
 * One answer level of the rating scale. `percent` is the share of an item's weight the level is worth
 * (seed 002: 100 / 80 / 60 / 40 / 20).
 */
export const Level = z.strictObject({
  id: Id,
  label: LocalizedText,
  percent: z.number().min(0).max(100),
});
export type Level = z.infer<typeof Level>;

export const Category = z.strictObject({
  id: Id,
  label: LocalizedText,
  /** What the customer is asked to judge; shown under the label. */
  hint: LocalizedText.optional(),
  weight: z.number().positive().max(100),
});
export type Category = z.infer<typeof Category>;

export const OpenQuestion = z.strictObject({
  id: Id,
  label: LocalizedText,
  maxLength: z.number().int().min(1).max(2000).default(2000),
});
export type OpenQuestion = z.infer<typeof OpenQuestion>;

export const GradeName = z.enum(['A', 'B', 'C', 'D', 'E']);
export type GradeName = z.infer<typeof GradeName>;

/** Lowest total score for each grade, seed 004: ≥ 95 A · 81–94 B · 61–80 C · 40–60 D · < 40 E. */
export const DEFAULT_GRADES = { A: 95, B: 81, C: 61, D: 40 } as const;

export const Grades = z
  .strictObject({ A: z.number(), B: z.number(), C: z.number(), D: z.number() })
  .refine((g) => g.A > g.B && g.B > g.C && g.C > g.D, {
    message: 'grade thresholds must fall strictly from A to D',
  });
export type Grades = z.infer<typeof Grades>;

export const Questionnaire = z
  .strictObject({
    id: Id,
    version: z.number().int().positive(),
    title: LocalizedText,
    intro: LocalizedText.optional(),
    scale: z.strictObject({
      kind: z.literal('percent-of-weight'),
      /** Best first. */
      levels: z.array(Level).min(2).max(11),
      /** The lowest level that still counts as satisfied for the satisfaction rate ("basically satisfied"). */
      satisfiedFrom: Id,
    }),
    categories: z.array(Category).min(1).max(50),
    openQuestions: z.array(OpenQuestion).max(10).default([]),
    grades: Grades.default(DEFAULT_GRADES),
  })
  .superRefine((q, ctx) => {
    const total = q.categories.reduce((sum, c) => sum + c.weight, 0);
    if (Math.abs(total - 100) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: `weights must sum to 100, not ${total}`,
      });
    }
    const levelIds = q.scale.levels.map((l) => l.id);
    if (!levelIds.includes(q.scale.satisfiedFrom)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scale', 'satisfiedFrom'],
        message: `must be one of the levels (${levelIds.join(', ')})`,
      });
    }
    for (const [path, ids] of [
      ['scale', levelIds],
      ['categories', q.categories.map((c) => c.id)],
      ['openQuestions', q.openQuestions.map((o) => o.id)],
    ] as const) {
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) ctx.addIssue({ code: 'custom', path: [path], message: `id "${dup}" is used twice` });
    }
    const clash = q.categories.find((c) => q.openQuestions.some((o) => o.id === c.id));
    if (clash)
      ctx.addIssue({
        code: 'custom',
        path: ['openQuestions'],
        message: `id "${clash.id}" is also a category`,
      });
  });
export type Questionnaire = z.infer<typeof Questionnaire>;
export type QuestionnaireInput = z.input<typeof Questionnaire>;
