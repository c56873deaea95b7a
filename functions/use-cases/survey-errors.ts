import type { Language } from '../domain/language.ts';
import type { SurveyFormView } from '../domain/pages/survey-page.ts';

/* What a survey link's use can fail with (use-cases/survey.ts); the handler's edge maps each to a page. */

/** Why a link cannot be used. For logs only: the caller sees one page for all of them. */
export type UnavailableReason = 'bad-token' | 'unknown' | 'expired' | 'not-saved';

/** The link names no invitation that can be used for this. */
export class LinkUnavailableError extends Error {
  constructor(readonly reason: UnavailableReason) {
    super(`link unavailable: ${reason}`);
    this.name = 'LinkUnavailableError';
  }
}

/**
 * The link is validly signed and its invitation was answered: the holder may learn that much (DESIGN §3),
 * in `language`, and nothing else.
 */
export class AlreadyAnsweredError extends Error {
  constructor(readonly language: Language) {
    super('survey already answered');
    this.name = 'AlreadyAnsweredError';
  }
}

/** The submitted answers are not complete or not valid; `form` is the form to show again. */
export class InvalidAnswersError extends Error {
  constructor(readonly form: SurveyFormView) {
    super(`invalid answers: ${Object.keys(form.errors ?? {}).join(', ')}`);
    this.name = 'InvalidAnswersError';
  }
}

/**
 * The answers were not stored: the store stayed busy (throttled) through its retries. `form` shows them
 * again, every field as sent, to send once more; without it (the questionnaire could not be read either),
 * a page without the form says to try again.
 */
export class SubmitBusyError extends Error {
  constructor(readonly form?: SurveyFormView) {
    super('answers not stored: the store is busy');
    this.name = 'SubmitBusyError';
  }
}
