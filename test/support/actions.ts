/*
 * Corrective actions for tests: the demo campaign with a closed loop, and actions stored in this test file's
 * table through the real adapter (DynamoActions.openAction), moved along through the real lifecycle.
 *
 *   const action = await seedAction({ department: 'north-region' });      // open, owner north.head (en)
 *   const token = actionToken(action, 'o0');                              // the owner's /a/{token}
 *   const resolved = await advance(action, 'resolved');                   // acknowledged, resolved
 */
import { randomUUID } from 'node:crypto';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import {
  acknowledge,
  resolve,
  responseActionId,
  targetActionId,
  verificationSent,
} from '../../functions/domain/actions/lifecycle.ts';
import { type RecipientRef, signActionLink, signVerifyLink } from '../../functions/domain/actions/links.ts';
import type { ActionCustomer, ActionReason, CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { newAction } from '../../functions/domain/actions/open.ts';
import { findCalendar } from '../../functions/domain/calendar/index.ts';
import type { Wave } from '../../functions/domain/model.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';
import { demoCampaign } from './programme.ts';

const DAY_MS = 86_400_000;

export const cnMainland = findCalendar(programme.calendars, 'cn-mainland');
/** The cn-mainland calendar the demo campaign counts working days by. */
export const cnCalendar = cnMainland;

/** The demo campaign (north-region's head: north.head, en; south-region's: south.head, zh-CN) with a loop. */
export const loopCampaign: Campaign & { actions: ActionsConfig } = {
  ...demoCampaign,
  actions: ActionsConfig.parse({
    triggers: {
      totalBelow: 70,
      ratingAtOrBelow: 'dissatisfied',
      keywords: ['投诉', 'complaint'],
      contactRequest: true,
    },
    customerService: [{ email: 'service@example.com', language: 'zh-CN' }],
  }),
};

export const testActions = (): DynamoActions => new DynamoActions(documentClient(), process.env.TABLE_NAME!);

export interface SeedActionOptions {
  department?: string;
  /** The wave whose questionnaire labels the page (a response's action). */
  wave?: Wave;
  customer?: Partial<ActionCustomer>;
  anonymous?: boolean;
  comments?: Record<string, string>;
  reasons?: ActionReason[];
  at?: Date;
}

/** Stores a new open action of a dissatisfied response and returns it. */
export async function seedAction(options: SeedActionOptions = {}): Promise<CorrectiveAction> {
  const at = options.at ?? new Date();
  const customer: ActionCustomer = {
    id: `c-${randomUUID().slice(0, 6)}`,
    name: 'Alice Zhang',
    email: 'alice@example.test',
    language: 'en',
    ...options.customer,
  };
  const action = newAction({
    id: responseActionId(randomUUID()),
    campaign: loopCampaign,
    calendar: cnMainland,
    source: options.anonymous
      ? { kind: 'response', waveId: options.wave?.waveId ?? 'demo-20260101T0000', anonymous: true }
      : { kind: 'response', waveId: options.wave?.waveId ?? 'demo-20260101T0000', invitationId: 'inv-1' },
    department: options.department ?? 'north-region',
    reasons: options.reasons ?? [
      { kind: 'total-below', total: 52, threshold: 70 },
      { kind: 'rating', category: 'quality', level: 'very-dissatisfied' },
    ],
    at,
    ...(options.anonymous ? {} : { customer }),
    response: {
      answeredAt: at.toISOString(),
      total: 52,
      grade: 'D',
      ratings: { quality: 'very-dissatisfied', delivery: 'satisfied' },
      comments: options.comments ?? { suggestions: 'Deliveries are always late.' },
      questionnaireVersion: 1,
    },
  });
  if (!(await testActions().openAction(action))) throw new Error('action not stored');
  return action;
}

/**
 * Stores a new open target action (no wave, no customer): `department` missed the satisfaction rate in
 * the closed month `period`.
 */
export async function seedTargetAction(
  department = 'north-region',
  period = '2026-10',
): Promise<CorrectiveAction> {
  const action = newAction({
    // Unique per call: the table outlives the test.
    id: targetActionId(loopCampaign.id, `${period}.${randomUUID()}`, department),
    campaign: loopCampaign,
    calendar: cnMainland,
    source: { kind: 'target', period },
    department,
    reasons: [{ kind: 'target', measure: 'satisfaction-rate', actual: 0.5, target: 0.95 }],
    at: new Date(),
  });
  if (!(await testActions().openAction(action))) throw new Error('action not stored');
  return action;
}

/** Takes a stored action through the lifecycle (as its first owner) to `status`; returns it as stored. */
export async function advance(
  action: CorrectiveAction,
  status: 'acknowledged' | 'resolved' | 'asked',
  options: { at?: Date; answerBy?: string } = {},
): Promise<CorrectiveAction> {
  const store = testActions();
  const at = options.at ?? new Date();
  const by = action.owners[0]!.email;
  let current = (await store.apply(action.id, acknowledge(action, by, at)))!;
  if (status === 'acknowledged') return current;
  const text = { rootCause: 'The carrier changed.', actionTaken: 'We changed carriers.' };
  current = (await store.apply(action.id, resolve(current, by, at, text)))!;
  if (status === 'resolved') return current;
  const answerBy = options.answerBy ?? new Date(at.getTime() + 7 * DAY_MS).toISOString().slice(0, 10);
  return (await store.apply(action.id, verificationSent(current, at, answerBy)))!;
}

const secret = () => process.env.TOKEN_SECRET!;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);

/** The token of `/a/{token}` as an email to recipient `ref` carries it (expires in `days`). */
export const actionToken = (action: Pick<CorrectiveAction, 'id'>, ref: RecipientRef, days = 90): string =>
  signActionLink(secret(), action.id, ref, inDays(days));

/** The token of `/v/{token}` for the action's current round (or `round`). */
export const verifyToken = (action: Pick<CorrectiveAction, 'id' | 'round'>, round = action.round, days = 8) =>
  signVerifyLink(secret(), action.id, round, inDays(days));

/** A response's action of the loop campaign in north-region, opened at `at`, with a customer (not stored). */
export function sampleAction(
  id: string,
  at: Date,
  overrides: Partial<CorrectiveAction> = {},
): CorrectiveAction {
  return {
    ...newAction({
      id,
      campaign: loopCampaign,
      calendar: cnMainland,
      source: { kind: 'response', waveId: 'demo-20261201T0100', invitationId: `inv-${id}` },
      department: 'north-region',
      reasons: [{ kind: 'total-below', total: 42, threshold: 70 }],
      at,
      customer: { id: 'c1', name: '王伟', email: 'wang.wei@example.com', language: 'zh-CN' },
      response: {
        answeredAt: at.toISOString(),
        total: 42,
        grade: 'D',
        ratings: { delivery: 'very-dissatisfied' },
        comments: {},
        questionnaireVersion: 2,
      },
    }),
    ...overrides,
  };
}
