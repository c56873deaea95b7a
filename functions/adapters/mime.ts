import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailAddress, EmailMessage } from '../domain/email/message.ts';
import type { OutgoingEmail } from '../domain/ports.ts';

type Address = string | EmailAddress;

export interface MimeInput {
  from: Address;
  to: Address | Address[];
  replyTo?: Address | undefined;
  subject: string;
  text: string;
  html: string;
  /** Further headers, written as given (one line each). */
  headers?: Record<string, string>;
  /** With angle brackets; nodemailer makes one up when absent. */
  messageId?: string;
  date?: Date;
}

/**
 * Builds a raw RFC 5322 message with nodemailer's MailComposer: multipart/alternative with the text part
 * first and the HTML part last (clients show the last one they can render), non-ASCII headers as RFC 2047
 * words, CRLF line ends as SMTP wants them.
 */
export async function buildMime(input: MimeInput): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: input.subject,
    text: input.text,
    html: input.html,
    headers: input.headers ?? {},
    ...(input.messageId ? { messageId: input.messageId } : {}),
    ...(input.date ? { date: input.date } : {}),
    newline: 'windows',
    // The content is csat's own text: never let a value make the composer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The message as a Mailer takes it: raw MIME plus the envelope addresses. */
export async function composeMime(message: EmailMessage): Promise<OutgoingEmail> {
  return {
    raw: await buildMime(message),
    from: message.from.address,
    to: message.to.map((a) => a.address),
  };
}
