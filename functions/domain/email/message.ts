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

/**
 * Collapses line breaks and runs of blanks: a name or title that carries a newline must not break a
 * header, a greeting line or the layout of the text part.
 */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The domain part of an address: Message-IDs are made unique under the sender's domain. */
export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/** Turns a message into the raw MIME a Mailer sends. */
export type ComposeMime = (message: EmailMessage) => Promise<OutgoingEmail>;

/**
 * The mail service certainly did not take the message (it refused or throttled the request, or was never
 * reached), so sending it again cannot deliver a second copy. Any other error from a Mailer leaves open
 * whether the message went out.
 */
export class MailNotSentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailNotSentError';
  }
}

/**
 * The mail service refused a message for a reason retrying will not fix (rejected content, an
 * unverified sender, a missing configuration set). Callers still let the job fail, so after the queue's
 * maxReceiveCount it lands in the DLQ where someone can look at it, instead of looping forever.
 */
export class MailRejectedError extends MailNotSentError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`the mail service rejected the message: ${reason}`, options);
    this.name = 'MailRejectedError';
  }
}

/** The mail service is over its sending rate or daily quota: the same message can go later. */
export class MailThrottledError extends MailNotSentError {
  constructor(options?: { cause?: unknown }, message = 'the mail service is over its sending rate') {
    super(message, options);
    this.name = 'MailThrottledError';
  }
}

/**
 * The account's 24-hour sending quota is used up: nothing goes out until the quota's rolling window frees
 * some, which takes hours, not seconds, so callers pause the message rather than retry it soon.
 */
export class MailQuotaExceededError extends MailThrottledError {
  constructor(options?: { cause?: unknown }) {
    super(options, 'the mail service has used up its daily sending quota');
    this.name = 'MailQuotaExceededError';
  }
}

/**
 * No sending slot was free before the caller's deadline (the account's rate is booked that far ahead by
 * other sends): the message was not tried and can go later, without counting as a refusal or a throttle.
 */
export class MailDeferredError extends MailNotSentError {
  constructor() {
    super('no sending slot before the deadline: the message was not tried');
    this.name = 'MailDeferredError';
  }
}
