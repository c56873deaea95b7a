import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Running } from './dynamo.ts';
import { lambdaContext } from './lambda-context.ts';

/*
 * What API Gateway's HTTP API does in front of the survey-page Lambda, on 127.0.0.1: match a route,
 * build the payload-format-2.0 event, invoke the handler in this process and write its result back.
 * Requests matching no route get API Gateway's 404; a handler that throws or returns a malformed result
 * gets its 500, with nothing of the error in the body. Under `/_local/` the same server carries a small
 * control API for the `csat` CLI, which needs the bearer token the stack writes to its data folder: the
 * port is reachable by any web page the developer opens, the token is not.
 */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export interface Route {
  method: string;
  /** API Gateway route path, e.g. `/s/{token}`. */
  path: string;
}

/**
 * The routes the stack gives the survey-page function (the survey, unsubscribe, report, action and follow-up
 * links). As in API Gateway, HEAD is a route of its own: without one it would get the 404.
 */
export const SURVEY_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/s/{token}' },
  { method: 'HEAD', path: '/s/{token}' },
  { method: 'POST', path: '/s/{token}' },
  { method: 'GET', path: '/u/{token}' },
  { method: 'HEAD', path: '/u/{token}' },
  { method: 'POST', path: '/u/{token}' },
  { method: 'GET', path: '/r/{token}' },
  { method: 'HEAD', path: '/r/{token}' },
  { method: 'GET', path: '/a/{token}' },
  { method: 'HEAD', path: '/a/{token}' },
  { method: 'POST', path: '/a/{token}' },
  { method: 'GET', path: '/v/{token}' },
  { method: 'HEAD', path: '/v/{token}' },
  { method: 'POST', path: '/v/{token}' },
];

export interface ControlRequest {
  method: string;
  /** Path segments after `/_local/`, decoded. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body, or undefined when there is none. */
  body: unknown;
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

/** An expected control-API failure: its message goes back to the CLI. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface BridgeOptions {
  port?: number;
  routes?: readonly Route[];
  /** Can be set later with `setHandler` (the handler module reads PUBLIC_BASE_URL, this server's URL). */
  handler?: HttpApiHandler;
  functionName?: string;
  control?: { token: string; handle: (req: ControlRequest) => Promise<ControlResponse> };
  /** Largest request body accepted, in bytes (API Gateway's is 10 MB). */
  bodyLimit?: number;
  /** Told when a handler fails; the caller gets a bare 500. */
  onError?: (error: unknown) => void;
}

export interface RunningBridge extends Running {
  /** `http://127.0.0.1:{port}`: the PUBLIC_BASE_URL of the local stack. */
  url: string;
  setHandler(handler: HttpApiHandler): void;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript)|[^;]*\+(json|xml))/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

class TooLarge extends Error {}

interface CompiledRoute extends Route {
  routeKey: string;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, routeKey: `${route.method} ${route.path}`, pattern: new RegExp(`^${source}$`), names };
}

/** API Gateway's `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Turns a Node request into an HTTP API (payload format 2.0) event for the matched route. */
export function toEvent(
  req: IncomingMessage,
  body: Buffer,
  route: { routeKey: string; pathParameters?: Record<string, string> },
  now = new Date(),
): APIGatewayProxyEventV2 {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const rawQueryString = q === -1 ? '' : rawUrl.slice(q + 1);

  // API Gateway joins repeated headers and query parameters with commas and moves cookies to `cookies`.
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');

  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;

  const domainName = (headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
  const hasBody = body.length > 0;
  const isText = TEXT_TYPE.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: safeDecode(rawPath),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    // HTTP APIs pass text as is and everything else (forms included) base64-encoded.
    ...(hasBody ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !isText,
  };
}

/** Writes a handler's result as API Gateway does; false when the result is malformed. */
export function writeResult(res: ServerResponse, result: unknown): boolean {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    // A result without a status code is taken as a JSON body with status 200.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : (JSON.stringify(result) ?? ''));
    return true;
  }
  const r = result as {
    statusCode: unknown;
    headers?: Record<string, string | number | boolean>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  if (
    typeof r.statusCode !== 'number' ||
    !Number.isInteger(r.statusCode) ||
    r.statusCode < 100 ||
    r.statusCode > 599
  ) {
    return false;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = String(v);
  if (Array.isArray(r.cookies) && r.cookies.length > 0) headers['set-cookie'] = r.cookies.map(String);
  const body =
    typeof r.body === 'string' ? Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  // API Gateway sends the length of what it sends, unless the function said it (a HEAD's is its GET's).
  const bodiless = r.statusCode < 200 || r.statusCode === 204 || r.statusCode === 304;
  if (!bodiless && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length'))
    headers['content-length'] = String(body?.length ?? 0);
  res.writeHead(r.statusCode, headers);
  res.end(body);
  return true;
}

function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Starts the bridge on 127.0.0.1. */
export async function startHttpBridge(options: BridgeOptions = {}): Promise<RunningBridge> {
  const routes = (options.routes ?? SURVEY_ROUTES).map(compile);
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const functionName = options.functionName ?? 'survey-page';
  const onError =
    options.onError ??
    ((e: unknown) => console.error(`[http] handler failed: ${e instanceof Error ? e.name : 'error'}`));
  let handler = options.handler;

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const ctl = options.control;
    if (!ctl) return json(res, 404, { message: 'Not Found' });
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice('Bearer '.length), ctl.token)) {
      return json(res, 401, { message: 'the control API needs the token from the stack file' });
    }
    const raw = await readBody(req, limit);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return json(res, 400, { message: 'the body must be JSON' });
    }
    const segments = url.pathname.slice('/_local/'.length).split('/').filter(Boolean).map(safeDecode);
    try {
      const out = await ctl.handle({ method: req.method ?? 'GET', segments, query: url.searchParams, body });
      json(res, out.status, out.body);
    } catch (e) {
      if (e instanceof ControlError) return json(res, e.status, { message: e.message });
      onError(e);
      // Local tooling talking to its own process: the message helps the developer and leaks to no one.
      json(res, 500, { message: e instanceof Error ? `${e.name}: ${e.message}` : 'failed' });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/_local/')) return control(req, res, url);
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    for (const r of routes) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(rawPath);
      if (!m) continue;
      if (!handler) return json(res, 503, { message: 'Service Unavailable' });
      const pathParameters = Object.fromEntries(r.names.map((n, i) => [n, safeDecode(m[i + 1] ?? '')]));
      const event = toEvent(req, await readBody(req, limit), {
        routeKey: r.routeKey,
        ...(r.names.length > 0 ? { pathParameters } : {}),
      });
      let result: unknown;
      try {
        result = await handler(event, lambdaContext(functionName));
      } catch (e) {
        onError(e);
        return json(res, 500, { message: 'Internal Server Error' });
      }
      if (!writeResult(res, result)) json(res, 500, { message: 'Internal Server Error' });
      return;
    }
    json(res, 404, { message: 'Not Found' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.end();
      if (e instanceof TooLarge)
        return json(res, 413, { message: 'Request Entity Too Large' }, { connection: 'close' });
      onError(e);
      json(res, 500, { message: 'Internal Server Error' });
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpoint: url,
    setHandler(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
