import type { FieldError } from '../answers.ts';
import { deadlineText } from '../deadline.ts';
import { CONTACT_FIELD, CONTACT_VALUE, choiceField, commentField, ratingField } from '../form-fields.ts';
import type { Language } from '../language.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf, isRequired } from '../questionnaire-defaults.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import { TEXTS } from './texts.ts';

/** What the survey form shows: a fresh form, or a submitted one coming back with its errors. */
export interface SurveyFormView {
  language: Language;
  questionnaire: Questionnaire;
  /** Whom the greeting names; none on a page built without the invitation (busy). */
  customerName?: string;
  /** The delivery date (YYYY-MM-DD) an event-triggered invitation asks about. */
  delivery?: string;
  /** When the link stops working, shown as a date in `timeZone`; none on a busy page. */
  expiresAt?: string;
  timeZone: string;
  /** The wave the form was built from; the form carries it back so a submit needn't look it up. */
  wave: { campaignId: string; waveId: string };
  /** The campaign is anonymous: the page says so (domain/anonymity.ts). */
  anonymous?: true;
  /** The campaign's actions take contact requests: the form offers "please contact me". */
  contactRequest?: true;
  /**
   * The signed moment the page was served (token.ts `signOpenedAt`), carried back in OPENED_FIELD so data
   * cleaning can time the answer without the GET writing anything.
   */
  opened?: string;
  /** Submitted values by field name, shown again. */
  values?: Record<string, string>;
  errors?: Record<string, FieldError>;
  /** The answers were not stored (the store was busy): the page says to send them again. */
  busy?: true;
}

/*
 * Ids: radio inputs are `{field}_{level}` (ids in the programme cannot hold `_`, so these never clash),
 * hints `hint-{field}`, messages `err-{field}`. The error summary links to the first input of a field.
 */
const optionId = (field: string, levelId: string): string => `${field}_${levelId}`;

/** The hidden field naming the form's wave: `{campaignId}/{waveId}` (neither id can hold a `/`). */
export const WAVE_FIELD = 'wave';

/** The form's id, which the language switch's buttons (in the page header) name. */
export const SURVEY_FORM_ID = 'survey';

/** The hidden field carrying `opened` (one of the form's meta fields in answers.ts). */
export const OPENED_FIELD = 'opened';

export function surveyPage(view: SurveyFormView): string {
  const { language: lang, questionnaire: q } = view;
  const t = TEXTS[lang];
  const values = view.values ?? {};
  const errors = view.errors ?? {};

  const fieldLabel = new Map<string, { label: string; anchor: string; maxLength?: number }>();
  for (const c of q.categories) {
    const field = ratingField(c.id);
    fieldLabel.set(field, { label: c.label[lang], anchor: optionId(field, q.scale.levels[0]!.id) });
  }
  const choiceQuestions = choiceQuestionsOf(q);
  for (const o of choiceQuestions) {
    const field = choiceField(o.id);
    fieldLabel.set(field, { label: o.label[lang], anchor: optionId(field, o.options[0]!.id) });
  }
  for (const o of q.openQuestions) {
    const field = commentField(o.id);
    fieldLabel.set(field, { label: o.label[lang], anchor: field, maxLength: o.maxLength });
  }
  const message = (field: string): string | undefined => {
    const error = errors[field];
    const f = fieldLabel.get(field);
    return error && f ? t.fieldError(error, f.label, f.maxLength) : undefined;
  };
  const errorFields = [...fieldLabel.keys()].filter((f) => errors[f]);

  const summary =
    errorFields.length > 0 &&
    html`<div class="summary" role="alert" aria-labelledby="error-summary" tabindex="-1" autofocus>
<h2 id="error-summary">${t.errorSummary}</h2>
<ul>${errorFields.map((f) => html`<li><a href="#${fieldLabel.get(f)!.anchor}">${message(f)}</a></li>`)}</ul>
</div>
`;

  // Announced at once (role=alert, focused), with the answers below it as they were sent.
  const busy =
    view.busy &&
    html`<div class="summary" role="alert" aria-labelledby="busy-title" tabindex="-1" autofocus>
<h2 id="busy-title">${t.busyTitle}</h2>
<p>${t.busyBody}</p>
</div>
`;

  const describedBy = (...ids: Array<string | false | undefined>): string => ids.filter(Boolean).join(' ');

  /** One radio group: a rated item (the scale's levels) or a single-choice question (its options). */
  const radioGroup = (
    field: string,
    item: { label: { [L in Language]: string }; hint?: { [L in Language]: string } },
    required: boolean,
    options: Array<{ id: string; label: { [L in Language]: string } }>,
  ): SafeHtml => {
    const error = message(field);
    const ids = describedBy(item.hint && `hint-${field}`, error && `err-${field}`);
    const mark = required
      ? html`<span class="req" aria-hidden="true">*</span>`
      : html`<span class="note">${t.optional}</span>`;
    return html`<fieldset role="radiogroup" aria-required="${required ? 'true' : 'false'}"${error ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}>
<legend>${item.label[lang]} ${mark}</legend>
${item.hint && html`<p class="hint" id="hint-${field}">${item.hint[lang]}</p>\n`}${error && html`<p class="error" id="err-${field}">${error}</p>\n`}${options.map(
  (l) =>
    html`<label class="opt" for="${optionId(field, l.id)}"><input type="radio" id="${optionId(field, l.id)}" name="${field}" value="${l.id}"${required ? html` required` : ''}${values[field] === l.id ? html` checked` : ''}><span>${l.label[lang]}</span></label>
`,
)}</fieldset>
`;
  };

  const categories = q.categories.map((c) => radioGroup(ratingField(c.id), c, isRequired(c), q.scale.levels));
  /*
   * One tap submits (issue 3, item 9): when the first item is answered — a one-click link from the email —
   * and nothing else is required, a submit button follows it at once, so the answer is one tap away.
   */
  const [first, ...rest] = q.categories;
  const oneTap =
    first !== undefined &&
    values[ratingField(first.id)] !== undefined &&
    !view.errors &&
    rest.every((c) => !isRequired(c)) &&
    choiceQuestions.every((o) => !isRequired(o));
  if (oneTap && categories[0]) {
    categories[0] = html`${categories[0]}<div class="field one-tap"><p class="note" id="one-tap-hint">${t.oneTapHint}</p>
<button type="submit" aria-describedby="one-tap-hint">${t.sendThisAnswer}</button></div>
`;
  }
  const choices = choiceQuestions.map((o) => radioGroup(choiceField(o.id), o, isRequired(o), o.options));

  const comments = q.openQuestions.map((o) => {
    const field = commentField(o.id);
    const error = message(field);
    return html`<div class="field">
<label for="${field}">${o.label[lang]} <span class="note">${t.optional}</span></label>
<p class="hint" id="hint-${field}">${t.maxChars(o.maxLength)}</p>
${error && html`<p class="error" id="err-${field}">${error}</p>\n`}<textarea id="${field}" name="${field}" rows="5" maxlength="${o.maxLength}" aria-describedby="${describedBy(`hint-${field}`, error && `err-${field}`)}"${error ? html` aria-invalid="true"` : ''}>
${values[field] ?? ''}</textarea>
</div>
`;
  });

  // A native checkbox with its own label: no script, and a screen reader reads the label and the hint.
  const contact =
    view.contactRequest &&
    html`<div class="field"><label class="opt" for="${CONTACT_FIELD}"><input type="checkbox" id="${CONTACT_FIELD}" name="${CONTACT_FIELD}" value="${CONTACT_VALUE}" aria-describedby="hint-${CONTACT_FIELD}"${values[CONTACT_FIELD] === CONTACT_VALUE ? html` checked` : ''}><span>${t.contactMe}</span></label>
<p class="hint" id="hint-${CONTACT_FIELD}">${t.contactMeHint}</p>
</div>
`;

  // The same sentence as the invitation's and the reminders' (deadline.ts).
  const answerBy = view.expiresAt && `${deadlineText(view.expiresAt, view.timeZone, lang)} `;
  const body: SafeHtml = html`<h1>${q.title[lang]}</h1>
${busy}${summary}${view.customerName !== undefined && html`<p>${t.greeting(view.customerName)}</p>\n`}${view.anonymous && html`<p class="anonymous">${t.anonymousNote}</p>\n`}${view.delivery && html`<p>${t.delivery(view.delivery)}</p>\n`}${q.intro && html`<p>${q.intro[lang]}</p>\n`}<p class="note">${answerBy}${t.requiredNote}</p>
<form method="post" id="${SURVEY_FORM_ID}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="${WAVE_FIELD}" value="${view.wave.campaignId}/${view.wave.waveId}">
${view.opened ? html`<input type="hidden" name="${OPENED_FIELD}" value="${view.opened}">\n` : ''}${categories}${choices}${comments}${contact}<button type="submit">${t.submit}</button>
</form>`;
  // A busy page's or a refused form's title says so first, so a screen reader announces it on arrival.
  const title = view.busy
    ? `${t.busyTitle} · ${q.title[lang]}`
    : errorFields.length > 0
      ? `${t.errorTitle(errorFields.length)} — ${q.title[lang]}`
      : q.title[lang];
  // The switch submits this form (answers and all) to be shown again in the other language, storing nothing.
  return layout({ language: lang, title, body, languageSwitch: { form: SURVEY_FORM_ID, submit: t.submit } });
}
