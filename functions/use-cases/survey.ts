import { type AnonymousResponse, anonymised, anonymousResponseId, isAnonymous } from '../domain/anonymity.ts';
import { type FieldError, parseAnswers } from '../domain/answers.ts';
import { judgeResponse } from '../domain/cleaning.ts';
import type { ResponseCleaning } from '../domain/cleaning-flags.ts';
import { CONTACT_FIELD, CONTACT_VALUE, FORM_META_FIELDS } from '../domain/form-fields.ts';
import { LANGUAGES, type Language, toLanguage } from '../domain/language.ts';
import { hasAnswered, type Invitation, type StoredResponse, type Wave } from '../domain/model.ts';
import { preselectedRatings } from '../domain/one-click.ts';
import { SWITCH_LANGUAGE_FIELD } from '../domain/pages/layout.ts';
import { OPENED_FIELD, type SurveyFormView, WAVE_FIELD } from '../domain/pages/survey-page.ts';
import type { Clock, SurveyStore } from '../domain/ports.ts';
import type { Questionnaire } from '../domain/questionnaire.ts';
import { type Answers, score } from '../domain/scoring.ts';
import { StoreBusyError } from '../domain/store-busy.ts';
import { signOpenedAt, type TokenPurpose, verifyOpenedAt, verifyToken } from '../domain/token.ts';
import {
  AlreadyAnsweredError,
  InvalidAnswersError,
  LinkUnavailableError,
  SubmitBusyError,
} from './survey-errors.ts';
import type { WaveLookup } from './waves.ts';

export {
  AlreadyAnsweredError,
  InvalidAnswersError,
  LinkUnavailableError,
  SubmitBusyError,
  type UnavailableReason,
} from './survey-errors.ts';

/** A response the submit stored, and what the closed loop needs of it (use-cases/response-actions.ts). */
export interface StoredSubmit {
  wave: Wave;
  invitationId: string;
  /** The invitation, when the submit read it (the fast path does not). */
  invitation?: Invitation;
  response: StoredResponse;
  at: Date;
  /** An anonymous campaign's stored answer (its id, department and anonymised response). */
  anonymous?: AnonymousResponse;
}

export interface SubmittedSurvey {
  language: Language;
  response: StoredResponse;
  stored: StoredSubmit;
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

/**
 * The invitation a survey link names and its wave, if it can still be answered. An answered one raises
 * AlreadyAnsweredError in `language` (the one chosen on the page) or else the invitation's.
 */
async function answerable(
  deps: SurveyDeps,
  token: string,
  language?: Language,
): Promise<{ invitation: Invitation; wave: Wave }> {
  const invitation = await invitationFor(deps, 'survey', token);
  const answered = () => new AlreadyAnsweredError(language ?? toLanguage(invitation.customer.language));
  // An expired link gets the one generic page, answered or not (only a live link learns it was answered).
  if (deps.clock.now().getTime() >= Date.parse(invitation.expiresAt))
    throw new LinkUnavailableError('expired');
  if (hasAnswered(invitation)) throw answered();
  const wave = await deps.waves(invitation.campaignId, invitation.waveId);
  // An invitation without its wave is a broken store, not a bad link: let it surface as a server error.
  if (!wave) throw new Error(`wave ${invitation.waveId} of invitation ${invitation.id} not found`);
  // An anonymous invitation says nothing of its answer: whether there is one takes the secret (anonymity.ts).
  if (
    isAnonymous(wave.campaign) &&
    (await deps.store.hasAnonymousResponse(anonymousResponseId(deps.secret, invitation.id)))
  )
    throw answered();
  return { invitation, wave };
}

function formView(
  invitation: Invitation,
  wave: Wave,
  language: Language,
  extra: { opened?: string; values?: Record<string, string>; errors?: Record<string, FieldError> } = {},
): SurveyFormView {
  return {
    language,
    questionnaire: wave.questionnaire,
    customerName: invitation.customer.name,
    ...(invitation.delivery ? { delivery: invitation.delivery.date } : {}),
    expiresAt: invitation.expiresAt,
    timeZone: wave.campaign.dispatch.timeZone,
    wave: { campaignId: wave.campaignId, waveId: wave.waveId },
    ...(isAnonymous(wave.campaign) ? { anonymous: true } : {}),
    ...(offersContact(wave) ? { contactRequest: true } : {}),
    ...extra,
  };
}

/**
 * GET /s/{token}: the survey form in the customer's language (or the one they switched to). Changes nothing.
 * `query` may preselect ratings (`r-{categoryId}={levelId}`, the email's one-click links); what does not
 * name a level of the wave's questionnaire is ignored.
 */
export async function openSurvey(
  deps: SurveyDeps,
  input: { token: string; language?: Language; query?: Record<string, string | undefined> },
): Promise<SurveyFormView> {
  const { invitation, wave } = await answerable(deps, input.token, input.language);
  const values = preselectedRatings(wave.questionnaire, input.query ?? {});
  return formView(invitation, wave, input.language ?? toLanguage(invitation.customer.language), {
    opened: signOpenedAt(deps.secret, invitation.id, deps.clock.now()),
    ...(Object.keys(values).length > 0 ? { values } : {}),
  });
}

/** The wave a submitted form says it was built from, if the field is well formed and the wave exists. */
async function formWave(deps: SurveyDeps, value: string | undefined): Promise<Wave | undefined> {
  const m = /^([a-z0-9][a-z0-9-]{0,62})\/([\w-]{1,128})$/.exec(value ?? '');
  return m ? deps.waves(m[1]!, m[2]!) : undefined;
}

/**
 * Whether the form offers "please contact me": the campaign's actions take contact requests and the
 * customer can be contacted (an anonymous campaign's answer names nobody, so it does not offer it).
 */
const offersContact = (wave: Wave): boolean =>
  wave.campaign.actions?.triggers.contactRequest === true && !isAnonymous(wave.campaign);

/** The box was ticked on a form that offers it; any other value of the field is ignored. */
const contactRequested = (wave: Wave, form: Record<string, string>): boolean =>
  offersContact(wave) && form[CONTACT_FIELD] === CONTACT_VALUE;

/** The form's answer fields: the page's own fields (lang, wave, …) are not answers and get no errors. */
function answerFields(form: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([k]) => !META_FIELDS.has(k)));
}
const META_FIELDS = new Set<string>([...FORM_META_FIELDS, WAVE_FIELD, CONTACT_FIELD, SWITCH_LANGUAGE_FIELD]);

/**
 * Data cleaning's verdict on a submit, when the wave's campaign has rules: the time taken comes from the
 * form's signed opening time; a missing or altered one leaves it unknown (see judgeResponse). A clock a
 * little behind another instance's would make it negative: that is no time at all, not a forgery.
 */
function cleaningOf(
  deps: Pick<SurveyDeps, 'secret'>,
  wave: Wave,
  id: string,
  form: Record<string, string>,
  ratings: Record<string, string>,
  now: Date,
): ResponseCleaning | undefined {
  const cleaning = wave.campaign.cleaning;
  if (!cleaning) return undefined;
  const openedAt = verifyOpenedAt(deps.secret, id, form[OPENED_FIELD]);
  const secondsTaken =
    openedAt === undefined ? undefined : Math.max(0, now.getTime() - openedAt.getTime()) / 1000;
  return judgeResponse(cleaning, { ratings, secondsTaken });
}

function toResponse(
  q: Questionnaire,
  answers: Answers,
  language: Language,
  now: string,
  cleaning: ResponseCleaning | undefined,
  contact: boolean,
): StoredResponse {
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
    ...(cleaning ? { cleaning } : {}),
    ...(contact ? { contactRequested: true } : {}),
  };
}

/**
 * POST /s/{token}: validates the answers against the questionnaire the wave sent, scores them and stores
 * them. The store's conditional write is what makes this exactly-once: of any number of concurrent
 * submits, one stores and the others find the link used. An anonymous campaign's response has a fixed id
 * (anonymity.ts), so a retry after it was stored finds it and is told "already answered" like any other.
 *
 * A form from our page names its wave and language, so with the wave cached a valid submit is that one
 * conditional write, which also checks the invitation belongs to the named wave (a tampered field just
 * fails). Anything else reads the invitation first: it is needed to show the form again anyway.
 * A store that stays throttled through its retries stores nothing and raises SubmitBusyError with the
 * answers as sent, so the customer can send them again: an answer is never lost to load.
 */
export async function submitSurvey(deps: SurveyDeps, input: SubmitInput): Promise<SubmittedSurvey> {
  const id = verifyToken(deps.secret, 'survey', input.token);
  if (!id) throw new LinkUnavailableError('bad-token');
  const seen: Seen = {};
  try {
    return await storeAnswers(deps, input, id, seen);
  } catch (e) {
    if (!(e instanceof StoreBusyError)) throw e;
    // Nothing was stored: the same answers go back to the customer, to send again in a moment.
    throw new SubmitBusyError(
      seen.wave && seen.language && busyView(deps, seen.wave, id, seen.language, input.form),
    );
  }
}

interface SubmitInput {
  token: string;
  form: Record<string, string>;
  language?: Language;
}

/** The wave and language the submit has learned so far: what a busy store's page is built from. */
interface Seen {
  wave?: Wave;
  language?: Language;
}

/** The submitted form again, every answer field as sent (and the opening time kept), saying to try again. */
function busyView(
  deps: Pick<SurveyDeps, 'secret' | 'clock'>,
  wave: Wave,
  id: string,
  language: Language,
  form: Record<string, string>,
): SurveyFormView {
  const submitted = form[OPENED_FIELD];
  const opened = verifyOpenedAt(deps.secret, id, submitted)
    ? submitted
    : signOpenedAt(deps.secret, id, deps.clock.now());
  const fields = answerFields(form);
  return {
    language,
    questionnaire: wave.questionnaire,
    timeZone: wave.campaign.dispatch.timeZone,
    wave: { campaignId: wave.campaignId, waveId: wave.waveId },
    ...(isAnonymous(wave.campaign) ? { anonymous: true } : {}),
    ...(offersContact(wave) ? { contactRequest: true } : {}),
    opened,
    values: contactRequested(wave, form) ? { ...fields, [CONTACT_FIELD]: CONTACT_VALUE } : fields,
    busy: true,
  };
}

async function storeAnswers(
  deps: SurveyDeps,
  input: SubmitInput,
  id: string,
  seen: Seen,
): Promise<SubmittedSurvey> {
  const fields = answerFields(input.form);
  const formLanguage = chosenLanguage(input.form.lang);
  const named = formLanguage && (await formWave(deps, input.form[WAVE_FIELD]));
  if (formLanguage && named) Object.assign(seen, { wave: named, language: formLanguage });
  // An anonymous answer is filed under the invitation's department: it takes the read below.
  if (formLanguage && named && !isAnonymous(named.campaign)) {
    const parsed = parseAnswers(named.questionnaire, fields);
    if (parsed.ok) {
      const at = deps.clock.now();
      const now = at.toISOString();
      const cleaning = cleaningOf(deps, named, id, input.form, parsed.answers.ratings, at);
      const contact = contactRequested(named, input.form);
      const response = toResponse(named.questionnaire, parsed.answers, formLanguage, now, cleaning, contact);
      const outcome = await deps.store.saveResponse(id, response, now, named);
      if (outcome !== 'stored') return notSaved(deps, id, formLanguage);
      return { language: formLanguage, response, stored: { wave: named, invitationId: id, response, at } };
    }
  }

  const { invitation, wave } = await answerable(deps, input.token, formLanguage ?? input.language);
  const language = formLanguage ?? input.language ?? toLanguage(invitation.customer.language);
  Object.assign(seen, { wave, language });
  const parsed = parseAnswers(wave.questionnaire, fields);
  if (!parsed.ok) {
    // The form shown again keeps its first opening time, so fixing a mistake does not reset the clock.
    const submitted = input.form[OPENED_FIELD];
    const opened = verifyOpenedAt(deps.secret, invitation.id, submitted)
      ? submitted
      : signOpenedAt(deps.secret, invitation.id, deps.clock.now());
    const values = contactRequested(wave, input.form)
      ? { ...parsed.values, [CONTACT_FIELD]: CONTACT_VALUE }
      : parsed.values;
    throw new InvalidAnswersError(
      formView(invitation, wave, language, { opened, values, errors: parsed.errors }),
    );
  }
  const at = deps.clock.now();
  const now = at.toISOString();
  const cleaning = cleaningOf(deps, wave, invitation.id, input.form, parsed.answers.ratings, at);
  const contact = contactRequested(wave, input.form);
  const response = toResponse(wave.questionnaire, parsed.answers, language, now, cleaning, contact);
  if (isAnonymous(wave.campaign)) {
    const answer = anonymousAnswer(deps, invitation, response, at);
    const outcome = await deps.store.saveAnonymousResponse(invitation.id, answer, now);
    // Its id is fixed, so a store that refuses it holds it already, unless the link expired meanwhile.
    if (outcome !== 'stored')
      throw (await deps.store.hasAnonymousResponse(answer.id))
        ? new AlreadyAnsweredError(language)
        : new LinkUnavailableError('not-saved');
    return {
      language,
      response,
      stored: { wave, invitationId: invitation.id, invitation, response, at, anonymous: answer },
    };
  }
  const outcome = await deps.store.saveResponse(invitation.id, response, now, {
    campaignId: invitation.campaignId,
    waveId: invitation.waveId,
  });
  if (outcome !== 'stored') return notSaved(deps, invitation.id, language);
  return { language, response, stored: { wave, invitationId: invitation.id, invitation, response, at } };
}

/**
 * Why the conditional write stored nothing: a response is there (a concurrent or earlier submit), which the
 * link's holder may learn; anything else (expired meanwhile, a form naming another wave) is unavailable.
 */
async function notSaved(deps: SurveyDeps, id: string, language: Language): Promise<never> {
  const invitation = await deps.store.getInvitation(id);
  const live = invitation !== undefined && deps.clock.now().getTime() < Date.parse(invitation.expiresAt);
  if (live && hasAnswered(invitation)) throw new AlreadyAnsweredError(language);
  throw new LinkUnavailableError('not-saved');
}

/**
 * POST /s/{token} from the language switch: the same form in `language`, with everything chosen and typed
 * kept as sent (and its opening time), storing nothing. Unanswerable links fail as a GET would; a busy
 * store as a busy submit does, without the form.
 */
export async function switchSurveyLanguage(
  deps: SurveyDeps,
  input: { token: string; form: Record<string, string>; language?: Language },
): Promise<SurveyFormView> {
  // A store too busy to read says so (503), with the form as sent when its wave is at hand, as a submit does.
  const { invitation, wave } = await answerable(deps, input.token, input.language).catch(async (e) => {
    if (!(e instanceof StoreBusyError)) throw e;
    const id = verifyToken(deps.secret, 'survey', input.token);
    const named = await formWave(deps, input.form[WAVE_FIELD]).catch(() => undefined);
    const lang = input.language ?? chosenLanguage(input.form.lang);
    throw new SubmitBusyError(id && named && lang ? busyView(deps, named, id, lang, input.form) : undefined);
  });
  const language = input.language ?? toLanguage(invitation.customer.language);
  const submitted = input.form[OPENED_FIELD];
  const opened = verifyOpenedAt(deps.secret, invitation.id, submitted)
    ? submitted
    : signOpenedAt(deps.secret, invitation.id, deps.clock.now());
  const fields = answerFields(input.form);
  const values = contactRequested(wave, input.form) ? { ...fields, [CONTACT_FIELD]: CONTACT_VALUE } : fields;
  return formView(invitation, wave, language, { opened, values });
}

/** An anonymous campaign's answer (domain/anonymity.ts): apart from the invitation, dated by the day only. */
function anonymousAnswer(
  deps: Pick<SurveyDeps, 'secret'>,
  invitation: Invitation,
  response: StoredResponse,
  at: Date,
): AnonymousResponse {
  const { department, segments } = invitation.customer;
  return {
    id: anonymousResponseId(deps.secret, invitation.id),
    campaignId: invitation.campaignId,
    waveId: invitation.waveId,
    department,
    ...(segments ? { segments } : {}),
    response: anonymised(response, at),
  };
}
