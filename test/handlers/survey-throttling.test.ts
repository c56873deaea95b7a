import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { commentField, ratingField } from '../../functions/domain/form-fields.ts';
import { escapeHtml } from '../../functions/domain/html.ts';
import { handler } from '../../functions/handlers/survey-page/index.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { itssV2, MIXED, ratingFields } from '../support/programme.ts';

/*
 * A survey submit that meets DynamoDB throttling: the table's answer is injected on the submit's one write
 * (or its first read), every other call goes through to the local table. Retried within bounds, then a 503
 * "please try again" page with the answers as they were sent: never a 500, never a lost answer.
 */
const store = testStore();
const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await handler(httpEvent(route, options), lambdaContext())) as HttpResult;

/** The client's own send, before any mock: what a call that is let through runs (IAM guard included). */
const realSend = DynamoDBDocumentClient.prototype.send;
const throttle = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata: { httpStatusCode: 400 },
  });

type Input = { Key?: { pk?: string }; UpdateExpression?: string };
const isSubmitWrite = (input: Input) =>
  String(input.Key?.pk).startsWith('INV#') && /#response = :r/.test(input.UpdateExpression ?? '');
const isInvitationRead = (input: Input) => String(input.Key?.pk).startsWith('INV#');

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/**
 * Throttles the first `failures` calls that `throttled` picks (UpdateItem or GetItem), lets every other
 * call through to the table, and counts the picked calls that went through.
 */
function throttleTable(options: { failures: number; on: 'submit-write' | 'invitation-read' }) {
  const ddb = mockClient(DynamoDBDocumentClient);
  restore = () => ddb.restore();
  const counts = { throttled: 0, through: 0 };
  const pick = options.on === 'submit-write' ? isSubmitWrite : isInvitationRead;
  const target = options.on === 'submit-write' ? UpdateCommand : GetCommand;
  for (const Command of [
    GetCommand,
    PutCommand,
    UpdateCommand,
    QueryCommand,
    BatchGetCommand,
    DeleteCommand,
    ScanCommand,
  ]) {
    ddb.on(Command as typeof GetCommand).callsFake(async (input: Input, getClient: () => unknown) => {
      if (Command === target && pick(input)) {
        if (counts.throttled < options.failures) {
          counts.throttled += 1;
          throw throttle();
        }
        counts.through += 1;
      }
      return (realSend as (c: object) => Promise<unknown>).call(getClient(), new Command(input as never));
    });
  }
  return counts;
}

/** What a browser would send back from a page's form: hidden fields, checked radios, textareas. */
function formOf(page: string): Record<string, string> {
  const decode = (s: string) =>
    s.replace(
      /&(lt|gt|quot|#39|#96|amp);/g,
      (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`', amp: '&' })[e]!,
    );
  const form: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form[m[1]!] = decode(m[2]!);
  for (const m of page.matchAll(
    /<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)"[^>]* checked>/g,
  ))
    form[m[1]!] = m[2]!;
  for (const m of page.matchAll(/<textarea id="([^"]+)"[^>]*>\n([^<]*)<\/textarea>/g))
    if (m[2]) form[m[1]!] = decode(m[2]);
  return form;
}

describe('POST /s/{token} under DynamoDB throttling', () => {
  it('should store the answer exactly once and thank the customer when the table throttles twice, then takes it', async () => {
    // Arrange
    const wave = await seedWave();
    const { invitation, surveyToken } = await seedInvitation(wave, { customer: { language: 'en' } });
    const opened = await call('GET /s/{token}', { token: surveyToken });
    const comment = 'Faster replies, please.';
    const form = { ...formOf(opened.body!), ...ratingFields(MIXED), [commentField('suggestions')]: comment };
    const counts = throttleTable({ failures: 2, on: 'submit-write' });

    // Act
    const res = await call('POST /s/{token}', { token: surveyToken, form });

    // Assert
    restore?.();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Thank you for your feedback</h1>');
    expect(counts).toEqual({ throttled: 2, through: 1 });
    const stored = await store.getInvitation(invitation.id);
    expect(stored?.response?.ratings).toEqual(MIXED);
    expect(stored?.response?.comments).toEqual({ suggestions: comment });
  });

  it('should answer 503 with every answer kept when the table keeps throttling, store nothing, and store it once when sent again', async () => {
    // Arrange: a customer in Chinese, with a comment that must come back exactly as typed (and escaped).
    const wave = await seedWave();
    const { invitation, surveyToken } = await seedInvitation(wave);
    const opened = await call('GET /s/{token}', { token: surveyToken });
    const comment = '希望响应更快 <b>&"快"</b>';
    const form = { ...formOf(opened.body!), ...ratingFields(MIXED), [commentField('suggestions')]: comment };
    const counts = throttleTable({ failures: Number.POSITIVE_INFINITY, on: 'submit-write' });

    // Act
    const busy = await call('POST /s/{token}', { token: surveyToken, form });
    restore?.();

    // Assert: "please try again", in the page's language, announced, with the form as it was sent.
    expect(busy.statusCode).toBe(503);
    expect(busy.headers?.['retry-after']).toBe('5');
    expect(busy.headers?.['cache-control']).toBe('no-store');
    expect(counts.through).toBe(0);
    expect(counts.throttled).toBeGreaterThanOrEqual(2);
    const body = busy.body!;
    expect(body).toContain('<html lang="zh-CN">');
    expect(body).toMatch(/<title>请重试 · /);
    expect(body).toContain('<div class="summary" role="alert" aria-labelledby="busy-title"');
    expect(body).toContain('<h2 id="busy-title">请重试</h2>');
    expect(body).not.toContain('出现了问题');
    expect(body).toContain(`>\n${escapeHtml(comment)}</textarea>`);
    for (const [id, level] of Object.entries(MIXED))
      expect(body).toContain(`name="${ratingField(id)}" value="${level}" required checked>`);
    const again = formOf(body);
    expect(again).toEqual(form);
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();

    // Act: the same answers sent again, the table no longer throttling.
    const retried = await call('POST /s/{token}', { token: surveyToken, form: again });

    // Assert
    expect(retried.statusCode).toBe(200);
    expect(retried.body).toContain('<h1>感谢您的反馈</h1>');
    const stored = await store.getInvitation(invitation.id);
    expect(stored?.response?.ratings).toEqual(MIXED);
    expect(stored?.response?.comments).toEqual({ suggestions: comment });
    expect((await call('POST /s/{token}', { token: surveyToken, form: again })).statusCode).toBe(409);
  });

  it("should keep a one-click answer and its comment through a 503, in the customer's English", async () => {
    // Arrange: the email's one-click rating opens the page with it chosen; only that item is required.
    const wave = await seedWave({ questionnaire: itssV2 });
    const { invitation, surveyToken } = await seedInvitation(wave, { customer: { language: 'en' } });
    const first = itssV2.categories[0]!;
    const level = itssV2.scale.levels[0]!.id;
    const opened = await call('GET /s/{token}', {
      token: surveyToken,
      query: { [ratingField(first.id)]: level },
    });
    const form = { ...formOf(opened.body!), [commentField('suggestions')]: 'Good service' };
    expect(form[ratingField(first.id)]).toBe(level);
    throttleTable({ failures: Number.POSITIVE_INFINITY, on: 'submit-write' });

    // Act
    const busy = await call('POST /s/{token}', { token: surveyToken, form });
    restore?.();

    // Assert
    expect(busy.statusCode).toBe(503);
    expect(busy.body).toMatch(/<title>Please try again · /);
    expect(busy.body).toContain('<h2 id="busy-title">Please try again</h2>');
    expect(formOf(busy.body!)).toEqual(form);
    // The language switch submits the form, answers and all: no link that would load it again empty.
    expect(busy.body).not.toContain('?lang=');
    expect(busy.body).toContain('name="switchLang" value="zh-CN"');
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
    const retried = await call('POST /s/{token}', { token: surveyToken, form: formOf(busy.body!) });
    expect(retried.statusCode).toBe(200);
    expect((await store.getInvitation(invitation.id))?.response?.ratings).toEqual({ [first.id]: level });
  });

  it('should answer 503 in both languages when not even the invitation can be read for a form without its wave', async () => {
    // Arrange: a form that names no wave takes the invitation read first, and that read is throttled.
    const wave = await seedWave();
    const { invitation, surveyToken } = await seedInvitation(wave);
    throttleTable({ failures: Number.POSITIVE_INFINITY, on: 'invitation-read' });

    // Act
    const res = await call('POST /s/{token}', { token: surveyToken, form: ratingFields(MIXED) });
    restore?.();

    // Assert
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.body).toContain('请重试');
    expect(res.body).toContain('Please try again');
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
  });

  it('should answer a language switch the table is too busy to read with 503 in both languages, storing nothing', async () => {
    // Arrange
    const wave = await seedWave();
    const { invitation, surveyToken } = await seedInvitation(wave);
    throttleTable({ failures: Number.POSITIVE_INFINITY, on: 'invitation-read' });

    // Act
    const res = await call('POST /s/{token}', {
      token: surveyToken,
      form: {
        ...ratingFields(MIXED),
        [commentField('suggestions')]: 'kept through the switch',
        lang: 'zh-CN',
        wave: `${wave.campaignId}/${wave.waveId}`,
        switchLang: 'en',
      },
    });
    restore?.();

    // Assert: the form in the language asked for, with every answer kept, to send again.
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Please try again');
    expect(res.body).toContain('kept through the switch');
    expect(res.body).toMatch(/type="radio"[^>]* checked>/);
    expect((await store.getInvitation(invitation.id))?.response).toBeUndefined();
  });
});
