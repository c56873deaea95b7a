/*
 * Anonymous campaigns (`"anonymous": true`, seeds 001 and 003). The answers are a separate item that
 * nothing stored, logged or reported ties back to the invitation, and the invitation is never written on
 * an answer (no marker: with the table alone, a cell of one marked invitation would name its response):
 * - its id is an HMAC of the invitation id under the token secret: a retried submit finds its own item
 *   (exactly one response per invitation), and whether an invitation was answered (the survey page's
 *   "already answered", reminders) is a lookup of that id, which only the holder of the secret can make;
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

/** The (department, segments) cell a customer or response is filed under. */
const cellOf = (department: string, segments: readonly Segment[] | undefined): string =>
  JSON.stringify([department, segments ?? []]);

/**
 * What a wave report (and the status) of an anonymous campaign counts. No invitation says whether it was
 * answered, so the counts come from the responses: each takes the place of one invitation of its own
 * (department, segments) cell, one that was emailed (no answer comes without the email), else of its
 * department. Invited stays the number of invitations and emailed the number emailed, per department
 * too, and answered is the number of responses; which invitation a response stands for is arbitrary and
 * says nothing.
 */
export function reportInvitations(
  invitations: readonly Invitation[],
  responses: readonly AnonymousResponse[],
): Invitation[] {
  // Emailed ones first, so they are the ones replaced.
  const open = [...invitations.filter((i) => !i.response)].sort(
    (a, b) => Number(Boolean(b.sent?.invite)) - Number(Boolean(a.sent?.invite)),
  );
  const taken = new Set<Invitation>();
  const take = (fits: (i: Invitation) => boolean): boolean => {
    const found = open.find((i) => !taken.has(i) && fits(i));
    if (found) taken.add(found);
    return found !== undefined;
  };
  for (const r of responses) {
    const cell = cellOf(r.department, r.segments);
    if (!take((i) => cellOf(i.customer.department, i.customer.segments) === cell))
      take((i) => i.customer.department === r.department);
  }
  return [...open.filter((i) => !taken.has(i)), ...responses.map(asAnsweredInvitation)];
}

/** One (department, segments) cell's invitations no response has taken yet, emailed or not. */
interface OpenCell {
  department: string;
  emailed: number;
  other: number;
}

/**
 * reportInvitations on counts, for a wave of any size: invitations are added a page at a time (only their
 * cell and whether they were emailed are kept), then each response takes the place of one open invitation
 * as reportInvitations has it — one of its own cell, an emailed one first, else one of its department
 * (an emailed one first, from the cells in the order they were first seen). `remaining` gives what the
 * invitations not taken count per department; the responses count as answered invitations of their own.
 */
export class AnonymousStandIns {
  private readonly cells = new Map<string, OpenCell>();
  private readonly byDepartment = new Map<string, OpenCell[]>();

  /** An invitation of the wave (one with a response on it is left out, as reportInvitations does). */
  addInvitation(invitation: Invitation): void {
    if (invitation.response) return;
    const { department, segments } = invitation.customer;
    const key = cellOf(department, segments);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { department, emailed: 0, other: 0 };
      this.cells.set(key, cell);
      const cells = this.byDepartment.get(department) ?? [];
      cells.push(cell);
      this.byDepartment.set(department, cells);
    }
    if (invitation.sent?.invite) cell.emailed += 1;
    else cell.other += 1;
  }

  /** A response takes the place of an open invitation, when its cell or department has one left. */
  take(response: Pick<AnonymousResponse, 'department' | 'segments'>): void {
    const own = this.cells.get(cellOf(response.department, response.segments));
    if (own && takeOne(own)) return;
    const cells = this.byDepartment.get(response.department) ?? [];
    const emailed = cells.find((c) => c.emailed > 0);
    if (emailed) emailed.emailed -= 1;
    else cells.find((c) => c.other > 0 && takeOne(c));
  }

  /** Per department, the invitations no response took: how many, and how many of them were emailed. */
  remaining(): Array<{ department: string; invited: number; emailed: number }> {
    return [...this.byDepartment].map(([department, cells]) => ({
      department,
      invited: cells.reduce((n, c) => n + c.emailed + c.other, 0),
      emailed: cells.reduce((n, c) => n + c.emailed, 0),
    }));
  }
}

/** Takes an emailed invitation of the cell, else another; false when it has none left. */
function takeOne(cell: OpenCell): boolean {
  if (cell.emailed > 0) cell.emailed -= 1;
  else if (cell.other > 0) cell.other -= 1;
  else return false;
  return true;
}
