import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentQuestionnaire, loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { Questionnaire, type QuestionnaireInput } from '../../functions/domain/questionnaire.ts';
import { isSatisfied, score } from '../../functions/domain/scoring.ts';
import { programme } from '../../programme/index.ts';
import keyCustomerPoints from '../../programme/questionnaires/key-customer-points.v1.json' with {
  type: 'json',
};
import productLikert from '../../programme/questionnaires/product-likert.v1.json' with { type: 'json' };
import supplierTable from '../../programme/questionnaires/supplier-points-table.v1.json' with {
  type: 'json',
};
import { allAt, itss, MIXED } from '../support/programme.ts';

const fixed = currentQuestionnaire(programme, 'key-customer-points');
const table = currentQuestionnaire(programme, 'supplier-points-table');
const likert = currentQuestionnaire(programme, 'product-likert');

const every = (q: Questionnaire, level: string): Record<string, string> =>
  Object.fromEntries(q.categories.map((c) => [c.id, level]));

const Q_FILE = 'programme/questionnaires/q.json';
function problemsOf(q: unknown): string[] {
  try {
    loadProgramme({ questionnaires: { [Q_FILE]: q }, campaigns: {} });
  } catch (e) {
    if (e instanceof ProgrammeError) return e.problems;
    throw e;
  }
  throw new Error('the questionnaire was accepted');
}
const clone = <T>(v: T): T => structuredClone(v);

describe('scales: hand-computed totals from the seeds', () => {
  it('should score seed 001 fixed points (50 / 30 / 20 / 0 / −10) on 0–100 from the lowest to the highest sum', () => {
    // 8 items: lowest Σ = 8 × −10 = −80, highest 8 × 50 = 400, span 480.
    // 50 + 30 + 20 + 0 − 10 + 30 + 20 + 50 = 190 → (190 + 80) / 480 × 100 = 56.25 → D (40–60)
    const ratings = {
      quality: 'very-satisfied',
      price: 'satisfied',
      packaging: 'neutral',
      'delivery-time': 'dissatisfied',
      'pre-sales': 'very-dissatisfied',
      'after-sales': 'satisfied',
      complaints: 'neutral',
      'sales-staff': 'very-satisfied',
    };
    expect(score(fixed, ratings)).toEqual({ total: 56.25, raw: 190, grade: 'D' });
    expect(score(fixed, every(fixed, 'very-satisfied'))).toEqual({ total: 100, raw: 400, grade: 'A' });
    expect(score(fixed, every(fixed, 'very-dissatisfied'))).toEqual({ total: 0, raw: -80, grade: 'E' });
    // 8 × 30 = 240 → 320 / 480 = 66.67 → C
    expect(score(fixed, every(fixed, 'satisfied'))).toEqual({ total: 66.67, raw: 240, grade: 'C' });
  });

  it('should score seed 004 points per item; its table tops at 100 from 0, so total = raw', () => {
    // quality 20 + RoHS 20 + service 16 + improvement 8 + packaging 8 + date 5 + quantity 3 = 80 → C
    const ratings = {
      quality: 'fairly-satisfied',
      rohs: 'very-satisfied',
      service: 'satisfied',
      improvement: 'dissatisfied',
      packaging: 'fairly-satisfied',
      'delivery-date': 'very-satisfied',
      'delivery-quantity': 'satisfied',
    };
    expect(score(table, ratings)).toEqual({ total: 80, raw: 80, grade: 'C' });
    // 20 + 18 + 18 + 13 + 8 + 4 + 4 = 85 → B
    expect(score(table, every(table, 'fairly-satisfied'))).toEqual({ total: 85, raw: 85, grade: 'B' });
    expect(score(table, every(table, 'very-satisfied'))).toEqual({ total: 100, raw: 100, grade: 'A' });
    expect(score(table, every(table, 'very-dissatisfied'))).toEqual({ total: 0, raw: 0, grade: 'E' });
  });

  it('should score seed 003 Likert as the mean and (mean − 1) / 4 × 100', () => {
    // 5 + 4 + 4 + 3 + 4 + 5 + 4 = 29 / 7 = 4.142857 → raw 4.14; (3.142857 / 4) × 100 = 78.57 → C
    const ratings = {
      'core-features': '5',
      'extra-features': '4',
      'ease-of-use': '4',
      'response-speed': '3',
      'support-channels': '4',
      'support-staff': '5',
      brand: '4',
    };
    expect(score(likert, ratings)).toEqual({ total: 78.57, raw: 4.14, grade: 'C' });
    expect(score(likert, every(likert, '5'))).toEqual({ total: 100, raw: 5, grade: 'A' });
    expect(score(likert, every(likert, '1'))).toEqual({ total: 0, raw: 1, grade: 'E' });
  });

  it('should take the total over the answered items when an optional item is left blank', () => {
    // Likert without the optional extra features: 5 + 4 + 3 + 4 + 5 + 4 = 25 / 6 = 4.1667 → 79.17
    const { 'extra-features': _skip, ...rest } = {
      'core-features': '5',
      'extra-features': '4',
      'ease-of-use': '4',
      'response-speed': '3',
      'support-channels': '4',
      'support-staff': '5',
      brand: '4',
    };
    expect(score(likert, rest)).toEqual({ total: 79.17, raw: 4.17, grade: 'C' });
    // Percent of weight with consulting (5) optional and blank: 77 − 1 = 76 points over weight 95 → 80 → C
    const input = clone(itssInput());
    input.categories.find((c) => c.id === 'consulting')!.required = false;
    const q = Questionnaire.parse(input);
    const { consulting: _c, ...mixed } = MIXED;
    expect(score(q, mixed)).toEqual({ total: 80, raw: 76, grade: 'C' });
    // A required item is still required.
    const { quality: _q, ...noQuality } = mixed;
    expect(() => score(q, noQuality)).toThrow(/quality/);
  });

  it('should keep the satisfaction rate at the configured level on every scale', () => {
    expect(isSatisfied(fixed, 'neutral')).toBe(true);
    expect(isSatisfied(fixed, 'dissatisfied')).toBe(false);
    expect(isSatisfied(table, 'satisfied')).toBe(true);
    expect(isSatisfied(table, 'dissatisfied')).toBe(false);
    expect(isSatisfied(likert, '3')).toBe(true);
    expect(isSatisfied(likert, '2')).toBe(false);
  });

  it('should still score the existing percent-of-weight file as before', () => {
    expect(score(itss, MIXED)).toEqual({ total: 77, raw: 77, grade: 'C' });
    expect(score(itss, allAt('very-dissatisfied')).total).toBe(20);
  });
});

function itssInput(): QuestionnaireInput & { categories: Array<{ id: string; required?: boolean }> } {
  return clone(
    programme.questionnaires.find((q) => q.id === 'itss-satisfaction')!,
  ) as unknown as QuestionnaireInput & { categories: Array<{ id: string; required?: boolean }> };
}

describe('scales: the schema refuses what cannot be scored, with file, field and reason', () => {
  it('should refuse weights that do not sum to 100, and a missing weight', () => {
    const q = clone(itssInput()) as unknown as { categories: Array<{ weight?: number }> };
    q.categories[0]!.weight = 25;
    expect(problemsOf(q)).toContain(`${Q_FILE}: categories: weights must sum to 100, not 105`);
    delete q.categories[0]!.weight;
    expect(problemsOf(q)).toContain(
      `${Q_FILE}: categories[0].weight: a percent-of-weight scale needs a weight on every item`,
    );
  });

  it('should refuse a points table missing a level or naming an unknown one', () => {
    const q = clone(supplierTable) as { categories: Array<{ points: Record<string, number> }> };
    delete (q.categories[1]!.points as Record<string, number>)['very-dissatisfied'];
    (q.categories[2]!.points as Record<string, number>).excellent = 30;
    const problems = problemsOf(q);
    expect(problems).toContain(`${Q_FILE}: categories[1].points: no points for level "very-dissatisfied"`);
    expect(
      problems.some((p) => p.startsWith(`${Q_FILE}: categories[2].points: "excellent" is not a level`)),
    ).toBe(true);
  });

  it('should refuse points that rise from the best level to the worst, or do not fall at all', () => {
    const q = clone(supplierTable) as { categories: Array<{ points: Record<string, number> }> };
    q.categories[0]!.points.dissatisfied = 24;
    expect(problemsOf(q)).toContain(
      `${Q_FILE}: categories[0].points: levels are best first: each level's points must be no more than the one before (25 / 20 / 16 / 24 / 0)`,
    );
    const flat = clone(keyCustomerPoints) as { scale: { levels: Array<{ points: number }> } };
    for (const l of flat.scale.levels) l.points = 10;
    expect(problemsOf(flat)).toContain(
      `${Q_FILE}: scale.levels: the best level must be worth more points than the worst (10 / 10 / 10 / 10 / 10)`,
    );
  });

  it('should refuse a Likert target outside the scale and values out of order', () => {
    const q = clone(productLikert) as { scale: { targetMean: number; levels: Array<{ value: number }> } };
    q.scale.targetMean = 5.5;
    expect(problemsOf(q)).toContain(
      `${Q_FILE}: scale.targetMean: must lie between the lowest and highest level values (1–5), not 5.5`,
    );
    q.scale.targetMean = 4;
    q.scale.levels[1]!.value = 5;
    expect(problemsOf(q)).toContain(
      `${Q_FILE}: scale.levels: levels are best first: each value must be lower than the one before`,
    );
  });

  it('should refuse an unknown kind, fields of another kind, and a questionnaire with no required item', () => {
    const unknownKind = clone(keyCustomerPoints) as { scale: { kind: string } };
    unknownKind.scale.kind = 'stars';
    expect(
      problemsOf(unknownKind).some((p) => p.startsWith(`${Q_FILE}: scale.kind: kind must be one of`)),
    ).toBe(true);
    const weighted = clone(keyCustomerPoints) as { categories: Array<{ weight?: number }> };
    weighted.categories[0]!.weight = 100;
    expect(problemsOf(weighted)).toContain(
      `${Q_FILE}: categories[0].weight: only a percent-of-weight scale has weights, not fixed-points`,
    );
    const percentLevels = clone(keyCustomerPoints) as { scale: { levels: Array<Record<string, unknown>> } };
    percentLevels.scale.levels[0]!.percent = 100;
    expect(
      problemsOf(percentLevels).some((p) => p.includes('scale.levels[0]') && p.includes('percent')),
    ).toBe(true);
    const allOptional = clone(productLikert) as { categories: Array<{ required?: boolean }> };
    for (const c of allOptional.categories) c.required = false;
    expect(problemsOf(allOptional)).toContain(
      `${Q_FILE}: categories: at least one item must be required, so every response has a total`,
    );
  });

  it('should refuse a single-choice question with one option, a repeated option or an id in use', () => {
    const q = clone(productLikert) as {
      choiceQuestions: Array<{ id: string; options: Array<{ id: string }> }>;
    };
    q.choiceQuestions[0]!.options[1]!.id = 'high';
    expect(problemsOf(q)).toContain(`${Q_FILE}: choiceQuestions[0].options: id "high" is used twice`);
    q.choiceQuestions[0]!.options = q.choiceQuestions[0]!.options.slice(0, 1);
    expect(problemsOf(q).some((p) => p.startsWith(`${Q_FILE}: choiceQuestions[0].options:`))).toBe(true);
    const clash = clone(productLikert) as { choiceQuestions: Array<{ id: string }> };
    clash.choiceQuestions[0]!.id = 'brand';
    expect(problemsOf(clash)).toContain(
      `${Q_FILE}: choiceQuestions: id "brand" is also a category or an open question`,
    );
  });

  it('should refuse an open question longer than 2,000 characters', () => {
    const q = clone(productLikert) as { openQuestions: Array<{ maxLength: number }> };
    q.openQuestions[0]!.maxLength = 2001;
    expect(problemsOf(q).some((p) => p.startsWith(`${Q_FILE}: openQuestions[0].maxLength:`))).toBe(true);
  });
});

/** Any valid questionnaire of any scale kind: levels best first, at least one required item. */
const anyQuestionnaire: fc.Arbitrary<Questionnaire> = fc
  .record({
    kind: fc.constantFrom('percent-of-weight', 'fixed-points', 'points-table', 'likert'),
    levels: fc.integer({ min: 2, max: 7 }),
    required: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
    seed: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 60, maxLength: 60 }),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 5, maxLength: 5 }),
  })
  .map(({ kind, levels, required, seed, cuts }) => {
    const n = required.length;
    const label = { 'zh-CN': '项', en: 'Item' };
    const falling = (offset: number, lo: number, hi: number, strict: boolean): number[] => {
      const values = seed.slice(offset, offset + levels).map((v) => lo + (Math.abs(v) % (hi - lo + 1)));
      values.sort((a, b) => b - a);
      if (strict) return values.map((_, i) => levels - i - 1 + lo);
      if (values[0] === values[values.length - 1]) values[0] = values[0]! + 1;
      return values;
    };
    const levelIds = Array.from({ length: levels }, (_, i) => `l${i}`);
    const pts = falling(0, -1000, 999, false);
    const pct = falling(10, 0, 100, false).map((v) => Math.min(100, v));
    const bounds = [0, ...cuts.slice(0, n - 1).sort((a, b) => a - b), 100];
    const scale =
      kind === 'percent-of-weight'
        ? { kind, levels: levelIds.map((id, i) => ({ id, label, percent: pct[i]! })) }
        : kind === 'fixed-points'
          ? { kind, levels: levelIds.map((id, i) => ({ id, label, points: pts[i]! })) }
          : kind === 'points-table'
            ? { kind, levels: levelIds.map((id) => ({ id, label })) }
            : { kind, levels: levelIds.map((id, i) => ({ id, label, value: levels - i })), targetMean: 1 };
    const input = {
      id: 'q',
      version: 1,
      title: label,
      scale: { ...scale, satisfiedFrom: levelIds[Math.floor(levels / 2)]! },
      categories: required.map((r, i) => ({
        id: `c${i}`,
        label,
        required: r || i === 0,
        ...(kind === 'percent-of-weight' && { weight: bounds[i + 1]! - bounds[i]! }),
        ...(kind === 'points-table' && {
          points: Object.fromEntries(levelIds.map((id, j) => [id, falling(20 + i * 5, -50, 50, false)[j]!])),
        }),
      })),
    };
    return Questionnaire.parse(input);
  });

describe('scales: properties of every valid questionnaire', () => {
  it('should keep any answer set within 0–100, between the all-worst and all-best answers', () => {
    fc.assert(
      fc.property(
        anyQuestionnaire.chain((q) =>
          fc.tuple(
            fc.constant(q),
            fc.tuple(
              ...q.categories.map((c) =>
                c.required
                  ? fc.nat({ max: q.scale.levels.length - 1 })
                  : fc.option(fc.nat({ max: q.scale.levels.length - 1 }), { nil: undefined }),
              ),
            ),
          ),
        ),
        ([q, picks]) => {
          const ratings: Record<string, string> = {};
          const answered: string[] = [];
          q.categories.forEach((c, i) => {
            if (picks[i] === undefined) return;
            ratings[c.id] = q.scale.levels[picks[i]!]!.id;
            answered.push(c.id);
          });
          const at = (level: number) =>
            Object.fromEntries(answered.map((id) => [id, q.scale.levels[level]!.id]));
          const { total } = score(q, ratings);
          const best = score(q, at(0)).total;
          const worst = score(q, at(q.scale.levels.length - 1)).total;
          expect(total).toBeGreaterThanOrEqual(0);
          expect(total).toBeLessThanOrEqual(100);
          expect(best).toBeGreaterThanOrEqual(total);
          expect(total).toBeGreaterThanOrEqual(worst);
          expect(best).toBeGreaterThan(worst - 1e-9);
        },
      ),
    );
  });
});
