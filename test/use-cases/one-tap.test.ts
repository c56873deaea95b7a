import { describe, expect, it } from 'vitest';
import { surveyPage } from '../../functions/domain/pages/survey-page.ts';
import { InvalidAnswersError, openSurvey, submitSurvey } from '../../functions/use-cases/survey.ts';
import { cachedWaves } from '../../functions/use-cases/waves.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { itss, itssV2, ratingFields } from '../support/programme.ts';

/*
 * One tap submits (issue 3, item 9): itss-satisfaction v2 requires only its first item, the one the
 * emails ask with one-click links; v1 requires all seven.
 */
const store = testStore();
const deps = {
  store,
  clock: { now: () => new Date() },
  waves: cachedWaves(store),
  secret: process.env.TOKEN_SECRET!,
};
const SEND_IT = 'Send this answer';

describe('One tap on a one-click answer', () => {
  it('should offer the one-tap button after a preselected first answer only when the rest is optional', async () => {
    const v2 = await seedInvitation(await seedWave({ questionnaire: itssV2 }), {
      customer: { language: 'en' },
    });
    const v1 = await seedInvitation(await seedWave({ questionnaire: itss }), {
      customer: { language: 'en' },
    });
    const query = { 'r-quality': 'satisfied' };

    const preselected = surveyPage(await openSurvey(deps, { token: v2.surveyToken, query }));
    const plain = surveyPage(await openSurvey(deps, { token: v2.surveyToken }));
    const allRequired = surveyPage(await openSurvey(deps, { token: v1.surveyToken, query }));

    expect(preselected).toContain(SEND_IT);
    // The button follows the first question, before the second one.
    expect(preselected.indexOf(SEND_IT)).toBeLessThan(preselected.indexOf('name="r-performance"'));
    expect(plain).not.toContain(SEND_IT);
    expect(allRequired).not.toContain(SEND_IT);
  });

  it('should store the first answer alone on v2, scored over the answered item, and refuse it on v1', async () => {
    const v2 = await seedInvitation(await seedWave({ questionnaire: itssV2 }));
    const v1 = await seedInvitation(await seedWave({ questionnaire: itss }));
    const form = ratingFields({ quality: 'satisfied' });

    const { response } = await submitSurvey(deps, { token: v2.surveyToken, form });

    // Quality weighs 20; satisfied is 80 % of it: raw 16 points, total 16 / 20 × 100 = 80 (C: 61–80).
    expect(response).toMatchObject({ ratings: { quality: 'satisfied' }, raw: 16, total: 80, grade: 'C' });
    expect(response.questionnaireVersion).toBe(2);
    expect((await store.getInvitation(v2.invitation.id))?.response?.total).toBe(80);
    await expect(submitSurvey(deps, { token: v1.surveyToken, form })).rejects.toBeInstanceOf(
      InvalidAnswersError,
    );
    expect((await store.getInvitation(v1.invitation.id))?.response).toBeUndefined();
  });
});
