import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionTriggers } from '../../functions/domain/actions/config.ts';
import { actionReasons } from '../../functions/domain/actions/triggers.ts';
import { itss } from '../support/programme.ts';

/* actionReasons on the example questionnaire (levels best first: very-satisfied … very-dissatisfied). */
const levels = itss.scale.levels.map((l) => l.id);
const categories = itss.categories.map((c) => c.id);
const questions = itss.openQuestions.map((q) => q.id);

const ratings = fc.dictionary(fc.constantFrom(...categories), fc.constantFrom(...levels));
const comments = fc.dictionary(fc.constantFrom(...questions), fc.string({ maxLength: 40 }));
const triggers: fc.Arbitrary<ActionTriggers> = fc.record(
  {
    totalBelow: fc.integer({ min: 0, max: 100 }),
    ratingAtOrBelow: fc.constantFrom(...levels),
    keywords: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 3 }),
    contactRequest: fc.boolean(),
  },
  { requiredKeys: [] },
);
const input = fc.record({
  total: fc.integer({ min: 0, max: 100 }),
  ratings,
  comments,
  contactRequested: fc.boolean(),
});

describe('actionReasons', () => {
  it('should never open an action for a flagged response', () => {
    fc.assert(
      fc.property(triggers, input, (t, i) => {
        expect(actionReasons(itss, t, { ...i, flagged: true })).toEqual([]);
      }),
    );
  });

  it('should give a total reason exactly when the total is below the threshold', () => {
    fc.assert(
      fc.property(triggers, input, (t, i) => {
        const has = actionReasons(itss, t, i).some((r) => r.kind === 'total-below');
        expect(has).toBe(t.totalBelow !== undefined && i.total < t.totalBelow);
      }),
    );
  });

  it('should give one rating reason per item at or below the level, in questionnaire order', () => {
    fc.assert(
      fc.property(triggers, input, (t, i) => {
        const got = actionReasons(itss, t, i).filter((r) => r.kind === 'rating');
        const from = t.ratingAtOrBelow === undefined ? Infinity : levels.indexOf(t.ratingAtOrBelow);
        const want = categories
          .filter((c) => i.ratings[c] !== undefined && levels.indexOf(i.ratings[c]!) >= from)
          .map((c) => ({ kind: 'rating', category: c, level: i.ratings[c] }));
        expect(got).toEqual(want);
      }),
    );
  });

  it('should match keywords in any case and width, once per comment', () => {
    fc.assert(
      fc.property(fc.constantFrom(...questions), fc.string({ maxLength: 10 }), (q, pad) => {
        const t = { keywords: ['complaint', '投诉'] };
        for (const text of [`${pad}COMPLAINT${pad}`, `${pad}Ｃｏｍｐｌａｉｎｔ`, `我要投诉${pad}`]) {
          const got = actionReasons(itss, t, { total: 100, ratings: {}, comments: { [q]: text } });
          expect(got).toHaveLength(1);
          expect(got[0]).toMatchObject({ kind: 'keyword', question: q });
        }
      }),
    );
  });

  it('should count the contact request only where the campaign takes it', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (offered, ticked) => {
        const got = actionReasons(
          itss,
          { contactRequest: offered, totalBelow: 0 },
          { total: 100, ratings: {}, comments: {}, contactRequested: ticked },
        );
        expect(got).toEqual(offered && ticked ? [{ kind: 'contact-request' }] : []);
      }),
    );
  });

  it('should open nothing for the best answers without keywords or a request', () => {
    fc.assert(
      fc.property(triggers, (t) => {
        const best = Object.fromEntries(categories.map((c) => [c, levels[0]!]));
        const got = actionReasons(
          itss,
          { ...t, ratingAtOrBelow: levels[1] },
          {
            total: 100,
            ratings: best,
            comments: {},
            contactRequested: false,
          },
        );
        expect(got).toEqual([]);
      }),
    );
  });
});
