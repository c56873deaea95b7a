import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../../adapters/logger.ts';
import { actionPage } from '../../domain/pages/action-page.ts';
import {
  bodyText,
  FORM_URLENCODED,
  FormBodyError,
  type FormBodyProblem,
  MULTIPART_FORM,
  mediaType,
  parseUrlEncoded,
} from '../../domain/pages/form-body.ts';
import { STYLESHEET } from '../../domain/pages/layout.ts';
import {
  alreadyAnsweredPage,
  linkUnavailablePage,
  problemPage,
  reportLinkUnavailablePage,
} from '../../domain/pages/notices.ts';
import { surveyPage } from '../../domain/pages/survey-page.ts';
import { verifyConfirmPage, verifyNotCountedPage } from '../../domain/pages/verify-page.ts';
import { ActionConflictError, ActionFormError } from '../../use-cases/action-page.ts';
import { ReportLinkUnavailableError } from '../../use-cases/report-link.ts';
import {
  AlreadyAnsweredError,
  InvalidAnswersError,
  LinkUnavailableError,
  SubmitBusyError,
} from '../../use-cases/survey.ts';
import { VerificationFormError, VerificationNotCountedError } from '../../use-cases/verification.ts';

/*
 * The HTTP edge of the survey page: which route a request is, its form, and the one place where outcomes
 * and domain errors become status codes and pages.
 */

export const ROUTES = [
  'GET /s/{token}',
  'HEAD /s/{token}',
  'POST /s/{token}',
  'GET /u/{token}',
  'HEAD /u/{token}',
  'POST /u/{token}',
  'GET /r/{token}',
  'HEAD /r/{token}',
  'GET /a/{token}',
  'HEAD /a/{token}',
  'POST /a/{token}',
  'GET /v/{token}',
  'HEAD /v/{token}',
  'POST /v/{token}',
] as const;
export type Route = (typeof ROUTES)[number];

/** The routes that answer as their GET does, without the body (link checkers use HEAD). */
export type HeadRoute = Extract<Route, `HEAD ${string}`>;

const Event = z.object({
  routeKey: z.string().optional(),
  rawPath: z.string().optional(),
  requestContext: z.object({ http: z.object({ method: z.string() }).optional() }).optional(),
  pathParameters: z.record(z.string(), z.string().optional()).nullish(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
  headers: z.record(z.string(), z.string().optional()).nullish(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().nullish(),
});

export interface HttpRequest {
  route: Route;
  token: string;
  query: Record<string, string | undefined>;
  contentType: string | undefined;
  body: string | undefined;
  isBase64Encoded: boolean;
}

/**
 * The route from API Gateway's `routeKey`; for a `$default` or proxy route, from the method and the path's
 * last two segments (which also tolerates a stage prefix). Undefined when it is none of ours.
 */
export function toRequest(event: APIGatewayProxyEventV2): HttpRequest | undefined {
  const e = Event.safeParse(event);
  if (!e.success) return undefined;
  const { routeKey, rawPath, requestContext, pathParameters, queryStringParameters, headers } = e.data;
  let route = ROUTES.find((r) => r === routeKey);
  let token = pathParameters?.token;
  if (!route) {
    const m = /\/([surav])\/([^/]+)\/?$/.exec(rawPath ?? '');
    route = ROUTES.find((r) => m && r === `${requestContext?.http?.method} /${m[1]}/{token}`);
    token = m?.[2];
  }
  if (!route || !token) return undefined;
  const contentType = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  return {
    route,
    token,
    query: queryStringParameters ?? {},
    contentType,
    body: e.data.body ?? undefined,
    isBase64Encoded: e.data.isBase64Encoded ?? false,
  };
}

/**
 * The posted form, one string per field. `multipart/form-data` is only accepted where RFC 8058 allows
 * it (the one-click unsubscribe POST) and its content is not needed there, so it is not parsed.
 */
export function readForm(
  req: HttpRequest,
  accept: ReadonlyArray<typeof FORM_URLENCODED | typeof MULTIPART_FORM>,
  maxBytes?: number,
): Record<string, string> {
  const type = mediaType(req.contentType);
  if (!type && !req.body && accept.includes(MULTIPART_FORM)) return {};
  if (!type || !(accept as readonly string[]).includes(type)) throw new FormBodyError('unsupported-type');
  const text = bodyText(req.body, req.isBase64Encoded, maxBytes);
  return type === FORM_URLENCODED ? parseUrlEncoded(text) : {};
}

const STYLE_HASH = `sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}`;

/** Tokens are in the URL: no caching, no referrer, no framing, no indexing, nothing but our own stylesheet. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': `default-src 'none'; style-src '${STYLE_HASH}'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

export const page = (statusCode: number, body: string): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: PAGE_HEADERS,
  body,
});

/**
 * Sends the browser on to `location` (a short-lived presigned S3 URL). Never cached, since the target is
 * signed per click and soon stops working; no referrer, as for every address that carries a token.
 */
export const redirect = (location: string): APIGatewayProxyResultV2 => ({
  statusCode: 302,
  headers: {
    location,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
  },
});

const PROBLEM_STATUS: Record<FormBodyProblem, [number, 'bad-form' | 'too-large' | 'wrong-type']> = {
  unparseable: [400, 'bad-form'],
  'duplicate-field': [400, 'bad-form'],
  'too-large': [413, 'too-large'],
  'unsupported-type': [415, 'wrong-type'],
};

/*
 * Unknown, expired and used links share one status and one body, so a caller learns nothing about which
 * it was. 404 because, to the caller, there is nothing at that address they can use: it is also what an
 * unknown link would get anyway, so the other two look exactly like it.
 */
export const LINK_UNAVAILABLE_STATUS = 404;

/**
 * A submit the store was too busy to take (DynamoDB throttling, after the retries of dynamo-retry.ts):
 * 503, a moment to wait in Retry-After, and the answers shown again, never a server error.
 */
export const BUSY_STATUS = 503;
export const BUSY_RETRY_AFTER_S = 5;

/** Maps every failure to a page. Internals never reach the caller; logs carry reasons and ids, no answers. */
export function errorPages(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof AlreadyAnsweredError) {
        // A page to show (200) when a link is opened again; a repeated submit is a conflict (409).
        const status = methodOf(request.event) === 'POST' ? ALREADY_ANSWERED_POST_STATUS : 200;
        logger.info('survey already answered', { status });
        request.response = page(status, alreadyAnsweredPage(error.language));
      } else if (error instanceof LinkUnavailableError) {
        logger.info('link unavailable', { reason: error.reason });
        request.response = page(LINK_UNAVAILABLE_STATUS, linkUnavailablePage());
      } else if (error instanceof ReportLinkUnavailableError) {
        logger.info('report link unavailable', { reason: error.reason });
        request.response = page(LINK_UNAVAILABLE_STATUS, reportLinkUnavailablePage());
      } else if (error instanceof SubmitBusyError) {
        logger.warn('answers not stored: the table is throttling', { form: error.form !== undefined });
        request.response = {
          statusCode: BUSY_STATUS,
          headers: { ...PAGE_HEADERS, 'retry-after': String(BUSY_RETRY_AFTER_S) },
          body: error.form ? surveyPage(error.form) : problemPage('busy'),
        };
      } else if (error instanceof InvalidAnswersError) {
        logger.info('answers refused', { fields: Object.keys(error.form.errors ?? {}) });
        request.response = page(422, surveyPage(error.form));
      } else if (error instanceof ActionFormError || error instanceof ActionConflictError) {
        const status = error instanceof ActionFormError ? 400 : 409;
        logger.info('action change refused', { status, fields: Object.keys(error.view.errors ?? {}) });
        request.response = page(status, actionPage(error.view));
      } else if (error instanceof VerificationFormError) {
        request.response = page(400, verifyConfirmPage(error.view));
      } else if (error instanceof VerificationNotCountedError) {
        logger.info('follow-up answer not counted', { why: error.why });
        request.response = page(409, verifyNotCountedPage(error.language, error.why));
      } else if (error instanceof FormBodyError) {
        const [status, problem] = PROBLEM_STATUS[error.problem];
        logger.info('form body refused', { problem: error.problem });
        request.response = page(status, problemPage(problem));
      } else {
        logger.error('survey page request failed', error as Error);
        request.response = page(500, problemPage('server-error'));
      }
      request.response = asRequested(request.event, request.response);
      return request.response;
    },
  };
}

/** A repeated submit of an answered survey: the first answer stands. */
export const ALREADY_ANSWERED_POST_STATUS = 409;

/** The request's method: the route key's when it is one of ours, else the one API Gateway saw. */
const methodOf = (event: APIGatewayProxyEventV2): string | undefined =>
  ROUTES.find((r) => r === event?.routeKey)?.split(' ')[0] ??
  (event as Partial<APIGatewayProxyEventV2> | undefined)?.requestContext?.http?.method?.toUpperCase();

/**
 * The result as the request's method wants it: for HEAD, the GET's status and headers, its body's length
 * in `content-length`, and no body (RFC 9110 §9.3.2). Anything else unchanged.
 */
export function asRequested(
  event: APIGatewayProxyEventV2,
  result: APIGatewayProxyResultV2,
): APIGatewayProxyResultV2 {
  if (methodOf(event) !== 'HEAD' || typeof result !== 'object') return result;
  const { body, ...rest } = result;
  if (body === undefined) return rest;
  const length = result.isBase64Encoded ? Buffer.from(body, 'base64').length : Buffer.byteLength(body);
  return { ...rest, headers: { ...result.headers, 'content-length': String(length) } };
}
