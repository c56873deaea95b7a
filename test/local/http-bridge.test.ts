import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/handlers/survey-page/http.ts';
import {
  ControlError,
  type ControlRequest,
  type HttpApiHandler,
  type RunningBridge,
  SURVEY_ROUTES,
  startHttpBridge,
} from '../../local/http-bridge.ts';

/** A handler that answers with the event it was given. */
const echo: HttpApiHandler = async (event, context) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    event,
    functionName: context.functionName,
    remaining: context.getRemainingTimeInMillis(),
  }),
});

async function echoed(
  res: Response,
): Promise<{ event: APIGatewayProxyEventV2; functionName: string; remaining: number }> {
  expect(res.status).toBe(200);
  return res.json() as never;
}

describe('HTTP bridge', () => {
  let bridge: RunningBridge | undefined;

  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
  });

  it('should turn a GET into an HTTP API v2 event with the route, path parameters, query and lower-cased headers', async () => {
    // Arrange
    bridge = await startHttpBridge({ handler: echo });

    // Act
    const res = await fetch(`${bridge.url}/s/abc.DEF_-1?lang=en&x=1&x=2`, {
      headers: { 'X-Custom': 'Yes', Cookie: 'a=1; b=2', 'User-Agent': 'vitest' },
    });
    const { event, functionName, remaining } = await echoed(res);

    // Assert
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /s/{token}',
      rawPath: '/s/abc.DEF_-1',
      rawQueryString: 'lang=en&x=1&x=2',
      queryStringParameters: { lang: 'en', x: '1,2' },
      pathParameters: { token: 'abc.DEF_-1' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /s/{token}',
        stage: '$default',
        http: { method: 'GET', path: '/s/abc.DEF_-1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      },
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext.timeEpoch).toBeTypeOf('number');
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(functionName).toBe('survey-page');
    expect(remaining).toBeGreaterThan(0);
  });

  it('should pass a form POST base64-encoded and a JSON body as text, as HTTP APIs do', async () => {
    // Arrange
    bridge = await startHttpBridge({ handler: echo });

    // Act
    const form = await echoed(
      await fetch(`${bridge.url}/u/tok`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click&c-x=%E4%BD%A0',
      }),
    );
    const text = await echoed(
      await fetch(`${bridge.url}/s/tok`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":"é"}',
      }),
    );

    // Assert
    expect(form.event).toMatchObject({ routeKey: 'POST /u/{token}', isBase64Encoded: true });
    expect(Buffer.from(form.event.body!, 'base64').toString('utf8')).toBe(
      'List-Unsubscribe=One-Click&c-x=%E4%BD%A0',
    );
    expect(text.event).toMatchObject({
      routeKey: 'POST /s/{token}',
      isBase64Encoded: false,
      body: '{"a":"é"}',
    });
  });

  it('should route exactly the survey-page routes, report links included', async () => {
    // Arrange
    bridge = await startHttpBridge({ handler: echo });

    // Act
    const report = await echoed(await fetch(`${bridge.url}/r/abc.DEF_-1`, { redirect: 'manual' }));
    const postReport = await fetch(`${bridge.url}/r/abc.DEF_-1`, { method: 'POST' });

    // Assert
    expect(SURVEY_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual([...ROUTES].sort());
    expect(report.event).toMatchObject({
      routeKey: 'GET /r/{token}',
      rawPath: '/r/abc.DEF_-1',
      pathParameters: { token: 'abc.DEF_-1' },
    });
    expect(postReport.status).toBe(404);
  });

  it('should decode any token segment into pathParameters.token', async () => {
    // Arrange
    bridge = await startHttpBridge({ handler: echo });
    const url = bridge.url;

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(
        // URL parsing resolves the dot segments before any request is made.
        fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t !== '.' && t !== '..'),
        async (token) => {
          const { event } = await echoed(await fetch(`${url}/s/${encodeURIComponent(token)}`));
          expect(event.pathParameters?.token).toBe(token);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('should write status, headers, cookies and a base64 body back', async () => {
    // Arrange
    bridge = await startHttpBridge({
      handler: async () => ({
        statusCode: 303,
        headers: { location: '/s/next', 'x-count': 3 },
        cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
        body: Buffer.from('bytes\u0000here').toString('base64'),
        isBase64Encoded: true,
      }),
    });

    // Act
    const res = await fetch(`${bridge.url}/s/x`, { redirect: 'manual' });

    // Assert
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/s/next');
    expect(res.headers.get('x-count')).toBe('3');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('bytes\u0000here');
  });

  it('should route HEAD to the handler as HEAD, and send its headers and the length it names, with no body', async () => {
    // Arrange: a handler answering HEAD as the survey page does (the GET's length, no body).
    const page = '<!doctype html><title>é</title>';
    const methods: string[] = [];
    bridge = await startHttpBridge({
      handler: async (event) => {
        methods.push(`${event.requestContext.http.method} ${event.routeKey}`);
        const head = event.requestContext.http.method === 'HEAD';
        return {
          statusCode: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            ...(head ? { 'content-length': String(Buffer.byteLength(page)) } : {}),
          },
          ...(head ? {} : { body: page }),
        };
      },
    });

    const base = bridge.url;

    // Act
    const get = await fetch(`${base}/s/abc`);
    const head = await fetch(`${base}/s/abc`, { method: 'HEAD' });
    const others = await Promise.all(
      ['u', 'r', 'a', 'v'].map((r) => fetch(`${base}/${r}/abc`, { method: 'HEAD' })),
    );

    // Assert: the same status, type and length; HEAD has no body; every GET route has its HEAD.
    expect(await get.text()).toBe(page);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(page)));
    expect(get.headers.get('content-length')).toBe(String(Buffer.byteLength(page)));
    expect(await head.text()).toBe('');
    expect(others.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(methods.sort()).toEqual([
      'GET GET /s/{token}',
      'HEAD HEAD /a/{token}',
      'HEAD HEAD /r/{token}',
      'HEAD HEAD /s/{token}',
      'HEAD HEAD /u/{token}',
      'HEAD HEAD /v/{token}',
    ]);
  });

  it("should answer API Gateway's 404 for paths and methods with no route", async () => {
    // Arrange
    const calls: APIGatewayProxyEventV2[] = [];
    bridge = await startHttpBridge({
      handler: async (event) => {
        calls.push(event);
        return { statusCode: 200, body: '' };
      },
    });

    // Act
    const responses = await Promise.all([
      fetch(`${bridge.url}/`),
      fetch(`${bridge.url}/s/`),
      fetch(`${bridge.url}/s/a/b`),
      fetch(`${bridge.url}/x/abc`),
      fetch(`${bridge.url}/s/abc`, { method: 'DELETE' }),
      fetch(`${bridge.url}/_local/health`),
    ]);

    // Assert
    expect(responses.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(await responses[0]!.json()).toEqual({ message: 'Not Found' });
    expect(calls).toEqual([]);
  });

  it('should answer a bare 500 when the handler throws or returns a malformed result', async () => {
    // Arrange
    const errors: unknown[] = [];
    let mode = 'throw';
    bridge = await startHttpBridge({
      onError: (e) => errors.push(e),
      handler: async () => {
        if (mode === 'throw') throw new Error('secret table name csat-prod');
        return { statusCode: 'two hundred' };
      },
    });

    // Act
    const thrown = await fetch(`${bridge.url}/s/x`);
    const thrownBody = await thrown.text();
    mode = 'malformed';
    const malformed = await fetch(`${bridge.url}/s/x`);

    // Assert
    expect(thrown.status).toBe(500);
    expect(thrownBody).toBe('{"message":"Internal Server Error"}');
    expect(malformed.status).toBe(500);
    expect(errors).toHaveLength(1);
  });

  it('should refuse a body over the limit with 413 without calling the handler', async () => {
    // Arrange
    let called = false;
    bridge = await startHttpBridge({
      bodyLimit: 1024,
      handler: async () => {
        called = true;
        return { statusCode: 200 };
      },
    });

    // Act
    const res = await fetch(`${bridge.url}/s/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a='.padEnd(4096, 'x'),
    });

    // Assert
    expect(res.status).toBe(413);
    expect(called).toBe(false);
  });

  it('should serve the control API only with the bearer token, passing segments and JSON body', async () => {
    // Arrange
    const seen: ControlRequest[] = [];
    bridge = await startHttpBridge({
      handler: echo,
      control: {
        token: 'sesame-token',
        handle: async (req) => {
          seen.push(req);
          if (req.segments[0] === 'missing') throw new ControlError(404, 'no campaign "x"');
          return { status: 200, body: { ok: true } };
        },
      },
    });
    const auth = { authorization: 'Bearer sesame-token', 'content-type': 'application/json' };

    // Act
    const noToken = await fetch(`${bridge.url}/_local/dispatch/demo`, { method: 'POST' });
    const wrongToken = await fetch(`${bridge.url}/_local/dispatch/demo`, {
      method: 'POST',
      headers: { authorization: 'Bearer sesame-tokeN' },
    });
    const ok = await fetch(`${bridge.url}/_local/report/demo`, {
      method: 'POST',
      headers: auth,
      body: '{"waveId":"w1"}',
    });
    const missing = await fetch(`${bridge.url}/_local/missing`, { headers: auth });
    const badJson = await fetch(`${bridge.url}/_local/report/demo`, {
      method: 'POST',
      headers: auth,
      body: '{',
    });

    // Assert
    expect([noToken.status, wrongToken.status, ok.status, missing.status, badJson.status]).toEqual([
      401, 401, 200, 404, 400,
    ]);
    expect(await missing.json()).toEqual({ message: 'no campaign "x"' });
    expect(seen.map((r) => ({ method: r.method, segments: r.segments, body: r.body }))).toEqual([
      { method: 'POST', segments: ['report', 'demo'], body: { waveId: 'w1' } },
      { method: 'GET', segments: ['missing'], body: undefined },
    ]);
  });

  it('should answer 503 until a handler is set', async () => {
    // Arrange
    bridge = await startHttpBridge();

    // Act
    const before = await fetch(`${bridge.url}/s/x`);
    bridge.setHandler(async (_e: APIGatewayProxyEventV2, _c: Context) => ({ statusCode: 204 }));
    const after = await fetch(`${bridge.url}/s/x`);

    // Assert
    expect([before.status, after.status]).toEqual([503, 204]);
  });
});
