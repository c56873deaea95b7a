import type { Exclusions } from './audience.ts';
import type { ResponseCleaning } from './cleaning-flags.ts';
import type { Language } from './language.ts';
import type { Campaign, Customer } from './programme.ts';
import type { GradeName, Questionnaire } from './questionnaire.ts';
import type { Segment } from './segments.ts';
import type { WaveDispatch } from './selection/dispatch-state.ts';
import type { InvitedBy } from './selection/types.ts';
import type { SendStep } from './steps.ts';

export type { InvitedBy, InvitedDepartment } from './selection/types.ts';

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
  /**
   * How the wave's customers were picked: the sampling seed (the same seed and directory pick the same
   * customers) and how many of the directory were left out, and why. Absent on waves from before it.
   */
  selection?: WaveSelection;
  /**
   * How many customers the wave invited per department, overall and per segment: what period reports
   * count return rates against (report/period-report.ts). Absent on waves from before it.
   */
  invitedBy?: InvitedBy;
  /** A smoke run's one-off wave (domain/smoke.ts), filed apart from the campaign's waves. */
  smoke?: { runId: string };
  /**
   * How far the wave's dispatch got (selection/dispatch-state.ts): while it is `selecting` or `inviting`,
   * `invited`, `invitedBy` and `selection` are not final. Absent on a wave dispatched in one go (events,
   * smoke) or from before it: such a wave is done.
   */
  dispatch?: WaveDispatch;
}

export interface WaveSelection {
  seed: string;
  /** Customers in the directory when the wave was selected. */
  directory: number;
  excluded: Exclusions;
}

export { MAX_REMINDERS, previousStep, reminderStep, SEND_STEPS, type SendStep } from './steps.ts';

/** The customer as the wave saw them (the directory may change later). */
export type InvitedCustomer = Pick<Customer, 'id' | 'name' | 'email' | 'language' | 'department'> & {
  /** The customer's segments when invited (audience.ts), for reports per segment; absent before it existed. */
  segments?: Segment[];
};

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
  /** Set when the wave's campaign has data-cleaning rules: what they found (flagged = left out of the figures). */
  cleaning?: ResponseCleaning;
  /** The customer ticked "please contact me" (a campaign whose actions take contact requests). */
  contactRequested?: true;
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
  /** When the customer's data was erased on request (erasure.ts): customer and comments are gone. */
  erasedAt?: string;
  /** In an event-triggered campaign: the delivery and the step this invitation surveys (events.ts). */
  delivery?: InvitationDelivery;
}

/** Which event date and step an event-triggered invitation is for, so emails can name the delivery. */
export interface InvitationDelivery {
  /** The delivery date, YYYY-MM-DD. */
  date: string;
  /** The step's id in the campaign's trigger, e.g. "3-months". */
  step: string;
  months: number;
  /** The day the step fell due (YYYY-MM-DD, campaign time zone); earlier than the wave's for a catch-up. */
  due: string;
}

/** A job on the send queue: one email for one invitation. */
export interface SendJob {
  invitationId: string;
  step: SendStep;
}

/**
 * Whether the invitation's email went out (an answer proves it too). Not the denominator of the return
 * rate: every invitation created at dispatch counts as invited (report/document.ts RETURN_RATE), so a
 * wave's return rate never moves because an email was late, paused or never sent; `emailed` is reported
 * beside it so such gaps show.
 */
export const wasEmailed = (i: Invitation): boolean => Boolean(i.sent?.invite || hasAnswered(i));

/**
 * Whether the customer answered: the response is on the invitation. Never true of an anonymous campaign's
 * invitation, whose answer is stored apart and found only with the secret (anonymity.ts).
 */
export const hasAnswered = (i: Pick<Invitation, 'response'>): boolean => Boolean(i.response);
