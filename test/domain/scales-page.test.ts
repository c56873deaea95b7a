import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../functions/domain/answers.ts';
import { choiceField, commentField, ratingField } from '../../functions/domain/form-fields.ts';
import { surveyPage } from '../../functions/domain/pages/survey-page.ts';
import { currentQuestionnaire } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';

const fixed = currentQuestionnaire(programme, 'key-customer-points');
const table = currentQuestionnaire(programme, 'supplier-points-table');
const likert = currentQuestionnaire(programme, 'product-likert');

const _Q_FILE = 'programme/questionnaires/q.json';

describe('scales: the survey page and the form', () => {
  it('should render every scale as fieldsets with a legend and one radio per level, optional items unmarked', () => {
    for (const q of [fixed, table, likert]) {
      const page = surveyPage({
        language: 'zh-CN',
        questionnaire: q,
        customerName: '王伟',
        expiresAt: '2026-01-15T09:00:00.000Z',
        timeZone: 'Asia/Shanghai',
        wave: { campaignId: 'demo', waveId: 'demo-20260101T0100' },
      });
      expect(page.split('<fieldset').length - 1).toBe(q.categories.length + q.choiceQuestions.length);
      expect(page.split('<legend>').length - 1).toBe(q.categories.length + q.choiceQuestions.length);
      for (const c of q.categories) {
        for (const l of q.scale.levels) {
          expect(page).toContain(
            `<input type="radio" id="${ratingField(c.id)}_${l.id}" name="${ratingField(c.id)}" value="${l.id}"${c.required ? ' required' : ''}>`,
          );
        }
      }
    }
    const page = surveyPage({
      language: 'en',
      questionnaire: likert,
      customerName: 'Ann',
      expiresAt: '2026-01-15T09:00:00.000Z',
      timeZone: 'Asia/Shanghai',
      wave: { campaignId: 'demo', waveId: 'demo-20260101T0100' },
    });
    expect(page).toContain(
      '<fieldset role="radiogroup" aria-required="false" aria-describedby="hint-r-extra-features">',
    );
    expect(page).toContain('<legend>Additional features <span class="note">(optional)</span></legend>');
    expect(page).toContain(
      '<legend>How often do you use our product? <span class="note">(optional)</span></legend>',
    );
    expect(page).toContain(
      `<input type="radio" id="${choiceField('usage-frequency')}_high" name="${choiceField('usage-frequency')}" value="high">`,
    );
    expect(page).toContain('<span>5 · Very satisfied</span>');
  });

  it('should accept a blank optional item or choice and refuse a blank required one or an unknown option', () => {
    const form = (overrides: Record<string, string>): Record<string, string> => ({
      ...Object.fromEntries(likert.categories.map((c) => [ratingField(c.id), '4'])),
      ...overrides,
    });
    const blankOptional = parseAnswers(likert, form({ [ratingField('extra-features')]: '' }));
    expect(blankOptional.ok && blankOptional.answers.ratings['extra-features']).toBeUndefined();
    expect(blankOptional.ok && blankOptional.answers.choices).toEqual({});
    const chosen = parseAnswers(likert, form({ [choiceField('usage-frequency')]: 'medium' }));
    expect(chosen.ok && chosen.answers.choices).toEqual({ 'usage-frequency': 'medium' });
    const badChoice = parseAnswers(likert, form({ [choiceField('usage-frequency')]: 'daily' }));
    expect(badChoice.ok || badChoice.errors).toEqual({ [choiceField('usage-frequency')]: 'invalid-choice' });
    const badOptional = parseAnswers(likert, form({ [ratingField('extra-features')]: '6' }));
    expect(badOptional.ok || badOptional.errors).toEqual({
      [ratingField('extra-features')]: 'invalid-choice',
    });
    const blankRequired = parseAnswers(likert, form({ [ratingField('brand')]: '' }));
    expect(blankRequired.ok || blankRequired.errors).toEqual({ [ratingField('brand')]: 'required' });
    const tooLong = parseAnswers(likert, form({ [commentField('unmet-needs')]: 'x'.repeat(2001) }));
    expect(tooLong.ok || tooLong.errors).toEqual({ [commentField('unmet-needs')]: 'too-long' });
    // A questionnaire without single-choice questions answers as before: no `choices` at all.
    const plain = parseAnswers(
      table,
      Object.fromEntries(table.categories.map((c) => [ratingField(c.id), 'satisfied'])),
    );
    expect(plain.ok && Object.keys(plain.answers)).toEqual(['ratings', 'comments']);
  });
});
