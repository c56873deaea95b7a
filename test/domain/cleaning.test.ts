import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSameLevel, Cleaning, judgeResponse, needsTiming } from '../../functions/domain/cleaning.ts';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import campaignFile from '../../programme/campaigns/demo.json' with { type: 'json' };
import { calendarFiles } from '../../programme/files.ts';
import questionnaireFile from '../../programme/questionnaires/itss-satisfaction.v1.json' with {
  type: 'json',
};
import { allAt, itss, MIXED } from '../support/programme.ts';

/** The rules of the brief: straight-lining within 30 s, anything under 10 s too fast. */
const RULES: Cleaning = {
  rules: [
    { kind: 'straight-lining', withinSeconds: 30 },
    { kind: 'too-fast', minSeconds: 10 },
  ],
};
const SAME = allAt('satisfied');
const levels = itss.scale.levels.map((l) => l.id);

describe('Cleaning (the campaign’s configuration)', () => {
  it('should accept the rules of the example, a straight-lining rule without time, and keep them as written', () => {
    expect(Cleaning.parse(RULES)).toEqual(RULES);
    expect(Cleaning.parse({ rules: [{ kind: 'straight-lining' }] })).toEqual({
      rules: [{ kind: 'straight-lining' }],
    });
  });

  it.each([
    [{ rules: [] }, 'rules: list at least one rule'],
    [
      { rules: [{ kind: 'speeding', minSeconds: 10 }] },
      'rules[0].kind: kind must be "straight-lining" or "too-fast"',
    ],
    [{ rules: [{ kind: 'too-fast' }] }, 'rules[0].minSeconds: must be a number of seconds, e.g. 30'],
    [
      { rules: [{ kind: 'too-fast', minSeconds: '10' }] },
      'rules[0].minSeconds: must be a number of seconds, e.g. 30',
    ],
    [{ rules: [{ kind: 'too-fast', minSeconds: 0 }] }, 'rules[0].minSeconds: must be more than 0 seconds'],
    [{ rules: [{ kind: 'too-fast', minSeconds: -5 }] }, 'rules[0].minSeconds: must be more than 0 seconds'],
    [
      { rules: [{ kind: 'too-fast', minSeconds: 10_000 }] },
      'rules[0].minSeconds: must be at most 3600 seconds (an hour): write seconds, not milliseconds',
    ],
    [
      { rules: [{ kind: 'straight-lining', withinSeconds: 30, minSeconds: 5 }] },
      'rules[0]: Unrecognized key: "minSeconds"',
    ],
    [
      {
        rules: [
          { kind: 'too-fast', minSeconds: 10 },
          { kind: 'too-fast', minSeconds: 20 },
        ],
      },
      'rules: rule "too-fast" is listed twice',
    ],
    [{ rule: [] }, ': Unrecognized key: "rule"'],
  ])('should refuse %j with a clear message', (input, message) => {
    const result = Cleaning.safeParse(input);
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map(
      (i) =>
        `${i.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '')}: ${i.message}`,
    );
    expect(messages).toContain(message);
  });

  it('should name the file and the field when a campaign’s rule is wrong, and load a right one', () => {
    const files = (cleaning: unknown) => ({
      questionnaires: { 'itss-satisfaction.v1.json': questionnaireFile },
      campaigns: { 'demo.json': { ...campaignFile, cleaning } },
      calendars: calendarFiles,
    });
    expect(() => loadProgramme(files({ rules: [{ kind: 'too-fast', minSeconds: -1 }] }))).toThrow(
      ProgrammeError,
    );
    expect(() => loadProgramme(files({ rules: [{ kind: 'too-fast', minSeconds: -1 }] }))).toThrow(
      'demo.json: cleaning.rules[0].minSeconds: must be more than 0 seconds',
    );
    expect(loadProgramme(files(RULES)).campaigns[0]?.cleaning).toEqual(RULES);
    expect(loadProgramme(files(undefined)).campaigns[0]?.cleaning).toBeUndefined();
  });

  it('should say which rules need the time taken', () => {
    expect(needsTiming({ kind: 'too-fast', minSeconds: 10 })).toBe(true);
    expect(needsTiming({ kind: 'straight-lining', withinSeconds: 30 })).toBe(true);
    expect(needsTiming({ kind: 'straight-lining' })).toBe(false);
  });
});

describe('judgeResponse', () => {
  describe('too-fast', () => {
    const tooFast: Cleaning = { rules: [{ kind: 'too-fast', minSeconds: 10 }] };

    it.each([
      [0, ['too-fast']],
      [9.999, ['too-fast']],
      [10, []],
      [10.001, []],
      [600, []],
    ])('should flag %s s against a 10 s minimum as %j', (secondsTaken, flags) => {
      expect(judgeResponse(tooFast, { ratings: MIXED, secondsTaken })).toEqual({ flags, secondsTaken });
    });
  });

  describe('straight-lining', () => {
    const within30: Cleaning = { rules: [{ kind: 'straight-lining', withinSeconds: 30 }] };

    it.each([
      [5, ['straight-lining']],
      [30, ['straight-lining']],
      [30.001, []],
      [120, []],
    ])('should flag every item at one level after %s s (within 30 s) as %j', (secondsTaken, flags) => {
      expect(judgeResponse(within30, { ratings: SAME, secondsTaken })).toEqual({ flags, secondsTaken });
    });

    it('should not flag answers at different levels, however fast', () => {
      expect(judgeResponse(within30, { ratings: MIXED, secondsTaken: 1 })).toEqual({
        flags: [],
        secondsTaken: 1,
      });
      // Six items alike and one different is still not a straight line.
      const almost = { ...allAt('very-satisfied'), consulting: 'satisfied' };
      expect(judgeResponse(within30, { ratings: almost, secondsTaken: 1 }).flags).toEqual([]);
    });

    it('should flag identical answers at any speed, or with no known time, when the rule sets no time', () => {
      const always: Cleaning = { rules: [{ kind: 'straight-lining' }] };
      expect(judgeResponse(always, { ratings: SAME, secondsTaken: 3000 }).flags).toEqual(['straight-lining']);
      expect(judgeResponse(always, { ratings: SAME, secondsTaken: undefined })).toEqual({
        flags: ['straight-lining'],
      });
      expect(judgeResponse(always, { ratings: MIXED, secondsTaken: undefined })).toEqual({ flags: [] });
    });

    it('should see no pattern in a single rated item', () => {
      expect(allSameLevel({ quality: 'satisfied' })).toBe(false);
      expect(allSameLevel({})).toBe(false);
      expect(allSameLevel({ quality: 'satisfied', price: 'satisfied' })).toBe(true);
    });
  });

  describe('both rules', () => {
    it('should give every flag that applies, in a fixed order', () => {
      expect(judgeResponse(RULES, { ratings: SAME, secondsTaken: 5 })).toEqual({
        flags: ['straight-lining', 'too-fast'],
        secondsTaken: 5,
      });
      expect(judgeResponse(RULES, { ratings: SAME, secondsTaken: 20 }).flags).toEqual(['straight-lining']);
      expect(judgeResponse(RULES, { ratings: MIXED, secondsTaken: 5 }).flags).toEqual(['too-fast']);
      expect(judgeResponse(RULES, { ratings: MIXED, secondsTaken: 45 })).toEqual({
        flags: [],
        secondsTaken: 45,
      });
    });

    it('should flag unverifiable timing instead of guessing when the opening time is not known', () => {
      expect(judgeResponse(RULES, { ratings: MIXED, secondsTaken: undefined })).toEqual({
        flags: ['unverifiable-timing'],
      });
      expect(judgeResponse(RULES, { ratings: SAME, secondsTaken: Number.NaN })).toEqual({
        flags: ['unverifiable-timing'],
      });
    });
  });

  it('should never throw, and give only known flags, whatever the ratings and the time', () => {
    const rule = fc.oneof(
      fc.record({
        kind: fc.constant('straight-lining' as const),
        withinSeconds: fc.option(fc.double({ min: 0.001, max: 3600, noNaN: true }), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('too-fast' as const), minSeconds: fc.double({ min: 0.001, max: 3600 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 2 }),
        fc.dictionary(fc.string(), fc.string()),
        fc.option(fc.double(), { nil: undefined }),
        (rules, ratings, secondsTaken) => {
          const rulesWithoutUndefined = rules.map((r) =>
            r.kind === 'straight-lining' && r.withinSeconds === undefined ? { kind: r.kind } : r,
          );
          const verdict = judgeResponse({ rules: rulesWithoutUndefined }, { ratings, secondsTaken });
          for (const f of verdict.flags) {
            expect(['straight-lining', 'too-fast', 'unverifiable-timing']).toContain(f);
          }
          expect(new Set(verdict.flags).size).toBe(verdict.flags.length);
        },
      ),
    );
  });

  it('should never call answers at two different levels straight-lining', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...itss.categories.map((c) => c.id)), { minLength: 2 }),
        fc.uniqueArray(fc.constantFrom(...levels), { minLength: 2, maxLength: 2 }),
        fc.array(fc.constantFrom(...levels)),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        (categories, [a, b], rest, secondsTaken) => {
          const ratings: Record<string, string> = {};
          categories.forEach((c, i) => {
            ratings[c] = i === 0 ? a! : i === 1 ? b! : (rest[i] ?? a!);
          });
          const verdict = judgeResponse(
            { rules: [{ kind: 'straight-lining', withinSeconds: 3600 }] },
            { ratings, secondsTaken },
          );
          expect(verdict.flags).not.toContain('straight-lining');
          expect(
            judgeResponse({ rules: [{ kind: 'straight-lining' }] }, { ratings, secondsTaken }).flags,
          ).toEqual([]);
        },
      ),
    );
  });
});
