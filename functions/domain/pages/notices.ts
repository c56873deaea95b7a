import type { Language } from '../language.ts';
import { html } from './html.ts';
import { bilingualLayout, layout } from './layout.ts';
import { TEXTS } from './texts.ts';

/*
 * The short pages around the survey form. Pages shown before we know (or may reveal) whom a link belongs
 * to are bilingual and contain nothing that depends on the request, so they are byte-for-byte the same
 * whatever was asked.
 */

export function thankYouPage(language: Language): string {
  const t = TEXTS[language];
  return layout({
    language,
    title: t.thanksTitle,
    body: html`<h1>${t.thanksTitle}</h1>\n<p>${t.thanksBody}</p>`,
  });
}

/**
 * A validly signed survey link whose invitation was already answered (a second submit, Back after
 * submitting, the email opened again), in the invitation's language or the one chosen on the page. It says
 * that much and nothing else: no answers, no name, no campaign.
 */
export function alreadyAnsweredPage(language: Language): string {
  const t = TEXTS[language];
  return layout({
    language,
    title: t.answeredTitle,
    body: html`<h1>${t.answeredTitle}</h1>\n<p>${t.answeredBody}</p>`,
    languageSwitch: true,
  });
}

/**
 * One page for unknown, expired, forged and malformed links, so none of them can be told apart (an answered
 * link with a valid signature gets alreadyAnsweredPage instead).
 */
export function linkUnavailablePage(): string {
  return bilingualLayout((l) => ({
    title: TEXTS[l].unavailableTitle,
    body: html`<p>${TEXTS[l].unavailableBody}</p>`,
  }));
}

/** One page for every report link that cannot be followed (expired, forged, malformed), in both languages. */
export function reportLinkUnavailablePage(): string {
  return bilingualLayout((l) => ({
    title: TEXTS[l].reportUnavailableTitle,
    body: html`<p>${TEXTS[l].reportUnavailableBody}</p>`,
  }));
}

/** Asks before unsubscribing: a GET (link scanners fetch every URL) must change nothing. */
export function unsubscribeConfirmPage(language: Language): string {
  const t = TEXTS[language];
  const body = html`<h1>${t.unsubscribeTitle}</h1>
<p>${t.unsubscribeBody}</p>
<form method="post">
<input type="hidden" name="lang" value="${language}">
<button type="submit">${t.unsubscribeButton}</button>
</form>`;
  return layout({ language, title: t.unsubscribeTitle, body, languageSwitch: true });
}

/** The customer's language when the request told us; bilingual for the RFC 8058 one-click POST, which doesn't. */
export function unsubscribedPage(language?: Language): string {
  if (!language) {
    return bilingualLayout((l) => ({
      title: TEXTS[l].unsubscribedTitle,
      body: html`<p>${TEXTS[l].unsubscribedBody}</p>`,
    }));
  }
  const t = TEXTS[language];
  return layout({
    language,
    title: t.unsubscribedTitle,
    body: html`<h1>${t.unsubscribedTitle}</h1>\n<p>${t.unsubscribedBody}</p>`,
  });
}

export type Problem = 'bad-form' | 'too-large' | 'wrong-type' | 'server-error' | 'busy';

const PROBLEM_TEXTS = {
  'bad-form': ['badFormTitle', 'badFormBody'],
  'too-large': ['tooLargeTitle', 'tooLargeBody'],
  'wrong-type': ['wrongTypeTitle', 'wrongTypeBody'],
  'server-error': ['serverErrorTitle', 'serverErrorBody'],
  busy: ['busyTitle', 'busyNoFormBody'],
} as const;

/** A request we could not act on; bilingual, since it is answered before any invitation is read. */
export function problemPage(problem: Problem): string {
  const [title, body] = PROBLEM_TEXTS[problem];
  return bilingualLayout((l) => ({ title: TEXTS[l][title], body: html`<p>${TEXTS[l][body]}</p>` }));
}
