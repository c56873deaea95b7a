import { describe, expect, it } from 'vitest';
import type { Questionnaire } from '../../functions/domain/questionnaire.ts';
import { InvalidAnswersError, openSurvey, submitSurvey } from '../../functions/use-cases/survey.ts';
import { cachedWaves } from '../../functions/use-cases/waves.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { itss, MIXED, ratingFields } from '../support/programme.ts';

/*
 * A questionnaire changes between two waves (version 2 adds an item, seed 004: "add the item customers
 * raised to the next questionnaire"). Each wave keeps the version it sent: its page shows that version's
 * items, and its responses are checked and scored against it.
 */
const v2: Questionnaire = {
  ...itss,
  version: 2,
  categories: [
    ...itss.categories.map((c) => (c.id === 'price' ? { ...c, weight: 10 } : c)),
    { id: 'invoicing', label: { 'zh-CN': '开票', en: 'Invoicing' }, weight: 10, required: true },
  ],
};

const store = testStore();
const deps = {
  store,
  clock: { now: () => new Date() },
  waves: cachedWaves(store),
  secret: process.env.TOKEN_SECRET!,
};

describe('Questionnaire versions across waves', () => {
  it('should show and score each wave against the version it sent', async () => {
    const old = await seedWave({ questionnaire: itss });
    const current = await seedWave({ questionnaire: v2 });
    const a = await seedInvitation(old);
    const b = await seedInvitation(current);

    const oldView = await openSurvey(deps, { token: a.surveyToken });
    const newView = await openSurvey(deps, { token: b.surveyToken });
    expect(oldView.questionnaire.version).toBe(1);
    expect(oldView.questionnaire.categories.map((c) => c.id)).not.toContain('invoicing');
    expect(newView.questionnaire.categories.map((c) => c.id)).toContain('invoicing');

    // v1's answers complete the old wave's form: 77 by seed 002's weights (test/support/programme.ts).
    const answered = await submitSurvey(deps, { token: a.surveyToken, form: ratingFields(MIXED) });
    expect(answered.response).toMatchObject({ total: 77, grade: 'C', questionnaireVersion: 1 });

    // The same answers are incomplete for v2, which asks about invoicing too.
    const refused = submitSurvey(deps, { token: b.surveyToken, form: ratingFields(MIXED) });
    await expect(refused).rejects.toBeInstanceOf(InvalidAnswersError);
    // With invoicing rated: price now weighs 10 (60 % → 6, not 12) and invoicing 10 × 100 % = 10 → 81.
    const scored = await submitSurvey(deps, {
      token: b.surveyToken,
      form: ratingFields({ ...MIXED, invoicing: 'very-satisfied' }),
    });
    expect(scored.response).toMatchObject({ total: 81, grade: 'B', questionnaireVersion: 2 });

    // The stored wave still carries version 1, whatever the programme says now.
    expect((await store.getWave(old.campaignId, old.waveId))?.questionnaire).toEqual(itss);
  });
});
