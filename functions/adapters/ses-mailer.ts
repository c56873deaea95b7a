import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import {
  MailNotSentError,
  MailQuotaExceededError,
  MailRejectedError,
  MailThrottledError,
} from '../domain/email/message.ts';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';
import type { SesPacer } from './ses-pacer.ts';

/** SES v1 answers 400 `Throttling` for both "Maximum sending rate exceeded" and "Daily message quota exceeded". */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
/**
 * How SES tells the daily quota (Max24HourSend) from the rate: same code, this message ("Daily message
 * quota exceeded."), where the rate's is "Maximum sending rate exceeded.".
 */
const DAILY_QUOTA = /daily message quota/i;
/** The connection never opened: no request reached SES. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

type SdkError = {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
};

/**
 * What an SDK error proves about the message. A 4xx is SES refusing the request (throttling, or a
 * MessageRejected, an unverified sender, a paused account, a denied permission...), so the message was
 * not taken; so is a connection that never opened, or credentials that could not be loaded. A timeout,
 * a 5xx, a reset socket or an unreadable answer may come after SES accepted the message: those are
 * rethrown as they are, meaning "unknown".
 */
function notSent(e: unknown): MailNotSentError | undefined {
  const { name = '', code = '', message = '', $metadata } = (e ?? {}) as SdkError;
  const status = $metadata?.httpStatusCode ?? 0;
  if (DAILY_QUOTA.test(message) && (THROTTLING.has(name) || (status >= 400 && status < 500))) {
    return new MailQuotaExceededError({ cause: e });
  }
  if (THROTTLING.has(name) || status === 429) return new MailThrottledError({ cause: e });
  if (status >= 400 && status < 500) return new MailRejectedError(name || `HTTP ${status}`, { cause: e });
  if (UNREACHABLE.has(code))
    return new MailNotSentError(`the mail service was unreachable (${code})`, { cause: e });
  if (name === 'CredentialsProviderError') {
    return new MailNotSentError('no credentials to call the mail service', { cause: e });
  }
  return undefined;
}

export interface SesMailerOptions {
  /** SES_CONFIGURATION_SET: passed as the API parameter, never as an X-SES-CONFIGURATION-SET header. */
  configurationSet?: string | undefined;
  /** Paces sends within the account's rate and daily quota, shared by all instances; none: as fast as they come. */
  pacer?: SesPacer | undefined;
}

/** Mailer on SES v1 SendRawEmail, which takes the MIME csat builds as is. */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient,
    private readonly options: SesMailerOptions = {},
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    const { pacer, configurationSet } = this.options;
    try {
      await pacer?.acquire(email.to.length);
    } catch (e) {
      // Nothing reached SES: a budget that could not be read or booked is a send that did not happen.
      if (e instanceof MailNotSentError) throw e;
      throw new MailNotSentError('the sending budget could not be booked', { cause: e });
    }
    try {
      const { MessageId } = await this.ses.send(
        new SendRawEmailCommand({
          RawMessage: { Data: email.raw },
          // The envelope sender and recipients; the headers inside the MIME are what the reader sees.
          Source: email.from,
          Destinations: email.to,
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
          ...(email.tags
            ? { Tags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })) }
            : {}),
        }),
      );
      return MessageId ?? '';
    } catch (e) {
      const refused = notSent(e);
      if (refused instanceof MailQuotaExceededError) pacer?.dailyQuotaExceeded();
      else if (refused instanceof MailThrottledError) pacer?.throttled();
      throw refused ?? e;
    }
  }
}
