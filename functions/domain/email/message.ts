import type { OutgoingEmail } from '../ports.ts';

export interface EmailAddress {
  name?: string;
  address: string;
}

/**
 * An email as csat means it, before it becomes MIME: the adapter (functions/adapters/mime.ts) turns it
 * into the raw RFC 5322 message SES sends.
 */
export interface EmailMessage {
  from: EmailAddress;
  to: EmailAddress[];
  replyTo?: EmailAddress;
  subject: string;
  text: string;
  html: string;
  /** Further headers, each written exactly once (List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>;
  /** Message-ID with its angle brackets. */
  messageId: string;
  date: Date;
}

/** Turns a message into the raw MIME a Mailer sends. */
export type ComposeMime = (message: EmailMessage) => Promise<OutgoingEmail>;

/**
 * The mail service refused a message for a reason retrying will not fix (rejected content, an
 * unverified sender, a missing configuration set). Callers still let the job fail, so after the queue's
 * maxReceiveCount it lands in the DLQ where someone can look at it, instead of looping forever.
 */
export class MailRejectedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`the mail service rejected the message: ${reason}`, options);
    this.name = 'MailRejectedError';
  }
}
