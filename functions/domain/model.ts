import type { Language } from './language.ts';
import type { Campaign, Customer } from './programme.ts';
import type { GradeName, Questionnaire } from './questionnaire.ts';

/** One dispatch of a campaign: the questionnaire and campaign as they were when it was sent. */
export interface Wave {
  campaignId: string;
  /** `{campaignId}-{yyyyMMddTHHmm}` of the (scheduled) dispatch time in UTC: the same schedule tick gives the same wave. */
  waveId: string;
  createdAt: string;
  /** After this instant the wave's links stop working. */
  deadline: string;
  campaign: Campaign;
  questionnaire: Questionnaire;
  invited: number;
  /**
   * When the report of the closed wave (its deadline passed, its figures final) was first emailed. The
   * report schedule sends that final report once and then skips the wave (use-cases/report.ts).
   */
  finalReportAt?: string;
}

/** A wave step that sends one email to a customer. Issue "programme" adds `remind-1`, `remind-2`. */
export type SendStep = 'invite';

/** The customer as the wave saw them (the directory may change later). */
export type InvitedCustomer = Pick<Customer, 'id' | 'name' | 'email' | 'language' | 'department'>;

export interface StoredResponse {
  answeredAt: string;
  ratings: Record<string, string>;
  comments: Record<string, string>;
  /** Single-choice answers (option per question), when the questionnaire has such questions. */
  choices?: Record<string, string>;
  /** On 0–100 whatever the scale (scoring.ts). */
  total: number;
  /** The score in the scale's own units (Σ points, or the Likert mean); absent on responses stored before it. */
  raw?: number;
  grade: GradeName;
  language: Language;
  questionnaireVersion: number;
}

export interface Invitation {
  /** Derived from wave and customer, so a repeated dispatch finds the same invitation. */
  id: string;
  campaignId: string;
  waveId: string;
  customer: InvitedCustomer;
  createdAt: string;
  expiresAt: string;
  /** When each step's email was claimed, just before it was handed to SES. */
  sent: Partial<Record<SendStep, string>>;
  /** SES's message id of each step's email once SES took it; a step in `sent` without one is unconfirmed. */
  messageIds?: Partial<Record<SendStep, string>>;
  /** Steps whose send failed in a way that leaves open whether SES took it: never sent again. */
  sendUncertain?: Partial<Record<SendStep, string>>;
  response?: StoredResponse;
  unsubscribedAt?: string;
}

/** A job on the send queue: one email for one invitation. */
export interface SendJob {
  invitationId: string;
  step: SendStep;
}

/**
 * Whether the customer was actually invited: their email went out (an answer proves it too). Customers who
 * unsubscribed or whose wave closed before the send, and jobs still queued or dead-lettered, are not
 * counted, so status and reports share one denominator.
 */
export const wasInvited = (i: Invitation): boolean => Boolean(i.sent?.invite || i.response);
