import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { MailRejectedError } from '../domain/email/message.ts';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';

/*
 * SES answers these when the message, the sender or the account setup is wrong: retrying the same
 * message will not help until someone acts. Throttling ("Maximum sending rate exceeded", "Daily message
 * quota exceeded") and 5xx are not here: the SDK retries them first, and the send job retries after that.
 */
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'FromEmailAddressNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'AccountSendingPausedException',
  'InvalidParameterValue',
]);

export interface SesMailerOptions {
  /** SES_CONFIGURATION_SET: passed as the API parameter, never as an X-SES-CONFIGURATION-SET header. */
  configurationSet?: string | undefined;
}

/** Mailer on SES v1 SendRawEmail, which takes the MIME csat builds as is. */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient,
    private readonly options: SesMailerOptions = {},
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    try {
      const { MessageId } = await this.ses.send(
        new SendRawEmailCommand({
          RawMessage: { Data: email.raw },
          // The envelope sender and recipients; the headers inside the MIME are what the reader sees.
          Source: email.from,
          Destinations: email.to,
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
        }),
      );
      return MessageId ?? '';
    } catch (e) {
      const name = (e as { name?: string })?.name ?? '';
      if (PERMANENT.has(name)) throw new MailRejectedError(name, { cause: e });
      throw e;
    }
  }
}
