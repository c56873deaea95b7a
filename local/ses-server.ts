import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { escapeHtml as esc } from '../functions/domain/html.ts';
import { SIMULATOR } from '../functions/domain/smoke.ts';
import type { Running } from './dynamo.ts';
import { mailboxPage, messagePage } from './mailbox-view.ts';

/*
 * A local stand-in for the SES v1 API (query protocol) that keeps every message's raw MIME, headers
 * included, on disk, and a mailbox viewer to read and click through them. aws-ses-v2-local drops custom
 * headers (List-Unsubscribe) and hangs on GetSendQuota, so csat carries this small endpoint instead
 * (DESIGN.md §4). Routes:
 *   POST /                        SES: SendRawEmail, GetSendQuota (the quotas `quota` sets, enforced:
 *                                 Throttling over the rate in any second, or over the 24-hour quota)
 *   GET  /                        mailbox (newest first)      GET /messages/{id}  one message
 *   GET  /api/messages            JSON list                   GET /api/messages/{id}/raw  the MIME
 *   DELETE /api/messages          empty the mailbox
 * Mail to SES's mailbox simulator behaves as SES's does: bounce@simulator.amazonses.com bounces
 * permanently and complaint@simulator.amazonses.com complains, each reported to `onEvent` as the
 * configuration set publishes it to EventBridge (what the deployed rule hands to the ses-events function).
 */
export interface StoredMessage {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  /** SendRawEmail's message tags, as SES would hand them back on events. */
  tags?: Record<string, string>;
}

/** An SES bounce or complaint event as EventBridge delivers it (the fields SES sends; no real addresses here). */
export interface SesEventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': 'Email Bounced' | 'Email Complaint Received';
  source: 'aws.ses';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown> & { eventType: 'Bounce' | 'Complaint' };
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/**
 * The event SES's simulator gives a message to `to`, or undefined when `to` is not a simulator address
 * that bounces or complains. As SES does, it hands every message tag back as a list, with the
 * configuration set's own tag beside them.
 */
export function simulatorEvent(
  message: Pick<StoredMessage, 'id' | 'from' | 'receivedAt' | 'tags'>,
  to: string,
  configurationSet: string,
): SesEventBridgeEvent | undefined {
  const kind =
    to.toLowerCase() === SIMULATOR.bounce
      ? 'bounce'
      : to.toLowerCase() === SIMULATOR.complaint
        ? 'complaint'
        : undefined;
  if (!kind) return undefined;
  const now = new Date().toISOString();
  const feedbackId = randomUUID();
  const mail = {
    timestamp: message.receivedAt,
    source: message.from,
    sourceArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${message.from.split('@')[1] ?? message.from}`,
    sendingAccountId: ACCOUNT,
    messageId: message.id,
    destination: [to],
    headersTruncated: false,
    tags: {
      'ses:configuration-set': [configurationSet],
      ...Object.fromEntries(Object.entries(message.tags ?? {}).map(([k, v]) => [k, [v]])),
    },
  };
  const detail =
    kind === 'bounce'
      ? {
          eventType: 'Bounce' as const,
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [
              {
                emailAddress: to,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp: now,
            feedbackId,
            reportingMTA: 'dsn; local-ses',
          },
          mail,
        }
      : {
          eventType: 'Complaint' as const,
          complaint: {
            feedbackId,
            complaintSubType: null,
            complainedRecipients: [{ emailAddress: to }],
            timestamp: now,
            complaintFeedbackType: 'abuse',
            arrivalDate: now,
          },
          mail,
        };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received',
    source: 'aws.ses',
    account: ACCOUNT,
    time: now.replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${configurationSet}`],
    detail,
  };
}

export interface SesOptions {
  directory: string;
  port?: number;
  /** Receives the simulator's bounce and complaint events, after SendRawEmail has answered. */
  onEvent?: (event: SesEventBridgeEvent) => void;
  /** The configuration set named on events when the request names none (default `csat-local`). */
  configurationSet?: string;
  /** What GetSendQuota answers (default: 1,000 a second, 1,000,000 a day; -1 a day is unlimited). */
  quota?: SesQuota;
}

/** An account's SES quotas, as GetSendQuota gives them; SentLast24Hours is what this endpoint took. */
export interface SesQuota {
  maxSendRate: number;
  max24HourSend: number;
}

export interface RunningSes extends Running {
  messages(): StoredMessage[];
  /** Sets what GetSendQuota answers, and what SendRawEmail enforces, from now on. */
  setQuota(quota: SesQuota): void;
  /** SendRawEmail requests refused as SES refuses them: over the rate, or over the daily quota. */
  refused(): { rate: number; daily: number };
}

const MAX_BODY = 12 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<?xml version="1.0"?>\n${body}`);
}

function sesError(res: ServerResponse, code: string, message: string): void {
  xml(
    res,
    400,
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export async function startSes(options: SesOptions): Promise<RunningSes> {
  const dir = options.directory;
  await mkdir(dir, { recursive: true });
  const index: StoredMessage[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    index.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as StoredMessage);
  }

  let quota: SesQuota = options.quota ?? { maxSendRate: 1000, max24HourSend: 1_000_000 };
  const refused = { rate: 0, daily: 0 };
  /** Arrival times (ms) of the recipients taken in the last second: SES's rate window. */
  const lastSecond: number[] = [];
  /** Recipients taken in the 24 hours before `at`, as SentLast24Hours counts them. */
  const sentSince = (at: number): number => {
    const since = new Date(at - 86_400_000).toISOString();
    return index.filter((m) => m.receivedAt > since).reduce((n, m) => n + Math.max(1, m.to.length), 0);
  };

  async function store(
    raw: Buffer,
    destinations: string[],
    source: string | undefined,
    tags: Record<string, string>,
    arrivedAt: Date,
  ): Promise<StoredMessage> {
    const parsed = await simpleParser(raw);
    const addresses = (v: typeof parsed.to): string[] =>
      (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address ?? ''));
    // When the request arrived, as SES counts its rate (parsing the MIME takes a moment after).
    const receivedAt = arrivedAt.toISOString();
    // Sortable ids keep the on-disk order the order of arrival.
    const id = `${receivedAt.replace(/\D/g, '')}-${randomUUID().slice(0, 8)}`;
    const message: StoredMessage = {
      id,
      receivedAt,
      from: source ?? parsed.from?.value[0]?.address ?? '',
      to: destinations.length > 0 ? destinations : addresses(parsed.to),
      subject: parsed.subject ?? '',
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
    };
    await writeFile(join(dir, `${id}.eml`), raw);
    await writeFile(join(dir, `${id}.json`), JSON.stringify(message));
    index.push(message);
    return message;
  }

  async function handleSes(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = new Date();
    const form = new URLSearchParams(await readBody(req));
    const action = form.get('Action');
    const requestId = randomUUID();
    if (action === 'SendRawEmail') {
      const data = form.get('RawMessage.Data');
      if (!data) return sesError(res, 'InvalidParameterValue', 'RawMessage.Data is required');
      const destinations = [...form.entries()]
        .filter(([k]) => k.startsWith('Destinations.member.'))
        .map(([, v]) => v);
      // As SES does: the same Throttling code for the rate and for the daily quota, told apart by the text.
      const at = arrivedAt.getTime();
      const recipients = Math.max(1, destinations.length);
      if (quota.max24HourSend >= 0 && sentSince(at) + recipients > quota.max24HourSend) {
        refused.daily += 1;
        return sesError(res, 'Throttling', 'Daily message quota exceeded.');
      }
      while (lastSecond.length > 0 && (lastSecond[0] ?? 0) <= at - 1000) lastSecond.shift();
      if (lastSecond.length + recipients > quota.maxSendRate) {
        refused.rate += 1;
        return sesError(res, 'Throttling', 'Maximum sending rate exceeded.');
      }
      for (let i = 0; i < recipients; i++) lastSecond.push(at);
      // Query protocol: Tags.member.N.Name / Tags.member.N.Value.
      const tags: Record<string, string> = {};
      for (let n = 1; form.has(`Tags.member.${n}.Name`); n++) {
        tags[form.get(`Tags.member.${n}.Name`) ?? ''] = form.get(`Tags.member.${n}.Value`) ?? '';
      }
      const message = await store(
        Buffer.from(data, 'base64'),
        destinations,
        form.get('Source') ?? undefined,
        tags,
        arrivedAt,
      );
      const { id } = message;
      const configurationSet = form.get('ConfigurationSetName') ?? options.configurationSet ?? 'csat-local';
      // SES reports a simulator's bounce or complaint a moment after it took the message, never inside the call.
      for (const to of message.to) {
        const event = simulatorEvent(message, to, configurationSet);
        if (event && options.onEvent) setImmediate(() => options.onEvent?.(event));
      }
      return xml(
        res,
        200,
        `<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>${id}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></SendRawEmailResponse>`,
      );
    }
    if (action === 'GetSendQuota') {
      // SES counts recipients; this endpoint counts what it took in the last 24 hours.
      const sent = sentSince(arrivedAt.getTime());
      return xml(
        res,
        200,
        `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><Max24HourSend>${quota.max24HourSend}</Max24HourSend><MaxSendRate>${quota.maxSendRate}</MaxSendRate><SentLast24Hours>${sent}</SentLast24Hours></GetSendQuotaResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
      );
    }
    return sesError(
      res,
      'InvalidAction',
      `the local SES endpoint does not implement ${action ?? 'this request'}`,
    );
  }

  async function raw(id: string): Promise<Buffer | undefined> {
    if (!index.some((m) => m.id === id)) return undefined;
    return readFile(join(dir, `${id}.eml`));
  }

  async function viewer(res: ServerResponse, path: string): Promise<void> {
    if (path === '/') return htmlPage(res, mailboxPage(index));
    const id = decodeURIComponent(path.slice('/messages/'.length));
    const mime = await raw(id);
    if (!mime) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such message');
      return;
    }
    return htmlPage(res, messagePage(id, await simpleParser(mime)));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const run = async () => {
      if (req.method === 'POST' && path === '/') return handleSes(req, res);
      if (req.method === 'GET' && path === '/api/messages') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(index));
      }
      if (req.method === 'DELETE' && path === '/api/messages') {
        for (const m of index.splice(0)) {
          await rm(join(dir, `${m.id}.eml`), { force: true });
          await rm(join(dir, `${m.id}.json`), { force: true });
        }
        res.writeHead(204);
        return void res.end();
      }
      const rawMatch = /^\/api\/messages\/([^/]+)\/raw$/.exec(path);
      if (req.method === 'GET' && rawMatch) {
        const mime = await raw(decodeURIComponent(rawMatch[1] ?? ''));
        res.writeHead(mime ? 200 : 404, { 'content-type': mime ? 'message/rfc822' : 'text/plain' });
        return void res.end(mime ?? 'no such message');
      }
      if (req.method === 'GET' && (path === '/' || path.startsWith('/messages/'))) return viewer(res, path);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    };
    run().catch((e: unknown) => {
      if (!res.headersSent) sesError(res, 'InternalFailure', e instanceof Error ? e.message : 'failed');
      else res.end();
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    messages: () => [...index],
    setQuota: (next) => {
      quota = next;
    },
    refused: () => ({ ...refused }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function htmlPage(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}
