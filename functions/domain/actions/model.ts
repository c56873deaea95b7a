import type { Language, LocalizedText } from '../language.ts';
import type { GradeName } from '../questionnaire.ts';

/*
 * A corrective action (CAPA, DOMAIN.md §7): opened by a dissatisfied response or by a department or item
 * missing its target in a closed period, owned by the department's heads, due in working days, resolved
 * with a root cause and the action taken, and verified by asking the customer again.
 *
 *   open ──► acknowledged ──► resolved ──► verified                (customer said yes)
 *     │            │              ├──────► closed-unverified       (no answer, onNoAnswer: close-unverified;
 *     └────────────┴──────────────┤                                 a target's or anonymous action: at once)
 *                                 └──────► reopened ──► acknowledged / resolved …  (customer said no)
 *
 * Escalation is not a status: an action past its due date and not resolved is escalated once per round
 * (a reopen starts a new round with a new due date).
 */
export const ACTION_STATUSES = [
  'open',
  'acknowledged',
  'resolved',
  'verified',
  'reopened',
  'closed-unverified',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Statuses in which the owner still has to act (the due date and escalation apply). */
export const PENDING_STATUSES: readonly ActionStatus[] = ['open', 'acknowledged', 'reopened'];
/** Statuses after which nothing more happens to the action. */
export const FINAL_STATUSES: readonly ActionStatus[] = ['verified', 'closed-unverified'];
export const isFinal = (status: ActionStatus): boolean => FINAL_STATUSES.includes(status);

/** Why an action was opened. */
export type ActionReason =
  /** The response's total (0–100) was below the campaign's threshold. */
  | { kind: 'total-below'; total: number; threshold: number }
  /** An item was rated at or below the configured level. */
  | { kind: 'rating'; category: string; level: string }
  /** A comment contains a configured keyword. */
  | { kind: 'keyword'; keyword: string; question: string }
  /** The customer asked to be contacted. */
  | { kind: 'contact-request' }
  /** A closed period missed a target (seed 000 §6 ②); `item` when an item missed it. */
  | {
      kind: 'target';
      measure: 'satisfaction-rate' | 'index' | 'return-rate' | 'item-satisfaction';
      actual: number;
      target: number;
      item?: string;
    };

/** Someone an action's emails go to. */
export interface ActionRecipient {
  email: string;
  language: Language;
}

/** What the action came from. */
export type ActionSource =
  /** A response; `invitationId` is absent for an anonymous campaign's (the customer is never revealed). */
  | { kind: 'response'; waveId: string; invitationId?: string; anonymous?: true }
  /** A closed report period (`period` is its key, e.g. 2026-Q3) that missed a target. */
  | { kind: 'target'; period: string };

/** The answer that opened a response's action, as the alert shows it. */
export interface ActionResponse {
  answeredAt: string;
  total: number;
  grade: GradeName;
  ratings: Record<string, string>;
  comments: Record<string, string>;
  choices?: Record<string, string>;
  questionnaireVersion: number;
}

/** The customer to contact and to ask again; never present on an anonymous campaign's action. */
export interface ActionCustomer {
  id: string;
  name: string;
  email: string;
  language: Language;
}

/** One line of the append-only history: who did what, when. */
export interface ActionHistoryEntry {
  at: string;
  /** An owner's or manager's address, `customer`, or `csat` for what the system did. */
  by: string;
  event: ActionEventName;
  /** Free text that goes with it (the root cause and action taken on `resolved`). */
  note?: string;
}

export type ActionEventName =
  | 'opened'
  | 'acknowledged'
  | 'resolved'
  | 'owner-reminded'
  | 'escalated'
  | 'verification-sent'
  | 'verified'
  | 'reopened'
  | 'closed-unverified';

export interface CorrectiveAction {
  id: string;
  campaignId: string;
  /** The campaign's name and sender when the action opened: its emails go out as the campaign's. */
  campaignName: LocalizedText;
  sender: { from: string; name: LocalizedText; replyTo?: string };
  /** How many days an emailed action link works (the campaign's `actions.linkDays`). */
  linkDays: number;
  source: ActionSource;
  department: string;
  reasons: ActionReason[];
  status: ActionStatus;
  openedAt: string;
  /** The campaign's time zone: due dates and working days are counted in it. */
  timeZone: string;
  /** The last day (YYYY-MM-DD, campaign time zone) to resolve it in this round. */
  dueDate: string;
  /** 0 at first; each reopen starts the next round with a new due date. */
  round: number;
  owners: ActionRecipient[];
  /** Customer service, alerted besides the owners. */
  notify: ActionRecipient[];
  /** Told about escalations and reopens (the campaign's report managers). */
  managers: ActionRecipient[];
  customer?: ActionCustomer;
  /** When the customer's data was erased on request: `customer`, the response's comments and the source's invitation id are gone. */
  customerErasedAt?: string;
  response?: ActionResponse;
  acknowledgedAt?: string;
  resolvedAt?: string;
  /** Whether the last resolution came on or before its round's due date. */
  resolvedOnTime?: boolean;
  rootCause?: string;
  actionTaken?: string;
  /** The follow-up tells the customer the action taken (the campaign's verification.tellCustomer). */
  tellCustomer?: true;
  /** When this round's overdue action was escalated to the managers. */
  escalatedAt?: string;
  /** When this round's owners were reminded of the coming due date. */
  ownerRemindedAt?: string;
  /** This round's follow-up to the customer. */
  verification?: ActionVerification;
  verifiedAt?: string;
  closedAt?: string;
  reopenedAt?: string;
  /** Claims of the emails sent about the action (notice key → when), so each goes out once. */
  notices: Record<string, string>;
  history: ActionHistoryEntry[];
}

export interface ActionVerification {
  sentAt: string;
  /** The last day (YYYY-MM-DD) the customer's answer counts. */
  answerBy: string;
  answer?: 'yes' | 'no';
  answeredAt?: string;
}

/** A key in `notices`: one email of one kind to one recipient in one round. */
export const noticeKey = (kind: ActionNoticeKind, round: number, recipient: number): string =>
  `${kind}.${round}.${recipient}`;

/** The emails an action sends. */
export const ACTION_NOTICE_KINDS = [
  /** To owners and customer service when it opens. */
  'alert',
  /** To owners before the due date. */
  'owner-reminder',
  /** To the managers when it is overdue. */
  'escalation',
  /** To the customer: "is it resolved to your satisfaction?" */
  'verify',
  /** To the managers (and owners) when the customer said no (or did not answer, as configured). */
  'reopened',
] as const;
export type ActionNoticeKind = (typeof ACTION_NOTICE_KINDS)[number];

/** A job on the send queue for one action email to one recipient (index into the kind's recipients). */
export interface ActionSendJob {
  actionId: string;
  notice: ActionNoticeKind;
  round: number;
  recipient: number;
}
