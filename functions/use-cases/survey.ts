import { type FieldError, FORM_META_FIELDS, parseAnswers } from '../domain/answers.ts';
import { LANGUAGES, type Language, toLanguage } from '../domain/language.ts';
import type { Invitation, StoredResponse, Wave } from '../domain/model.ts';
import { type SurveyFormView, WAVE_FIELD } from '../domain/pages/survey-page.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import type { Questionnaire } from '../domain/questionnaire.ts';
import { type Answers, score } from '../domain/scoring.ts';
import { type TokenPurpose, verifyToken } from '../domain/token.ts';
import type { WaveLookup } from './waves.ts';

/** Why a link cannot be used. For logs only: the caller sees one page for all of them. */
export type UnavailableReason = 'bad-token' | 'unknown' | 'expired' | 'answered' | 'not-saved';

/** The link names no invitation that can be used for this. */
export class LinkUnavailableError extends Error {
  constructor(readonly reason: UnavailableReason) {
    super(`link unavailable: ${reason}`);
    this.name = 'LinkUnavailableError';
  }
}

/** The submitted answers are not complete or not valid; `form` is the form to show again. */
export class InvalidAnswersError extends Error {
  constructor(readonly form: SurveyFormView) {
    super(`invalid answers: ${Object.keys(form.errors ?? {}).join(', ')}`);
    this.name = 'InvalidAnswersError';
  }
}

export interface SurveyDeps {
  store: SurveyStore;
  clock: Clock;
  waves: WaveLookup;
  /** The key survey links are signed with. */
  secret: string;
}

/** A language the person chose on the page (`?lang=` or the form's `lang`), if it is one we speak. */
export function chosenLanguage(value: string | undefined): Language | undefined {
  return LANGUAGES.find((l) => l === value);
}

/** The invitation a token names, provided the link can still be used for `purpose`. */
export async function invitationFor(
  deps: Pick<SurveyDeps, 'store' | 'secret'>,
  purpose: TokenPurpose,
  token: string,
): Promise<Invitation> {
  const id = verifyToken(deps.secret, purpose, token);
  if (!id) throw new LinkUnavailableError('bad-token');
  const invitation = await deps.store.getInvitation(id);
  if (!invitation) throw new LinkUnavailableError('unknown');
  return invitation;
}

async function answerable(deps: SurveyDeps, token: string): Promise<{ invitation: Invitation; wave: Wave }> {
  const invitation = await invitationFor(deps, 'survey', token);
  if (invitation.response) throw new LinkUnavailableError('answered');
  if (deps.clock.now().getTime() >= Date.parse(invitation.expiresAt))
    throw new LinkUnavailableError('expired');
  const wave = await deps.waves(invitation.campaignId, invitation.waveId);
  // An invitation without its wave is a broken store, not a bad link: let it surface as a server error.
  if (!wave) throw new Error(`wave ${invitation.waveId} of invitation ${invitation.id} not found`);
  return { invitation, wave };
}

function formView(
  invitation: Invitation,
  wave: Wave,
  language: Language,
  extra: { values?: Record<string, string>; errors?: Record<string, FieldError> } = {},
): SurveyFormView {
  return {
    language,
    questionnaire: wave.questionnaire,
    customerName: invitation.customer.name,
    expiresAt: invitation.expiresAt,
    timeZone: wave.campaign.dispatch.timeZone,
    wave: { campaignId: wave.campaignId, waveId: wave.waveId },
    ...extra,
  };
}

/** GET /s/{token}: the survey form in the customer's language (or the one they switched to). Changes nothing. */
export async function openSurvey(
  deps: SurveyDeps,
  input: { token: string; language?: Language },
): Promise<SurveyFormView> {
  const { invitation, wave } = await answerable(deps, input.token);
  return formView(invitation, wave, input.language ?? toLanguage(invitation.customer.language));
}

/** The wave a submitted form says it was built from, if the field is well formed and the wave exists. */
async function formWave(deps: SurveyDeps, value: string | undefined): Promise<Wave | undefined> {
  const m = /^([a-z0-9][a-z0-9-]{0,62})\/([\w-]{1,128})$/.exec(value ?? '');
  return m ? deps.waves(m[1]!, m[2]!) : undefined;
}

/** The form's answer fields: the page's own fields (lang, wave, …) are not answers and get no errors. */
function answerFields(form: Record<string, string>): Record<string, string> {
  const meta: readonly string[] = [...FORM_META_FIELDS, WAVE_FIELD];
  return Object.fromEntries(Object.entries(form).filter(([k]) => !meta.includes(k)));
}

function toResponse(q: Questionnaire, answers: Answers, language: Language, now: string): StoredResponse {
  const { total, raw, grade } = score(q, answers.ratings);
  const { ratings, comments, choices } = answers;
  return {
    answeredAt: now,
    ratings,
    comments,
    ...(choices && { choices }),
    total,
    raw,
    grade,
    language,
    questionnaireVersion: q.version,
  };
}

/**
 * POST /s/{token}: validates the answers against the questionnaire the wave sent, scores them and stores
 * them. The store's conditional write is what makes this exactly-once: of any number of concurrent
 * submits, one stores and the others find the link used.
 *
 * A form from our page names its wave and language, so with the wave cached a valid submit is that one
 * conditional write, which also checks the invitation belongs to the named wave (a tampered field just
 * fails). Anything else reads the invitation first: it is needed to show the form again anyway.
 */
export async function submitSurvey(
  deps: SurveyDeps,
  input: { token: string; form: Record<string, string>; language?: Language },
): Promise<{ language: Language; response: StoredResponse }> {
  const id = verifyToken(deps.secret, 'survey', input.token);
  if (!id) throw new LinkUnavailableError('bad-token');
  const fields = answerFields(input.form);
  const formLanguage = chosenLanguage(input.form.lang);
  const named = formLanguage && (await formWave(deps, input.form[WAVE_FIELD]));
  if (formLanguage && named) {
    const parsed = parseAnswers(named.questionnaire, fields);
    if (parsed.ok) {
      const now = deps.clock.now().toISOString();
      const response = toResponse(named.questionnaire, parsed.answers, formLanguage, now);
      const outcome = await deps.store.saveResponse(id, response, now, named);
      if (outcome !== 'stored') throw new LinkUnavailableError('not-saved');
      return { language: formLanguage, response };
    }
  }

  const { invitation, wave } = await answerable(deps, input.token);
  const language = formLanguage ?? input.language ?? toLanguage(invitation.customer.language);
  const parsed = parseAnswers(wave.questionnaire, fields);
  if (!parsed.ok) {
    throw new InvalidAnswersError(
      formView(invitation, wave, language, { values: parsed.values, errors: parsed.errors }),
    );
  }
  const now = deps.clock.now().toISOString();
  const response = toResponse(wave.questionnaire, parsed.answers, language, now);
  const outcome = await deps.store.saveResponse(invitation.id, response, now);
  if (outcome !== 'stored') throw new LinkUnavailableError('not-saved');
  return { language, response };
}
