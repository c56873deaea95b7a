import { actionEvent } from '../domain/actions/events.ts';
import {
  ActionChangeError,
  acknowledge,
  actionText,
  MAX_ACTION_TEXT,
  resolve,
} from '../domain/actions/lifecycle.ts';
import { recipientOf, verifyActionLink } from '../domain/actions/links.ts';
import type { CorrectiveAction } from '../domain/actions/model.ts';
import type { ActionStore, EventPublisher } from '../domain/actions/ports.ts';
import { type DepartmentNamesLookup, departmentNamesOfAction } from '../domain/department-names.ts';
import type { Language } from '../domain/language.ts';
import { type ActionPageView, RESOLVE_FIELDS, type ResolveField } from '../domain/pages/action-page.ts';
import type { ActionFieldError } from '../domain/pages/action-texts.ts';
import type { Clock } from '../domain/ports.ts';
import { LinkUnavailableError } from './survey.ts';
import type { WaveLookup } from './waves.ts';

/*
 * GET/POST /a/{token}: the page of one corrective action for the owner (or customer service, or a manager)
 * the link was emailed to. The token is checked before anything is read, and names one action and one
 * recipient: nothing else can be reached through it.
 */

/** Where a use case reports what went wrong but must not fail the request (names only, no personal data). */
export interface WarningLog {
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface ActionPageDeps {
  actions: ActionStore;
  clock: Clock;
  waves: WaveLookup;
  /** Departments' display names as the programme configures them now (a target action has no wave). */
  departmentNames: DepartmentNamesLookup;
  events: EventPublisher;
  log: WarningLog;
  /** The key action links are signed with. */
  secret: string;
}

/** The resolve form is incomplete or too long: shown again with its errors, nothing stored. */
export class ActionFormError extends Error {
  constructor(readonly view: ActionPageView) {
    super(`action form refused: ${Object.keys(view.errors ?? {}).join(', ') || 'op'}`);
    this.name = 'ActionFormError';
  }
}

/** The action's state does not allow what was asked (or someone else changed it first); nothing changed. */
export class ActionConflictError extends Error {
  constructor(readonly view: ActionPageView) {
    super(`action change refused in status ${view.action.status}`);
    this.name = 'ActionConflictError';
  }
}

/** Publishes the event of a change that was stored; a failure is logged, never shown to the person. */
export async function publishChange(
  deps: Pick<ActionPageDeps, 'events' | 'log'>,
  updated: CorrectiveAction,
): Promise<void> {
  const event = actionEvent(updated);
  if (!event) return;
  try {
    await deps.events.publish([event]);
  } catch (e) {
    deps.log.warn('action event not published', {
      detailType: event.detailType,
      actionId: updated.id,
      error: (e as Error).name,
    });
  }
}

interface Opened {
  action: CorrectiveAction;
  viewer: { email: string; language: Language };
}

/** The action and recipient a genuine, unexpired link names; everything else is the one unavailable page. */
async function openLink(deps: ActionPageDeps, token: string): Promise<Opened> {
  const link = verifyActionLink(deps.secret, token, deps.clock.now());
  if (!link) throw new LinkUnavailableError('bad-token');
  const action = await deps.actions.getAction(link.actionId);
  if (!action) throw new LinkUnavailableError('unknown');
  const viewer = recipientOf(action, link.ref);
  if (!viewer) throw new LinkUnavailableError('unknown');
  return { action, viewer };
}

async function viewOf(
  deps: ActionPageDeps,
  { action, viewer }: Opened,
  language: Language | undefined,
): Promise<ActionPageView> {
  const source = action.source;
  const wave = source.kind === 'response' ? await deps.waves(action.campaignId, source.waveId) : undefined;
  const departments = departmentNamesOfAction(deps, action, wave);
  return {
    language: language ?? viewer.language,
    action,
    viewer: viewer.email,
    ...(wave ? { questionnaire: wave.questionnaire } : {}),
    ...(departments ? { departments } : {}),
  };
}

/** GET /a/{token}: the action as it stands, in the recipient's language (or `?lang=`). Changes nothing. */
export async function openActionPage(
  deps: ActionPageDeps,
  input: { token: string; language?: Language },
): Promise<ActionPageView> {
  return viewOf(deps, await openLink(deps, input.token), input.language);
}

function fieldErrors(form: Record<string, string>): Partial<Record<ResolveField, ActionFieldError>> {
  const errors: Partial<Record<ResolveField, ActionFieldError>> = {};
  for (const f of RESOLVE_FIELDS) {
    const text = actionText(form[f]);
    if (!text) errors[f] = 'required';
    else if (text.length > MAX_ACTION_TEXT) errors[f] = 'too-long';
  }
  return errors;
}

/**
 * POST /a/{token}: acknowledge (`op=acknowledge`) or resolve (`op=resolve`, `rootCause`, `actionTaken`), by
 * the link's recipient. One conditional update: of concurrent clicks exactly one counts. The event is
 * published after the change was stored.
 */
export async function submitActionPage(
  deps: ActionPageDeps,
  input: { token: string; form: Record<string, string>; language?: Language },
): Promise<ActionPageView> {
  const opened = await openLink(deps, input.token);
  const { action, viewer } = opened;
  const view = await viewOf(deps, opened, input.language);
  const op = input.form.op;
  const now = deps.clock.now();
  let change: ReturnType<typeof acknowledge>;
  try {
    if (op === 'acknowledge') change = acknowledge(action, viewer.email, now);
    else if (op === 'resolve') {
      const errors = fieldErrors(input.form);
      const values = { rootCause: input.form.rootCause ?? '', actionTaken: input.form.actionTaken ?? '' };
      // The state first: resolving a resolved action is a conflict whatever the form holds.
      if (Object.keys(errors).length > 0) {
        resolve(action, viewer.email, now, { rootCause: 'x', actionTaken: 'x' });
        throw new ActionFormError({ ...view, values, errors });
      }
      change = resolve(action, viewer.email, now, input.form as { rootCause: string; actionTaken: string });
    } else throw new ActionFormError(view);
  } catch (e) {
    if (e instanceof ActionChangeError && e.reason === 'status')
      throw new ActionConflictError({ ...view, conflict: true });
    throw e;
  }
  const updated = await deps.actions.apply(action.id, change);
  if (!updated) {
    // Another click, or the sweep, changed it first: show it as it is now.
    const now = await deps.actions.getAction(action.id);
    throw new ActionConflictError({ ...view, action: now ?? action, conflict: true });
  }
  await publishChange(deps, updated);
  return { ...view, action: updated, done: op === 'acknowledge' ? 'acknowledged' : 'resolved' };
}
