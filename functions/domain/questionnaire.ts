import * as z from 'zod';
import { LocalizedText } from './language-schemas.ts';
import { isPrototypeName, PROTOTYPE_NAME } from './records.ts';

const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'use lowercase letters, digits and dashes (at most 63), e.g. "on-time-delivery"',
  )
  .refine((id) => !isPrototypeName(id), PROTOTYPE_NAME);

/**
 * One answer level of a `percent-of-weight` scale. `percent` is the share of an item's weight the level is
 * worth (seed 002: 100 / 80 / 60 / 40 / 20).
 */
export const Level = z.strictObject({
  id: Id,
  label: LocalizedText,
  percent: z.number().min(0).max(100),
});
export type Level = z.infer<typeof Level>;

/** A level of a `fixed-points` scale: the same points on every item, possibly negative (seed 001: 50 … −10). */
export const PointsLevel = z.strictObject({
  id: Id,
  label: LocalizedText,
  points: z.number().min(-1000).max(1000),
});

/** A level of a `points-table` scale: what it is worth is set per item, in the item's `points`. */
export const TableLevel = z.strictObject({ id: Id, label: LocalizedText });

/** A level of a `likert` scale: its value, a whole number (seed 003: 1–5). */
export const LikertLevel = z.strictObject({
  id: Id,
  label: LocalizedText,
  value: z.number().int().min(0).max(10),
});

const levels = <T extends z.ZodType>(level: T) => z.array(level).min(2).max(11);

/**
 * How a rating is worth something, chosen by `kind`. Every kind lists its levels best first and names the
 * lowest level that still counts as satisfied (`satisfiedFrom`, "basically satisfied"), so the satisfaction
 * rate means the same whatever the scheme. Totals (scoring.ts) are always on 0–100:
 * - `percent-of-weight` (seed 002): each item has a weight (Σ 100), a level is a share of it; total = Σ
 *   weight × percent, already on 0–100, so raw and total are the same figure.
 * - `fixed-points` (seed 001): every item scores the level's points; raw = Σ points, total = (raw − lowest
 *   possible) / (highest − lowest) × 100.
 * - `points-table` (seed 004): each item maps every level to its own points; raw and total as fixed points
 *   (a table whose best levels sum to 100 and worst to 0 gives total = raw).
 * - `likert` (seed 003): raw = mean level value, total = (mean − lowest value) / (highest − lowest) × 100;
 *   `targetMean` is the quality target for the mean (≥ 4.0).
 */
export const Scale = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('percent-of-weight'), levels: levels(Level), satisfiedFrom: Id }),
    z.strictObject({ kind: z.literal('fixed-points'), levels: levels(PointsLevel), satisfiedFrom: Id }),
    z.strictObject({ kind: z.literal('points-table'), levels: levels(TableLevel), satisfiedFrom: Id }),
    z.strictObject({
      kind: z.literal('likert'),
      levels: levels(LikertLevel),
      satisfiedFrom: Id,
      targetMean: z.number().optional(),
    }),
  ],
  { error: 'kind must be one of "percent-of-weight", "fixed-points", "points-table", "likert"' },
);
export type Scale = z.infer<typeof Scale>;
export type ScaleKind = Scale['kind'];

export const Category = z.strictObject({
  id: Id,
  label: LocalizedText,
  /** What the customer is asked to judge; shown under the label. */
  hint: LocalizedText.optional(),
  /** `percent-of-weight` only: the item's share of the total; the weights sum to 100. */
  weight: z.number().positive().max(100).optional(),
  /** `points-table` only: the points of every level of the scale on this item (seed 004). */
  points: z.record(z.string(), z.number().min(-1000).max(1000)).optional(),
  /** An optional item may be left blank; the total is then taken over the answered items (scoring.ts). */
  required: z.boolean().default(true),
});
export type Category = z.infer<typeof Category>;

/** A question with options to pick one of; not scored, reported as counts per option. */
export const ChoiceQuestion = z.strictObject({
  id: Id,
  label: LocalizedText,
  hint: LocalizedText.optional(),
  options: z
    .array(z.strictObject({ id: Id, label: LocalizedText }))
    .min(2)
    .max(20),
  required: z.boolean().default(true),
});
export type ChoiceQuestion = z.infer<typeof ChoiceQuestion>;

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
    scale: Scale,
    categories: z.array(Category).min(1).max(50),
    choiceQuestions: z.array(ChoiceQuestion).max(20).default([]),
    openQuestions: z.array(OpenQuestion).max(10).default([]),
    grades: Grades.default(DEFAULT_GRADES),
  })
  .superRefine((q, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const scale = q.scale;
    if (scale.kind === 'percent-of-weight') {
      q.categories.forEach((c, i) => {
        if (c.weight === undefined)
          issue(['categories', i, 'weight'], 'a percent-of-weight scale needs a weight on every item');
      });
      if (q.categories.every((c) => c.weight !== undefined)) {
        const total = q.categories.reduce((sum, c) => sum + (c.weight ?? 0), 0);
        if (Math.abs(total - 100) > 1e-9) issue(['categories'], `weights must sum to 100, not ${total}`);
      }
    } else {
      q.categories.forEach((c, i) => {
        if (c.weight !== undefined)
          issue(['categories', i, 'weight'], `only a percent-of-weight scale has weights, not ${scale.kind}`);
      });
    }
    const levelIds = scale.levels.map((l) => l.id);
    if (scale.kind === 'points-table') {
      q.categories.forEach((c, i) => {
        if (!c.points) {
          issue(
            ['categories', i, 'points'],
            'a points-table scale needs the points of every level on every item',
          );
          return;
        }
        const missing = levelIds.filter((id) => c.points![id] === undefined);
        if (missing.length > 0)
          issue(
            ['categories', i, 'points'],
            `no points for level ${missing.map((m) => `"${m}"`).join(', ')}`,
          );
        const unknown = Object.keys(c.points).filter((id) => !levelIds.includes(id));
        if (unknown.length > 0)
          issue(
            ['categories', i, 'points'],
            `"${unknown[0]}" is not a level of the scale (${levelIds.join(', ')})`,
          );
        if (missing.length === 0)
          worthCheck(
            levelIds.map((id) => c.points![id]!),
            ['categories', i, 'points'],
            'points',
            issue,
          );
      });
    } else {
      q.categories.forEach((c, i) => {
        if (c.points !== undefined)
          issue(
            ['categories', i, 'points'],
            `only a points-table scale has points per item, not ${scale.kind}`,
          );
      });
    }
    if (scale.kind === 'percent-of-weight')
      worthCheck(
        scale.levels.map((l) => l.percent),
        ['scale', 'levels'],
        'percent',
        issue,
        true,
      );
    if (scale.kind === 'fixed-points')
      worthCheck(
        scale.levels.map((l) => l.points),
        ['scale', 'levels'],
        'points',
        issue,
      );
    if (scale.kind === 'likert') {
      const values = scale.levels.map((l) => l.value);
      if (values.some((v, i) => i > 0 && v >= values[i - 1]!))
        issue(['scale', 'levels'], 'levels are best first: each value must be lower than the one before');
      const [low, high] = [Math.min(...values), Math.max(...values)];
      if (scale.targetMean !== undefined && (scale.targetMean < low || scale.targetMean > high))
        issue(
          ['scale', 'targetMean'],
          `must lie between the lowest and highest level values (${low}–${high}), not ${scale.targetMean}`,
        );
    }
    if (!levelIds.includes(scale.satisfiedFrom)) {
      issue(['scale', 'satisfiedFrom'], `must be one of the levels (${levelIds.join(', ')})`);
    }
    if (!q.categories.some((c) => c.required)) {
      issue(['categories'], 'at least one item must be required, so every response has a total');
    }
    for (const [path, ids] of [
      ['scale', levelIds],
      ['categories', q.categories.map((c) => c.id)],
      ['choiceQuestions', q.choiceQuestions.map((o) => o.id)],
      ['openQuestions', q.openQuestions.map((o) => o.id)],
    ] as const) {
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) issue([path], `id "${dup}" is used twice`);
    }
    q.choiceQuestions.forEach((o, i) => {
      const ids = o.options.map((x) => x.id);
      const dup = ids.find((id, j) => ids.indexOf(id) !== j);
      if (dup) issue(['choiceQuestions', i, 'options'], `id "${dup}" is used twice`);
    });
    const clash = q.categories.find((c) => q.openQuestions.some((o) => o.id === c.id));
    if (clash) issue(['openQuestions'], `id "${clash.id}" is also a category`);
    const choiceClash = q.choiceQuestions.find(
      (o) => q.categories.some((c) => c.id === o.id) || q.openQuestions.some((x) => x.id === o.id),
    );
    if (choiceClash)
      issue(['choiceQuestions'], `id "${choiceClash.id}" is also a category or an open question`);
  });
export type Questionnaire = z.infer<typeof Questionnaire>;
export type QuestionnaireInput = z.input<typeof Questionnaire>;

/**
 * Levels are listed best first, so each must be worth no more than the one before, and (unless `allowFlat`,
 * kept for the percent scales files already use) the best more than the worst: the 0–100 total divides by
 * that difference.
 */
function worthCheck(
  worth: number[],
  path: PropertyKey[],
  what: string,
  issue: (path: PropertyKey[], message: string) => void,
  allowFlat = false,
): void {
  if (worth.some((w, i) => i > 0 && w > worth[i - 1]!)) {
    issue(
      path,
      `levels are best first: each level's ${what} must be no more than the one before (${worth.join(' / ')})`,
    );
  } else if (!allowFlat && worth[0] === worth[worth.length - 1]) {
    issue(path, `the best level must be worth more ${what} than the worst (${worth.join(' / ')})`);
  }
}
