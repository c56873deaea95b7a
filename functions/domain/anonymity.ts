/*
 * Anonymous campaigns (`"anonymous": true`, seeds 001 and 003). Reminders must still reach only those who
 * have not answered, so the invitation learns *that* its customer answered (`answered: true`, no time);
 * the answers are a separate item that nothing stored, logged or reported ties back to the invitation:
 * - its id is an HMAC of the invitation id under the token secret: a retried submit finds its own item
 *   (exactly one response per invitation) while nobody without the secret can link the two;
 * - it carries the wave, the questionnaire version, the department and segments the breakdowns need, the
 *   answers, and the UTC day of the answer, never a finer time (`answeredAt` is that day's midnight);
 * - data cleaning keeps its flags but not the seconds taken: with a proxy's log of the page's GET and POST
 *   times, an exact duration would single out the request, and with it the token;
 * - reports withhold every breakdown (department, segment, comments) of fewer than `minGroupSize`.
 */
import { createHmac } from 'node:crypto';
import type { Invitation, StoredResponse } from './model.ts';
import type { Campaign } from './programme.ts';
import type { Segment } from './segments.ts';

/** A breakdown of fewer responses than this is withheld when the campaign does not say otherwise. */
export const DEFAULT_MIN_GROUP_SIZE = 5;

export const isAnonymous = (campaign: Pick<Campaign, 'anonymous'>): boolean => campaign.anonymous === true;

/** The fewest responses a breakdown of the campaign may show; undefined when it is not anonymous. */
export const minGroupSizeOf = (campaign: Pick<Campaign, 'anonymous' | 'minGroupSize'>): number | undefined =>
  isAnonymous(campaign) ? (campaign.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE) : undefined;

/** What a report shows in place of a withheld breakdown. */
export const withheldNote = (minGroupSize: number): string =>
  `withheld: fewer than ${minGroupSize} responses`;

/** Whether a breakdown of `responses` must be withheld (never in a campaign that is not anonymous). */
export const isWithheld = (responses: number, minGroupSize: number | undefined): boolean =>
  minGroupSize !== undefined && responses < minGroupSize;

/** An anonymous campaign's stored response: no customer, no invitation, no time finer than the day. */
export interface AnonymousResponse {
  /** anonymousResponseId(secret, invitation id). */
  id: string;
  campaignId: string;
  waveId: string;
  /** The customer's department and segments when invited: what the report breaks down by. */
  department: string;
  segments?: Segment[];
  /** `answeredAt` is the UTC day's midnight; `cleaning` has flags only. */
  response: StoredResponse;
}

/** The response id of an invitation of an anonymous campaign: only the holder of the secret can compute it. */
export function anonymousResponseId(secret: string, invitationId: string): string {
  return createHmac('sha256', secret)
    .update(`anonymous-response:${invitationId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The instant an anonymous response says it was answered: midnight UTC of the day it was. */
export const answeredDay = (at: Date): string => `${at.toISOString().slice(0, 10)}T00:00:00.000Z`;

/** A response stripped of what could tie it to its request: the time of day, the exact seconds taken. */
export function anonymised(response: StoredResponse, at: Date): StoredResponse {
  const { cleaning, ...rest } = response;
  return {
    ...rest,
    answeredAt: answeredDay(at),
    ...(cleaning ? { cleaning: { flags: cleaning.flags } } : {}),
  };
}

/**
 * The response in the shape the reports read (an answered invitation), with no customer: an empty id,
 * name and email, the department and segments it was filed under, and the response id for an id.
 */
export function asAnsweredInvitation(r: AnonymousResponse): Invitation {
  return {
    id: r.id,
    campaignId: r.campaignId,
    waveId: r.waveId,
    customer: {
      id: '',
      name: '',
      email: '',
      language: r.response.language,
      department: r.department,
      ...(r.segments ? { segments: r.segments } : {}),
    },
    createdAt: r.response.answeredAt,
    expiresAt: r.response.answeredAt,
    sent: {},
    response: r.response,
  };
}

/**
 * What a wave report of an anonymous campaign counts: the invitations not answered, plus one customerless
 * answered invitation per response. An answered invitation is replaced by its response, which carries the
 * same department, so the invited and answered counts stay what they were, per department too.
 */
export function reportInvitations(
  invitations: readonly Invitation[],
  responses: readonly AnonymousResponse[],
): Invitation[] {
  return [...invitations.filter((i) => !i.answered && !i.response), ...responses.map(asAnsweredInvitation)];
}
