import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commentField, ratingField } from '../../functions/domain/form-fields.ts';
import { escapeHtml } from '../../functions/domain/html.ts';
import { html, raw, SafeHtml } from '../../functions/domain/pages/html.ts';
import { STYLESHEET } from '../../functions/domain/pages/layout.ts';
import {
  linkUnavailablePage,
  problemPage,
  thankYouPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../../functions/domain/pages/notices.ts';
import { type SurveyFormView, surveyPage } from '../../functions/domain/pages/survey-page.ts';
import { itss } from '../support/programme.ts';

const view = (overrides: Partial<SurveyFormView> = {}): SurveyFormView => ({
  language: 'en',
  questionnaire: itss,
  customerName: 'Alice Morgan',
  expiresAt: '2025-01-15T09:00:00.000Z',
  timeZone: 'Asia/Shanghai',
  wave: { campaignId: 'demo', waveId: 'demo-20250101T0100' },
  ...overrides,
});

const count = (s: string, c: string): number => s.split(c).length - 1;
const ids = (page: string): string[] => [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);

describe('html templates', () => {
  it('should escape interpolated text but keep nested templates and raw markup', () => {
    const name = '<b>Bob</b>';
    const out = html`<p>${name}${html`<i>${'&'}</i>`}${raw('<br>')}${[html`<s>`, '<']}${undefined}${null}${false}${3}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe('<p>&lt;b&gt;Bob&lt;/b&gt;<i>&amp;</i><br><s>&lt;3</p>');
  });
});

describe('survey page', () => {
  it('should give every radio button and text box a real label and group each category in a fieldset', () => {
    const page = surveyPage(view());
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).not.toMatch(/<script/i);
    expect(count(page, '<fieldset')).toBe(itss.categories.length);
    for (const c of itss.categories) {
      expect(page).toContain(`<legend>${escapeHtml(c.label.en)} `);
      for (const l of itss.scale.levels) {
        const id = `${ratingField(c.id)}_${l.id}`;
        expect(page).toContain(`<label class="opt" for="${id}">`);
        expect(page).toContain(
          `<input type="radio" id="${id}" name="${ratingField(c.id)}" value="${l.id}" required>`,
        );
      }
    }
    for (const o of itss.openQuestions) {
      const field = commentField(o.id);
      expect(page).toContain(`<label for="${field}">${escapeHtml(o.label.en)} `);
      expect(page).toContain(`<textarea id="${field}" name="${field}" rows="5" maxlength="${o.maxLength}"`);
    }
    expect(page).toContain('<input type="hidden" name="lang" value="en">');
    expect(page).toContain('<input type="hidden" name="wave" value="demo/demo-20250101T0100">');
    expect(page).toContain('<form method="post" id="survey" novalidate>');
    expect(page).toContain('Please answer by Wednesday 15 January 2025, 17:00 (China Standard Time).');
    expect(new Set(ids(page)).size).toBe(ids(page).length);
  });

  it('should speak the customer language and offer the other one', () => {
    const page = surveyPage(view({ language: 'zh-CN', customerName: '王伟' }));
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<h1>客户满意度调查表</h1>');
    expect(page).toContain('尊敬的王伟：');
    expect(page).toContain('非常满意');
    expect(page).toContain('请于 2025年1月15日（星期三）17:00（中国标准时间）前作答。');
    expect(page).toContain(
      '<button type="submit" form="survey" name="switchLang" value="en" formnovalidate lang="en" aria-label="Switch to English">English</button>',
    );
    expect(page).not.toContain('Very satisfied');
  });

  it('should list errors at the top, linked to their fields, and mark the fields invalid', () => {
    const errors = {
      [ratingField('price')]: 'required',
      [ratingField('delivery')]: 'invalid-choice',
      [commentField('suggestions')]: 'too-long',
    } as const;
    const page = surveyPage(view({ errors, values: { [ratingField('quality')]: 'satisfied' } }));
    const summary = page.slice(page.indexOf('<div class="summary"'), page.indexOf('</div>'));
    const links = [...summary.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]!);
    expect(links).toEqual([
      `${ratingField('price')}_very-satisfied`,
      `${ratingField('delivery')}_very-satisfied`,
      commentField('suggestions'),
    ]);
    for (const target of links) expect(ids(page)).toContain(target);
    expect(summary).toContain('Choose an answer for “Price”.');
    expect(summary).toContain('Keep “Any suggestions or other requirements?” to 2000 characters or fewer.');
    expect(count(page, 'aria-invalid="true"')).toBe(3);
    for (const field of Object.keys(errors)) {
      expect(page).toContain(`id="err-${field}"`);
      expect(page).toMatch(new RegExp(`aria-describedby="[^"]*err-${field}[^"]*"`));
    }
    expect(page).toContain(
      `id="${ratingField('quality')}_satisfied" name="${ratingField('quality')}" value="satisfied" required checked>`,
    );
  });

  it('should point every aria-describedby at an element that exists', () => {
    const page = surveyPage(view({ errors: { [ratingField('quality')]: 'required' } }));
    const described = [...page.matchAll(/aria-describedby="([^"]+)"/g)].flatMap((m) => m[1]!.split(' '));
    expect(described.length).toBeGreaterThan(itss.categories.length);
    for (const id of described) expect(ids(page)).toContain(id);
  });

  it('should escape the customer name and re-shown comments whatever they hold', () => {
    const plain = surveyPage(view({ customerName: '', values: {} }));
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, comment) => {
        const page = surveyPage(
          view({ customerName: name, values: { [commentField('suggestions')]: comment } }),
        );
        // Free text can add characters but never a tag: the page has exactly the markup of a plain one.
        expect(count(page, '<')).toBe(count(plain, '<'));
        expect(count(page, '"')).toBe(count(plain, '"'));
        expect(page).toContain(escapeHtml(name));
      }),
      { numRuns: 300 },
    );
  });

  it('should keep a comment that starts with a line break', () => {
    const page = surveyPage(view({ values: { [commentField('suggestions')]: '\nsecond line' } }));
    // The parser drops one newline right after <textarea>, so the page writes one of its own first.
    expect(page).toContain('aria-describedby="hint-c-suggestions">\n\nsecond line</textarea>');
  });
});

describe('notice pages', () => {
  it('should show one bilingual link-unavailable page, the same every time', () => {
    const page = linkUnavailablePage();
    expect(page).toBe(linkUnavailablePage());
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<section lang="en">');
    expect(page).toContain('此链接已无法使用');
    expect(page).toContain('It may have been answered already, have expired, or be incomplete.');
  });

  it('should thank the customer in their language', () => {
    expect(thankYouPage('en')).toContain('<h1>Thank you for your feedback</h1>');
    expect(thankYouPage('zh-CN')).toContain('<h1>感谢您的反馈</h1>');
  });

  it('should ask before unsubscribing with a one-button form', () => {
    const page = unsubscribeConfirmPage('en');
    expect(page).toContain('<form method="post">');
    expect(page).toContain('<input type="hidden" name="lang" value="en">');
    expect(page).toContain('<button type="submit">Unsubscribe</button>');
    expect(count(page, '<button')).toBe(1);
  });

  it('should confirm an unsubscription in the given language, or in both', () => {
    expect(unsubscribedPage('en')).toContain('<h1>You are unsubscribed</h1>');
    expect(unsubscribedPage('en')).not.toContain('您已退订');
    expect(unsubscribedPage()).toContain('您已退订');
    expect(unsubscribedPage()).toContain('You are unsubscribed');
  });

  it('should explain each refused request in both languages without internals', () => {
    for (const problem of ['bad-form', 'too-large', 'wrong-type', 'server-error'] as const) {
      const page = problemPage(problem);
      expect(page).toContain('<section lang="zh-CN">');
      expect(page).toContain('<section lang="en">');
      expect(page).not.toMatch(/error:|stack|exception/i);
    }
  });

  it('should style every page with the one stylesheet and no inline style attribute', () => {
    for (const page of [surveyPage(view()), linkUnavailablePage(), unsubscribeConfirmPage('zh-CN')]) {
      expect(page).toContain(`<style>${STYLESHEET}</style>`);
      expect(page).not.toMatch(/\sstyle=/);
    }
  });
});

describe('survey page of an event-triggered invitation', () => {
  it('should name the delivery it asks about, in the page language, and nothing for a periodic wave', () => {
    expect(surveyPage(view({ delivery: '2026-03-01' }))).toContain(
      '<p>This survey is about your delivery of 2026-03-01.</p>',
    );
    expect(surveyPage(view({ language: 'zh-CN', delivery: '2026-03-01' }))).toContain(
      '<p>本问卷针对 2026-03-01 交付给您的产品和服务。</p>',
    );
    expect(surveyPage(view())).not.toMatch(/delivery of|交付给您/);
  });
});
