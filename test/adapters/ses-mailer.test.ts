import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSesClient, SES_REQUEST_TIMEOUT_MS } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import {
  MailNotSentError,
  MailQuotaExceededError,
  MailRejectedError,
  MailThrottledError,
} from '../../functions/domain/email/message.ts';
import type { OutgoingEmail } from '../../functions/domain/ports.ts';

/*
 * The SES client and mailer against an SES endpoint that misbehaves on purpose: a local HTTP server
 * answering each SendRawEmail with the fault a test asks for, counting the requests that reach it. The
 * local SES emulator always answers, so these faults need a server of their own.
 */

type Fault = 'hang' | 'reset' | 'ok' | { status: number; code: string; message?: string };

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<?xml version="1.0"?>\n${body}`);
}

/** An SES endpoint answering the n-th request with `faults[n]` (the last one from then on). */
async function faultySes(...faults: Fault[]): Promise<{ endpoint: string; requests: () => number }> {
  let requests = 0;
  server = createServer((req, res) => {
    const fault = faults[Math.min(requests, faults.length - 1)]!;
    requests += 1;
    req.resume();
    req.on('end', () => {
      if (fault === 'hang') return;
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'ok') {
        return reply(
          res,
          200,
          '<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>ses-message-1</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendRawEmailResponse>',
        );
      }
      reply(
        res,
        fault.status,
        `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${fault.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${fault.code}</Code><Message>${fault.message ?? 'injected'}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requests: () => requests };
}

const email: OutgoingEmail = {
  raw: new TextEncoder().encode('Subject: hello\r\n\r\nhello\r\n'),
  from: 'survey@example.com',
  to: ['customer@example.test'],
};

const mailerFor = (endpoint: string) => new SesMailer(createSesClient({ endpoint }));

describe('SesMailer on the csat SES client', () => {
  it('should hand the message to SES once and return its message id', async () => {
    const ses = await faultySes('ok');

    const id = await mailerFor(ses.endpoint).send(email);

    expect(id).toBe('ses-message-1');
    expect(ses.requests()).toBe(1);
  });

  it('should give up on a request SES does not answer, without trying again', async () => {
    // Arrange
    const ses = await faultySes('hang');

    // Act
    const sent = mailerFor(ses.endpoint).send(email);

    // Assert: a timeout, not a refusal: SES may have taken the message, so it is not sent again.
    await expect(sent).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(sent).rejects.not.toBeInstanceOf(MailNotSentError);
    expect(ses.requests()).toBe(1);
    expect(SES_REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  }, 20_000);

  it.each([
    { fault: { status: 500, code: 'InternalFailure' } as const, what: 'a 500' },
    { fault: { status: 503, code: 'ServiceUnavailable' } as const, what: 'a 503' },
    { fault: 'reset' as const, what: 'a reset connection' },
  ])('should not retry after $what, and leave open whether the message went out', async ({ fault }) => {
    const ses = await faultySes(fault, 'ok');

    const sent = mailerFor(ses.endpoint).send(email);

    await expect(sent).rejects.toThrow();
    await expect(sent).rejects.not.toBeInstanceOf(MailNotSentError);
    expect(ses.requests()).toBe(1);
  });

  it('should retry throttling, which proves SES did not take the message, and then succeed', async () => {
    const ses = await faultySes({ status: 400, code: 'Throttling' }, 'ok');

    const id = await mailerFor(ses.endpoint).send(email);

    expect(id).toBe('ses-message-1');
    expect(ses.requests()).toBe(2);
  });

  it('should report throttling that outlasts the retries as MailThrottledError', async () => {
    const ses = await faultySes({ status: 400, code: 'Throttling' });

    const sent = mailerFor(ses.endpoint).send(email);

    await expect(sent).rejects.toBeInstanceOf(MailThrottledError);
    expect(ses.requests()).toBe(3);
  });

  it('should report a used-up daily quota as MailQuotaExceededError, without retrying it', async () => {
    // SES v1 answers the daily quota with the rate's code and its own message.
    const ses = await faultySes(
      { status: 400, code: 'Throttling', message: 'Daily message quota exceeded.' },
      'ok',
    );

    const sent = mailerFor(ses.endpoint).send(email);

    await expect(sent).rejects.toBeInstanceOf(MailQuotaExceededError);
    expect(ses.requests()).toBe(1);
  });

  it.each([
    { status: 400, code: 'MessageRejected' },
    { status: 400, code: 'ConfigurationSetDoesNotExist' },
    { status: 403, code: 'AccessDenied' },
  ])('should report $code ($status) as MailRejectedError after one request', async (fault) => {
    const ses = await faultySes(fault, 'ok');

    const sent = mailerFor(ses.endpoint).send(email);

    await expect(sent).rejects.toBeInstanceOf(MailRejectedError);
    await expect(sent).rejects.toThrow(fault.code);
    expect(ses.requests()).toBe(1);
  });

  it('should report an endpoint nobody listens on as not sent', async () => {
    const ses = await faultySes('ok');
    server?.close();
    await once(server!, 'close');

    const sent = mailerFor(ses.endpoint).send(email);

    await expect(sent).rejects.toBeInstanceOf(MailNotSentError);
  });
});
