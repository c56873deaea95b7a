import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { programme } from '../../../programme/index.ts';
import { DynamoActions } from '../../adapters/dynamo-actions.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../adapters/dynamo-suppressions.ts';
import { requireEnv } from '../../adapters/env.ts';
import { eventBridgeClient } from '../../adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../adapters/eventbridge-publisher.ts';
import { logger } from '../../adapters/logger.ts';
import { S3Presigner } from '../../adapters/s3-presigner.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { FORM_URLENCODED, MULTIPART_FORM } from '../../domain/pages/form-body.ts';
import { SWITCH_LANGUAGE_FIELD } from '../../domain/pages/layout.ts';
import {
  linkUnavailablePage,
  thankYouPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../../domain/pages/notices.ts';
import { surveyPage } from '../../domain/pages/survey-page.ts';
import { openReportLink } from '../../use-cases/report-link.ts';
import { afterSubmit, type ResponseActionsDeps } from '../../use-cases/response-actions.ts';
import { chosenLanguage, openSurvey, submitSurvey, switchSurveyLanguage } from '../../use-cases/survey.ts';
import { openUnsubscribe, unsubscribe } from '../../use-cases/unsubscribe.ts';
import { cachedWaves } from '../../use-cases/waves.ts';
import { actionRoutes } from './action-routes.ts';
import {
  asRequested,
  errorPages,
  type HeadRoute,
  type HttpRequest,
  LINK_UNAVAILABLE_STATUS,
  page,
  type Route,
  readForm,
  redirect,
  toRequest,
} from './http.ts';

/*
 * GET/POST /s/{token} (the survey) and GET/POST /u/{token} (unsubscribe), server-rendered HTML that
 * needs no JavaScript, and GET /r/{token} (a report link from a manager's email), a redirect to the report
 * file in S3. HEAD on every GET route answers as the GET does, without the body. Adapters are built once
 * per container; the wave cache makes a warm GET one read.
 */
// An anonymous campaign's response is a new item (comments may hold personal data): it expires as others do.
const store = new DynamoStore(documentClient('page'), requireEnv('TABLE_NAME'), {
  retentionDays: Number(process.env.RETENTION_DAYS) || 365,
});
const clock = { now: () => new Date() };
const waves = cachedWaves(store);
const suppressions = {
  list: new DynamoSuppressions(documentClient('page'), requireEnv('TABLE_NAME')),
  secret: tokenSecret,
};
const deps = async () => ({ store, clock, waves, suppressions, secret: await tokenSecret() });
// The closed loop after a stored response: its action, the alerts on the send queue, the events.
const responseActions: ResponseActionsDeps = {
  store,
  actions: new DynamoActions(documentClient('page'), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  }),
  queue: new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL')),
  events: new EventBridgePublisher(eventBridgeClient()),
  calendars: programme.calendars,
};
// Reads under reports/ only (the role allows nothing else); presigns, so each click gets a fresh URL.
const blobs = new S3Presigner(requireEnv('BUCKET_NAME'));

type RouteHandler = (req: HttpRequest) => Promise<APIGatewayProxyResultV2>;

const getAndPost: Record<Exclude<Route, HeadRoute>, RouteHandler> = {
  ...actionRoutes(waves),
  'GET /s/{token}': async ({ token, query }) =>
    page(
      200,
      surveyPage(await openSurvey(await deps(), { token, language: chosenLanguage(query.lang), query })),
    ),
  'POST /s/{token}': async (req) => {
    const form = readForm(req, [FORM_URLENCODED]);
    // The language switch: the same form in the other language, everything filled in kept, nothing stored.
    if (form[SWITCH_LANGUAGE_FIELD] !== undefined) {
      const language = chosenLanguage(form[SWITCH_LANGUAGE_FIELD]) ?? chosenLanguage(form.lang);
      return page(
        200,
        surveyPage(await switchSurveyLanguage(await deps(), { token: req.token, form, language })),
      );
    }
    const input = { token: req.token, form, language: chosenLanguage(req.query.lang) };
    const { language, response, stored } = await submitSurvey(await deps(), input);
    // The customer is thanked either way; only the flags are logged, never the answers.
    if (response.cleaning?.flags.length)
      logger.info('response flagged by data cleaning', { flags: response.cleaning.flags });
    // Never an error page once the response is stored: step and error names only (the sweep recovers).
    const after = await afterSubmit(responseActions, stored);
    if (after.failures.length > 0)
      logger.error('response stored, but its closed loop failed', {
        actionId: after.actionId,
        failures: after.failures,
      });
    return page(200, thankYouPage(language));
  },
  'GET /u/{token}': async ({ token, query }) => {
    const seen = await openUnsubscribe(await deps(), { token, language: chosenLanguage(query.lang) });
    return page(
      200,
      seen.alreadyUnsubscribed ? unsubscribedPage(seen.language) : unsubscribeConfirmPage(seen.language),
    );
  },
  // Also the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`), which carries no language.
  'POST /u/{token}': async (req) => {
    const form = readForm(req, [FORM_URLENCODED, MULTIPART_FORM]);
    await unsubscribe(await deps(), { token: req.token });
    return page(200, unsubscribedPage(chosenLanguage(form.lang) ?? chosenLanguage(req.query.lang)));
  },
  'GET /r/{token}': async ({ token }) => {
    const { location } = await openReportLink({ blobs, clock, secret: await tokenSecret() }, { token });
    return redirect(location);
  },
};

// HEAD runs the GET, which changes nothing (DESIGN §3); asRequested drops the body.
const routes: Record<Route, RouteHandler> = {
  ...getAndPost,
  'HEAD /s/{token}': getAndPost['GET /s/{token}'],
  'HEAD /u/{token}': getAndPost['GET /u/{token}'],
  // S3 signs the method: the redirect of a HEAD is a URL signed for HEAD.
  'HEAD /r/{token}': async ({ token }) => {
    const { location } = await openReportLink(
      { blobs, clock, secret: await tokenSecret() },
      { token, method: 'HEAD' },
    );
    return redirect(location);
  },
  'HEAD /a/{token}': getAndPost['GET /a/{token}'],
  'HEAD /v/{token}': getAndPost['GET /v/{token}'],
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger))
  .use(errorPages())
  .handler(async (event) => {
    const req = toRequest(event);
    const result = req ? await routes[req.route](req) : page(LINK_UNAVAILABLE_STATUS, linkUnavailablePage());
    return asRequested(event, result);
  });
