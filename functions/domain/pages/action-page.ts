import { MAX_ACTION_TEXT } from '../actions/lifecycle.ts';
import { type CorrectiveAction, PENDING_STATUSES } from '../actions/model.ts';
import { type DepartmentNames, departmentName } from '../department-names.ts';
import type { Language } from '../language.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { ACTION_TEXTS, type ActionFieldError } from './action-texts.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

/** The fields of the resolve form. */
export const RESOLVE_FIELDS = ['rootCause', 'actionTaken'] as const;
export type ResolveField = (typeof RESOLVE_FIELDS)[number];

/** What the action page shows: the action, whom the link was sent to, and the outcome of a POST if any. */
export interface ActionPageView {
  language: Language;
  action: CorrectiveAction;
  /** The wave's questionnaire (labels of items, levels and questions); ids are shown without it. */
  questionnaire?: Questionnaire;
  /** The campaign's display names of departments (ids are shown without them). */
  departments?: DepartmentNames;
  /** The address the link was sent to. */
  viewer: string;
  /** What the POST just did, confirmed at the top. */
  done?: 'acknowledged' | 'resolved';
  /** The POST asked for a change the action's state no longer allows. */
  conflict?: true;
  /** A resolve form sent back with its values and errors. */
  values?: Partial<Record<ResolveField, string>>;
  errors?: Partial<Record<ResolveField, ActionFieldError>>;
}

// Building an Intl formatter costs more than rendering the rest of the page, so keep one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

/** An instant as a local date and time in the action's time zone. */
function formatInstant(iso: string | undefined, language: Language, timeZone: string): string {
  if (!iso) return '';
  const key = `${language} ${timeZone}`;
  try {
    let format = formats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone });
      if (formats.size < 100) formats.set(key, format);
    }
    return format.format(new Date(iso));
  } catch {
    return iso;
  }
}

/** Looks ids up in the questionnaire, by Map-free `find` so untrusted ids never index an object. */
function labels(q: Questionnaire | undefined, language: Language) {
  return {
    item: (id: string) => q?.categories.find((c) => c.id === id)?.label[language],
    level: (id: string) => q?.scale.levels.find((l) => l.id === id)?.label[language],
    question: (id: string) => q?.openQuestions.find((o) => o.id === id)?.label[language],
    choice: (id: string) => q?.choiceQuestions?.find((o) => o.id === id),
  };
}

const row = (term: string, value: SafeHtml | string): SafeHtml => html`<dt>${term}</dt><dd>${value}</dd>\n`;

export function actionPage(view: ActionPageView): string {
  const { language: lang, action: a } = view;
  const t = ACTION_TEXTS[lang];
  const l = labels(view.questionnaire, lang);
  const at = (iso: string | undefined) => formatInstant(iso, lang, a.timeZone);
  const department = departmentName(view.departments, a.department, lang);

  const reasons = a.reasons.map((r) => {
    const names =
      r.kind === 'rating'
        ? { item: l.item(r.category), level: l.level(r.level) }
        : r.kind === 'keyword'
          ? { question: l.question(r.question) }
          : r.kind === 'target' && r.item
            ? { item: l.item(r.item) }
            : {};
    return html`<li>${t.reason(r, names)}</li>`;
  });

  const r = a.response;
  // An anonymous answer is stored as its UTC day (anonymity.ts): shown as that day, never as a time.
  const answeredDay = (iso: string) =>
    a.source.kind === 'response' && a.source.anonymous === true ? iso.slice(0, 10) : at(iso);
  const answers =
    r &&
    html`<section aria-labelledby="answers"><h2 id="answers">${t.answers}</h2>
<p>${t.total(r.total, r.grade)} · ${t.answeredAt} ${answeredDay(r.answeredAt)}</p>
<dl>${Object.entries(r.ratings).map(([item, level]) => row(l.item(item) ?? item, l.level(level) ?? level))}${Object.entries(
      r.choices ?? {},
    ).map(([id, option]) => {
      const q = l.choice(id);
      return row(q?.label[lang] ?? id, q?.options.find((o) => o.id === option)?.label[lang] ?? option);
    })}</dl>
${
  Object.keys(r.comments).length > 0 &&
  html`<h3>${t.comments}</h3>
${Object.entries(r.comments).map(
  ([id, text]) =>
    html`<div class="comment"><p class="note">${l.question(id) ?? id}</p><p class="text">${text}</p></div>\n`,
)}`
}</section>
`;

  const anonymous = a.source.kind === 'response' && a.source.anonymous === true;
  const contact = html`<section aria-labelledby="customer"><h2 id="customer">${t.customer}</h2>
${
  a.customer
    ? html`<p class="text">${a.customer.name}</p><p><a href="mailto:${a.customer.email}">${a.customer.email}</a></p>`
    : html`<p class="note">${anonymous || a.source.kind === 'response' ? t.anonymous : t.noCustomer}</p>`
}
</section>
`;

  const resolution =
    a.rootCause &&
    html`<section aria-labelledby="resolution"><h2 id="resolution">${a.status === 'reopened' ? t.lastResolution : t.resolution}</h2>
<h3>${t.rootCause}</h3><p class="text">${a.rootCause}</p>
<h3>${t.actionTaken}</h3><p class="text">${a.actionTaken ?? ''}</p>
${a.resolvedAt && html`<p class="note">${t.resolvedAt} ${at(a.resolvedAt)}</p>`}
${
  a.verification &&
  html`<p>${t.followUpSent(at(a.verification.sentAt), a.verification.answerBy)}${a.verification.answer ? ` ${t.followUpAnswer(a.verification.answer)}` : ''}</p>`
}
</section>
`;

  const who = (by: string) => (by === 'csat' ? t.system : by === 'customer' ? t.theCustomer : by);
  const history = html`<section aria-labelledby="history"><h2 id="history">${t.history}</h2>
<table><thead><tr><th scope="col">${t.when}</th><th scope="col">${t.who}</th><th scope="col">${t.what}</th></tr></thead>
<tbody>${a.history.map(
    (h) =>
      html`<tr><td>${at(h.at)}</td><td>${who(h.by)}</td><td>${t.events[h.event] ?? h.event}${h.note ? html`<br><span class="note">${h.note}</span>` : ''}</td></tr>\n`,
  )}</tbody></table>
</section>
`;

  const pending = PENDING_STATUSES.includes(a.status);
  const acknowledge =
    (a.status === 'open' || a.status === 'reopened') &&
    html`<section aria-labelledby="ack"><h2 id="ack">${t.acknowledgeTitle}</h2>
<form method="post"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="op" value="acknowledge">
<p class="hint">${t.acknowledgeHint}</p>
<button type="submit">${t.acknowledgeButton}</button></form>
</section>
`;
  const resolve = pending && resolveForm(view);

  const body = html`<h1>${t.title}</h1>
${view.done && html`<p class="done" role="status">${t.done[view.done]}</p>\n`}${view.conflict && html`<p class="summary" role="alert">${t.conflict}</p>\n`}<dl>
${row(t.campaign, a.campaignName[lang])}${row(t.department, department)}${row(t.status, t.statuses[a.status])}${row(t.dueDate, a.dueDate)}${row(t.openedAt, at(a.openedAt))}${a.round > 0 && row(t.round, String(a.round + 1))}</dl>
<h2>${t.reasons}</h2>
<ul>${reasons}</ul>
${answers}${a.source.kind === 'response' ? contact : html`<p class="note">${t.noCustomer}</p>\n`}${resolution}${acknowledge}${resolve}${history}<p class="note">${t.viewingAs(view.viewer)}</p>`;
  return layout({ language: lang, title: `${t.title} · ${department}`, body, languageSwitch: true });
}

function resolveForm(view: ActionPageView): SafeHtml {
  const lang = view.language;
  const t = ACTION_TEXTS[lang];
  const errors = view.errors ?? {};
  const label = { rootCause: t.rootCause, actionTaken: t.actionTaken };
  const message = (f: ResolveField) => {
    const e = errors[f];
    return e && t.fieldError(e, label[f], MAX_ACTION_TEXT);
  };
  const failed = RESOLVE_FIELDS.filter((f) => errors[f]);
  const summary =
    failed.length > 0 &&
    html`<div class="summary" role="alert" aria-labelledby="error-summary" tabindex="-1" autofocus>
<h2 id="error-summary">${t.errorSummary}</h2>
<ul>${failed.map((f) => html`<li><a href="#${f}">${message(f)}</a></li>`)}</ul>
</div>
`;
  const field = (f: ResolveField) => {
    const error = message(f);
    return html`<div class="field">
<label for="${f}">${label[f]} <span class="req" aria-hidden="true">*</span></label>
<p class="hint" id="hint-${f}">${t.maxChars(MAX_ACTION_TEXT)}</p>
${error && html`<p class="error" id="err-${f}">${error}</p>\n`}<textarea id="${f}" name="${f}" rows="5" required maxlength="${MAX_ACTION_TEXT}" aria-describedby="hint-${f}${error ? ` err-${f}` : ''}"${error ? html` aria-invalid="true"` : ''}>
${view.values?.[f] ?? ''}</textarea>
</div>
`;
  };
  return html`<section aria-labelledby="resolve"><h2 id="resolve">${t.resolveTitle}</h2>
${summary}<p class="hint">${t.resolveHint}</p>
<form method="post"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="op" value="resolve">
${field('rootCause')}${field('actionTaken')}<button type="submit">${t.resolveButton}</button></form>
</section>
`;
}
