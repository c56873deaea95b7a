/*
 * Shared test fixtures: put a wave and invitations in this test file's table (TABLE_NAME, set by
 * test/setup/per-file.ts) and build API Gateway HTTP API v2 events for the survey-page handler.
 *
 *   const wave = await seedWave();                                   // demo campaign, itss questionnaire
 *   const { invitation, surveyToken } = await seedInvitation(wave, { customer: { language: 'en' } });
 *   const res = await handler(httpEvent('POST /s/{token}', { token: surveyToken, form: { ... } }), lambdaContext());
 *   await send(sqsEvent(sqsRecord({ invitationId, step: 'invite' })), lambdaContext());
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../functions/adapters/dynamo-suppressions.ts';
import { sqsClient } from '../../functions/adapters/sqs-client.ts';
import type { Invitation, InvitedCustomer, SendJob, Wave } from '../../functions/domain/model.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import { invitationId, signToken } from '../../functions/domain/token.ts';
import type { Suppressions } from '../../functions/use-cases/suppression.ts';
import { demoCampaign, itss } from './programme.ts';

const DAY_MS = 86_400_000;

/** A DynamoStore on this test file's table. */
export function testStore(): DynamoStore {
  return new DynamoStore(documentClient(), process.env.TABLE_NAME!);
}

/** The suppression list on this test file's table, hashed with this file's TOKEN_SECRET. */
export function testSuppressions(): Suppressions {
  return {
    list: new DynamoSuppressions(documentClient(), process.env.TABLE_NAME!),
    secret: async () => process.env.TOKEN_SECRET!,
  };
}

/*
 * Seeded waves are a minute apart, counted back from one instant per file: counting back from each call's
 * own clock gave two calls on either side of a minute the same wave id (so the second wave was the first).
 */
const firstWaveAt = Date.now();
let waves = 0;
let customers = 0;

/** `yyyyMMddTHHmm` in UTC, as wave ids carry it. */
const stamp = (d: Date): string => d.toISOString().slice(0, 16).replace(/[-:]/g, '');

/**
 * Stores a wave of the demo campaign with the example questionnaire and returns it. Each call makes a new
 * wave (its `createdAt` is one minute earlier than the previous call's, so ids differ) unless `waveId`
 * is given. Defaults: created now, deadline in 14 days, 0 invited. Override any field.
 */
export async function seedWave(overrides: Partial<Wave> = {}): Promise<Wave> {
  const createdAt = overrides.createdAt ?? new Date(firstWaveAt - waves++ * 60_000).toISOString();
  const campaign = overrides.campaign ?? demoCampaign;
  const wave: Wave = {
    campaignId: campaign.id,
    waveId: `${campaign.id}-${stamp(new Date(createdAt))}`,
    createdAt,
    deadline: new Date(Date.parse(createdAt) + campaign.responseDays * DAY_MS).toISOString(),
    campaign,
    questionnaire: itss,
    invited: 0,
    ...overrides,
  };
  const { wave: stored } = await testStore().putWave(wave);
  return stored;
}

export interface SeedInvitationOptions extends Partial<Omit<Invitation, 'customer'>> {
  /** Merged over a generated customer (`test-{n}`, zh-CN, east-region). */
  customer?: Partial<InvitedCustomer>;
}

export interface SeededInvitation {
  invitation: Invitation;
  /** Token for `/s/{token}` and `/u/{token}`, signed with this file's TOKEN_SECRET. */
  surveyToken: string;
  unsubscribeToken: string;
  surveyUrl: string;
  unsubscribeUrl: string;
}

/**
 * Stores an invitation to `wave` for a new customer and returns it with its signed links. Defaults:
 * id derived from wave and customer as dispatch does, created with the wave, expires at the wave's
 * deadline, nothing sent, not answered. Pass `expiresAt` in the past for an expired link, `response`
 * for an answered one. Does not add the customer to the directory: use `seedCustomers` for that.
 */
export async function seedInvitation(
  wave: Wave,
  options: SeedInvitationOptions = {},
): Promise<SeededInvitation> {
  const { customer: customerOverrides, ...rest } = options;
  const n = ++customers;
  const customer: InvitedCustomer = {
    id: `test-${String(n).padStart(3, '0')}`,
    name: `测试客户 ${n}`,
    email: `customer-${n}@example.test`,
    language: 'zh-CN',
    department: 'east-region',
    ...customerOverrides,
  };
  const invitation: Invitation = {
    id: invitationId(wave.waveId, customer.id),
    campaignId: wave.campaignId,
    waveId: wave.waveId,
    customer,
    createdAt: wave.createdAt,
    expiresAt: wave.deadline,
    sent: {},
    ...rest,
  };
  await testStore().putInvitation(invitation);
  const secret = process.env.TOKEN_SECRET!;
  const surveyToken = signToken(secret, 'survey', invitation.id);
  const unsubscribeToken = signToken(secret, 'unsubscribe', invitation.id);
  return {
    invitation,
    surveyToken,
    unsubscribeToken,
    surveyUrl: `${process.env.PUBLIC_BASE_URL}/s/${surveyToken}`,
    unsubscribeUrl: `${process.env.PUBLIC_BASE_URL}/u/${unsubscribeToken}`,
  };
}

/** Puts customers in the directory (e.g. the customer of a seeded invitation, to see unsubscribe reach it). */
export async function seedCustomers(list: Array<Customer | InvitedCustomer>): Promise<void> {
  await testStore().putCustomers(list.map((c) => ({ ...c })));
}

export type Route =
  | 'HEAD /s/{token}'
  | 'HEAD /u/{token}'
  | 'HEAD /r/{token}'
  | 'HEAD /a/{token}'
  | 'HEAD /v/{token}'
  | 'GET /s/{token}'
  | 'POST /s/{token}'
  | 'GET /u/{token}'
  | 'POST /u/{token}'
  | 'GET /r/{token}'
  | 'GET /a/{token}'
  | 'POST /a/{token}'
  | 'GET /v/{token}'
  | 'POST /v/{token}';

export interface HttpEventOptions {
  token: string;
  /** Sent as `application/x-www-form-urlencoded` (pairs allow repeated fields). */
  form?: Record<string, string> | Array<[string, string]>;
  /** A raw body; give `contentType` with it. */
  body?: string;
  contentType?: string;
  /** Sends the body base64-encoded, as API Gateway does for some content types. */
  base64?: boolean;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** `application/x-www-form-urlencoded` text of fields, in order. */
export const formBody = (form: Record<string, string> | Array<[string, string]>): string =>
  new URLSearchParams(Array.isArray(form) ? form : Object.entries(form)).toString();

/**
 * An API Gateway HTTP API (payload 2.0) event for one of the survey-page routes, as the service sends it:
 * lower-case header names, `routeKey`, `pathParameters.token`, `rawPath`, `requestContext.http`.
 */
export function httpEvent(route: Route, options: HttpEventOptions): APIGatewayProxyEventV2 {
  const [method, template] = route.split(' ') as [string, string];
  const rawPath = template.replace('{token}', options.token);
  const text = options.form ? formBody(options.form) : options.body;
  const contentType = options.contentType ?? (options.form ? 'application/x-www-form-urlencoded' : undefined);
  const headers: Record<string, string> = {
    host: 'survey.example.test',
    'user-agent': 'vitest',
    ...(contentType ? { 'content-type': contentType } : {}),
    ...options.headers,
  };
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: route,
    rawPath,
    rawQueryString,
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    pathParameters: { token: options.token },
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'survey.example.test',
      domainPrefix: 'survey',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: route,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(text !== undefined
      ? {
          body: options.base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
          isBase64Encoded: Boolean(options.base64),
        }
      : { isBase64Encoded: false }),
  };
}

/* Message ids differ between test files too, as they would between the messages of one queue. */
const RUN = randomUUID().slice(0, 8);
let sqsRecords = 0;

/**
 * One message from the send queue as Lambda delivers it, received for the first time. `body` is sent as
 * JSON unless it is a string (to send malformed bodies as they are).
 */
export function sqsRecord(body: unknown): SQSRecord {
  const id = `msg-${RUN}-${++sqsRecords}`;
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:csat-send',
    awsRegion: 'us-east-1',
  };
}

/** A batch of send-queue messages, as the send function receives it. */
export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda context good enough for middy and the Powertools logger. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'survey-page',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:survey-page',
    memoryLimitInMB: '256',
    awsRequestId: 'test-request',
    logGroupName: '/aws/lambda/survey-page',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The structured result of an HTTP API handler (they always return an object, never a bare string). */
export type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

/** Everything on a send queue, received once (the local SQS endpoint has no consumer in tests). */
export async function queuedSendJobs(queueUrl: string): Promise<SendJob[]> {
  const jobs: SendJob[] = [];
  for (;;) {
    const { Messages = [] } = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return jobs;
    jobs.push(...Messages.map((m) => JSON.parse(m.Body ?? '') as SendJob));
  }
}
