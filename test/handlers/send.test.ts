import { randomUUID } from 'node:crypto';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { SQSEvent } from 'aws-lambda';
import type { mockClient } from 'aws-sdk-client-mock';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Wave } from '../../functions/domain/model.ts';
import { verifyToken } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/send/index.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import {
  lambdaContext,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
  testStore,
} from '../support/fixtures.ts';
import { mockSes } from '../support/ses-mock.ts';

/* The local SES mailbox is shared by every test file running at once: only look at this file's addresses. */
const TAG = randomUUID().slice(0, 8);
let recipients = 0;
const address = () => `send-${TAG}-${++recipients}@example.test`;

const SES = process.env.AWS_ENDPOINT_URL_SES!;
const store = testStore();

async function mailTo(to: string): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.includes(to));
}

async function parse(message: StoredMessage): Promise<ParsedMail> {
  const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(message.id)}/raw`);
  return simpleParser(Buffer.from(await raw.arrayBuffer()));
}

/** A header as written, unfolded (mailparser turns List-* headers into a structure of its own). */
function rawHeader(mail: ParsedMail, key: string): string {
  const line = mail.headerLines.find((h) => h.key === key)?.line ?? '';
  return line
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/^[^:]*:\s*/, '')
    .trim();
}

const job = (invitationId: string) => ({ invitationId, step: 'invite' });
const send = (event: SQSEvent) => handler(event, lambdaContext());

let wave: Wave;
async function invite(language: 'zh-CN' | 'en' = 'en', overrides: { expiresAt?: string } = {}) {
  wave ??= await seedWave();
  const email = address();
  const seeded = await seedInvitation(wave, {
    customer: { email, language, name: language === 'en' ? 'Alice Morgan' : '王伟' },
    ...overrides,
  });
  return { ...seeded, email };
}

const sesMock = { current: undefined as ReturnType<typeof mockClient> | undefined };
afterEach(() => {
  sesMock.current?.restore();
  sesMock.current = undefined;
});

describe('Handler: send', () => {
  it('should send one invitation email with both parts, the survey link and one-click unsubscribe', async () => {
    const { invitation, email } = await invite('en');

    const result = await send(sqsEvent(sqsRecord(job(invitation.id))));

    expect(result).toEqual({ batchItemFailures: [] });
    const [message, ...more] = await mailTo(email);
    expect(more).toHaveLength(0);
    const mail = await parse(message!);
    const keys = mail.headerLines.map((h) => h.key);
    expect(keys.filter((k) => k === 'list-unsubscribe')).toHaveLength(1);
    expect(keys.filter((k) => k === 'list-unsubscribe-post')).toHaveLength(1);
    expect(keys).not.toContain('x-ses-configuration-set');
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = /^<(https:\/\/[^>]+)>$/.exec(rawHeader(mail, 'list-unsubscribe'))?.[1];
    expect(unsubscribeUrl).toMatch(/^https:\/\/survey\.example\.test\/u\//);
    const unsubscribeToken = unsubscribeUrl!.split('/u/')[1]!;
    expect(verifyToken(process.env.TOKEN_SECRET!, 'unsubscribe', unsubscribeToken)).toBe(invitation.id);
    expect(mail.text).toContain(unsubscribeUrl);
    expect(mail.html).toContain(`href="${unsubscribeUrl}"`);

    const surveyToken = /https:\/\/survey\.example\.test\/s\/([\w.-]+)/.exec(mail.text ?? '')?.[1];
    expect(verifyToken(process.env.TOKEN_SECRET!, 'survey', surveyToken!)).toBe(invitation.id);
    expect(mail.html).toContain(`href="https://survey.example.test/s/${surveyToken}"`);
    expect(mail.subject).toBe('Quarterly customer satisfaction survey: we would value your feedback');
    expect(mail.from?.value).toEqual([{ name: 'Customer Service', address: 'survey@example.com' }]);
    expect(mail.replyTo?.value[0]?.address).toBe('quality@example.com');
    expect(mail.messageId).toBe(`<invite.${invitation.id}@example.com>`);
    expect((await store.getInvitation(invitation.id))?.sent.invite).toEqual(expect.any(String));
  });

  it('should tag the email with its invitation id, which SES hands back on bounces and complaints', async () => {
    const { invitation, email } = await invite('en');

    await send(sqsEvent(sqsRecord(job(invitation.id))));

    const [message] = await mailTo(email);
    expect(message?.tags).toEqual({ 'csat-invitation': invitation.id });
    expect(invitation.id).toMatch(/^[A-Za-z0-9_.-]{1,256}$/);
  });

  it('should write in the customer language', async () => {
    const { invitation, email } = await invite('zh-CN');

    await send(sqsEvent(sqsRecord(job(invitation.id))));

    const mail = await parse((await mailTo(email))[0]!);
    expect(mail.subject).toBe('季度客户满意度调查：诚邀您提出宝贵意见');
    expect(mail.text).toContain('尊敬的王伟：');
    expect(mail.html).toContain('lang="zh-CN"');
  });

  it('should send one email when the same job is delivered twice in one batch', async () => {
    const { invitation, email } = await invite();

    const result = await send(sqsEvent(sqsRecord(job(invitation.id)), sqsRecord(job(invitation.id))));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await mailTo(email)).toHaveLength(1);
  });

  it('should send one email when the same job is delivered in separate batches, one after another or at once', async () => {
    const first = await invite();
    const second = await invite();

    await send(sqsEvent(sqsRecord(job(first.invitation.id))));
    await send(sqsEvent(sqsRecord(job(first.invitation.id))));
    const results = await Promise.all([
      send(sqsEvent(sqsRecord(job(second.invitation.id)))),
      send(sqsEvent(sqsRecord(job(second.invitation.id)))),
      send(sqsEvent(sqsRecord(job(second.invitation.id)))),
    ]);

    expect(results.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(await mailTo(first.email)).toHaveLength(1);
    expect(await mailTo(second.email)).toHaveLength(1);
  });

  it('should send two emails for two invitations', async () => {
    const a = await invite();
    const b = await invite('zh-CN');

    const result = await send(sqsEvent(sqsRecord(job(a.invitation.id)), sqsRecord(job(b.invitation.id))));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await mailTo(a.email)).toHaveLength(1);
    expect(await mailTo(b.email)).toHaveLength(1);
  });

  it('should report a throttled send as failed, release its claim and send exactly once on retry', async () => {
    const throttled = await invite();
    const fine = await invite();
    const mock = mockSes();
    sesMock.current = mock;
    const throttling = Object.assign(new Error('Maximum sending rate exceeded.'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    mock.on(SendRawEmailCommand).rejects(throttling);
    const failing = sqsRecord(job(throttled.invitation.id));

    const result = await send(sqsEvent(failing));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failing.messageId }] });
    expect((await store.getInvitation(throttled.invitation.id))?.sent.invite).toBeUndefined();
    mock.restore();
    sesMock.current = undefined;

    const retry = await send(
      sqsEvent(sqsRecord(job(throttled.invitation.id)), sqsRecord(job(fine.invitation.id))),
    );
    await send(sqsEvent(sqsRecord(job(throttled.invitation.id))));

    expect(retry).toEqual({ batchItemFailures: [] });
    expect(await mailTo(throttled.email)).toHaveLength(1);
    expect(await mailTo(fine.email)).toHaveLength(1);
  });

  it('should report a message SES rejects as failed and keep the invitation sendable', async () => {
    const { invitation, email } = await invite();
    const mock = mockSes();
    sesMock.current = mock;
    mock.on(SendRawEmailCommand).rejects(
      Object.assign(new Error('Email address is not verified.'), {
        name: 'MessageRejected',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const rejected = sqsRecord(job(invitation.id));

    const result = await send(sqsEvent(rejected));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: rejected.messageId }]);
    expect((await store.getInvitation(invitation.id))?.sent.invite).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });

  it('should store the SES message id on the invitation once the email is sent', async () => {
    const { invitation, email } = await invite();

    await send(sqsEvent(sqsRecord(job(invitation.id))));

    const [message] = await mailTo(email);
    const stored = await store.getInvitation(invitation.id);
    expect(stored?.messageIds?.invite).toBe(message!.id);
    expect(stored?.sendUncertain?.invite).toBeUndefined();
  });

  const ambiguous = [
    {
      what: 'a request timeout',
      error: Object.assign(new Error('the request timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
    },
    {
      what: 'a 500 from SES',
      error: Object.assign(new Error('internal failure'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    },
    {
      what: 'a 503 from SES',
      error: Object.assign(new Error('service unavailable'), {
        name: 'ServiceUnavailable',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
      }),
    },
    {
      what: 'a socket reset',
      error: Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }),
    },
  ];

  it.each(ambiguous)(
    'should keep the claim, mark the send uncertain and never send again after $what',
    async ({ error }) => {
      const { invitation, email } = await invite();
      const mock = mockSes();
      sesMock.current = mock;
      mock.on(SendRawEmailCommand).rejects(error);

      const result = await send(sqsEvent(sqsRecord(job(invitation.id))));

      expect(result).toEqual({ batchItemFailures: [] });
      const stored = await store.getInvitation(invitation.id);
      expect(stored?.sent.invite).toEqual(expect.any(String));
      expect(stored?.sendUncertain?.invite).toBe(stored?.sent.invite);
      expect(stored?.messageIds?.invite).toBeUndefined();
      mock.restore();
      sesMock.current = undefined;

      await send(sqsEvent(sqsRecord(job(invitation.id))));

      expect(await mailTo(email)).toHaveLength(0);
    },
  );

  it.each([
    { name: 'InvalidParameterValue', status: 400 },
    { name: 'AccessDenied', status: 403 },
  ])(
    'should release the claim when SES refuses the request with $name ($status)',
    async ({ name, status }) => {
      const { invitation, email } = await invite();
      const mock = mockSes();
      sesMock.current = mock;
      mock.on(SendRawEmailCommand).rejects(
        Object.assign(new Error('refused'), {
          name,
          $fault: 'client',
          $metadata: { httpStatusCode: status },
        }),
      );
      const refused = sqsRecord(job(invitation.id));

      const result = await send(sqsEvent(refused));
      mock.restore();
      sesMock.current = undefined;
      const retry = await send(sqsEvent(sqsRecord(job(invitation.id))));

      expect(result.batchItemFailures).toEqual([{ itemIdentifier: refused.messageId }]);
      expect(retry).toEqual({ batchItemFailures: [] });
      expect(await mailTo(email)).toHaveLength(1);
    },
  );

  it('should return the whole batch after a throttled send, each job tried at most once', async () => {
    const first = await invite();
    const rest = [await invite(), await invite()];
    const mock = mockSes();
    sesMock.current = mock;
    mock.on(SendRawEmailCommand).rejects(
      Object.assign(new Error('Maximum sending rate exceeded.'), {
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const records = [first, ...rest].map((r) => sqsRecord(job(r.invitation.id)));

    const result = await send(sqsEvent(...records));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.messageId));
    // The batch's sends go side by side: those already under way meet the throttle too, those still
    // waiting for their slot give it up untried (test/adapters/ses-pacer.test.ts).
    expect(mock.commandCalls(SendRawEmailCommand).length).toBeLessThanOrEqual(records.length);
    for (const r of [first, ...rest]) {
      expect((await store.getInvitation(r.invitation.id))?.sent.invite).toBeUndefined();
    }
  });

  it('should return a batch untried when too little of the invocation is left for a send', async () => {
    const a = await invite();
    const b = await invite();
    const records = [sqsRecord(job(a.invitation.id)), sqsRecord(job(b.invitation.id))];
    const lateContext = { ...lambdaContext(), getRemainingTimeInMillis: () => 3_000 };

    const result = await handler(sqsEvent(...records), lateContext);

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.messageId));
    expect((await store.getInvitation(a.invitation.id))?.sent.invite).toBeUndefined();
    expect(await mailTo(a.email)).toHaveLength(0);
    expect(await mailTo(b.email)).toHaveLength(0);
  });

  it('should report malformed bodies as failures and send nothing for them', async () => {
    const { invitation, email } = await invite();
    const good = await invite();
    const malformed = [
      sqsRecord('not json'),
      sqsRecord(''),
      sqsRecord('null'),
      sqsRecord({ invitationId: invitation.id }),
      sqsRecord({ invitationId: invitation.id, step: 'remind-9' }),
      sqsRecord({ invitationId: invitation.id, step: 'invite', extra: 'x' }),
      sqsRecord({ invitationId: `${invitation.id}x`, step: 'invite' }),
      sqsRecord([job(invitation.id)]),
    ];

    const result = await send(sqsEvent(...malformed, sqsRecord(job(good.invitation.id))));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      malformed.map((r) => r.messageId).sort(),
    );
    expect(await mailTo(email)).toHaveLength(0);
    expect((await store.getInvitation(invitation.id))?.sent.invite).toBeUndefined();
    expect(await mailTo(good.email)).toHaveLength(1);
  });

  it('should treat unknown, expired and unsubscribed invitations as done, sending nothing', async () => {
    const expired = await invite('en', { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const unsubscribed = await invite();
    await store.unsubscribe(unsubscribed.invitation.id, new Date().toISOString());

    const result = await send(
      sqsEvent(
        sqsRecord(job('AAAAAAAAAAAAAAAAAAAAAA')),
        sqsRecord(job(expired.invitation.id)),
        sqsRecord(job(unsubscribed.invitation.id)),
      ),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await mailTo(expired.email)).toHaveLength(0);
    expect(await mailTo(unsubscribed.email)).toHaveLength(0);
  });

  it('should send with a hostile customer name escaped and confined to its header', async () => {
    const email = address();
    wave ??= await seedWave();
    const { invitation } = await seedInvitation(wave, {
      customer: {
        email,
        language: 'en',
        name: '<b>Eve</b>, "x" <evil@example.test>\nBcc: victim@example.test',
      },
    });

    await send(sqsEvent(sqsRecord(job(invitation.id))));

    const mail = await parse((await mailTo(email))[0]!);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual([email]);
    expect(mail.bcc).toBeUndefined();
    expect(mail.html).not.toContain('<b>Eve</b>');
    expect(mail.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
  });
});
