import type { Language, LocalizedText } from '../language.ts';
import { VERIFY_TEXTS } from './action-texts.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';

/*
 * The customer's follow-up (`/v/{token}?answer=yes|no`): the email's one-click answers open a confirm page
 * with the choice made (a GET changes nothing: link scanners fetch every URL in an email), one tap sends it.
 */
export type VerifyAnswer = 'yes' | 'no';

export interface VerifyConfirmView {
  language: Language;
  campaignName: LocalizedText;
  /** The answer the clicked link carried, preselected. */
  answer?: VerifyAnswer;
  /** A POST without a valid answer. */
  error?: true;
}

export function verifyConfirmPage(view: VerifyConfirmView): string {
  const { language: lang } = view;
  const t = VERIFY_TEXTS[lang];
  const option = (value: VerifyAnswer, label: string) =>
    html`<label class="opt" for="answer-${value}"><input type="radio" id="answer-${value}" name="answer" value="${value}" required${view.answer === value ? html` checked` : ''}><span>${label}</span></label>
`;
  const body = html`<h1>${t.title}</h1>
<p class="note">${t.about(view.campaignName[lang])}</p>
<form method="post">
<input type="hidden" name="lang" value="${lang}">
<fieldset${view.error ? html` aria-invalid="true" aria-describedby="err-answer"` : ''}>
<legend>${t.question}</legend>
${view.error && html`<p class="error" id="err-answer">${t.chooseOne}</p>\n`}${option('yes', t.yes)}${option('no', t.no)}</fieldset>
<button type="submit">${t.confirm}</button>
</form>`;
  return layout({ language: lang, title: t.title, body, languageSwitch: true });
}

/** After an answer was counted. */
export function verifyThanksPage(language: Language, answer: VerifyAnswer): string {
  const t = VERIFY_TEXTS[language];
  return layout({
    language,
    title: t.thanksTitle,
    body: html`<h1>${t.thanksTitle}</h1>\n<p>${answer === 'yes' ? t.thanksYes : t.thanksNo}</p>`,
  });
}

/** The follow-up was answered already (this link, or an earlier round's), or its time is over. */
export function verifyNotCountedPage(language: Language, why: 'answered' | 'closed'): string {
  const t = VERIFY_TEXTS[language];
  const [title, body] =
    why === 'answered' ? [t.answeredTitle, t.answeredBody] : [t.closedTitle, t.closedBody];
  return layout({ language, title, body: html`<h1>${title}</h1>\n<p>${body}</p>` });
}
