import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { programme } from '../../../programme/index.ts';
import { DynamoActions } from '../../adapters/dynamo-actions.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { requireEnv } from '../../adapters/env.ts';
import { eventBridgeClient } from '../../adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../adapters/eventbridge-publisher.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sqsClient } from '../../adapters/sqs-client.ts';
import { SqsSendQueue } from '../../adapters/sqs-queue.ts';
import { departmentNamesOf } from '../../domain/department-names.ts';
import { actionPage } from '../../domain/pages/action-page.ts';
import { FORM_URLENCODED } from '../../domain/pages/form-body.ts';
import { verifyConfirmPage, verifyThanksPage } from '../../domain/pages/verify-page.ts';
import { openActionPage, submitActionPage } from '../../use-cases/action-page.ts';
import { chosenLanguage } from '../../use-cases/survey.ts';
import { answerFollowUp, openVerification, reopenRulesOf } from '../../use-cases/verification.ts';
import type { WaveLookup } from '../../use-cases/waves.ts';
import { type HttpRequest, page, readForm } from './http.ts';

/*
 * GET/POST /a/{token} (an action's page, for the owner or customer service or manager the link was sent to)
 * and GET/POST /v/{token} (the customer's follow-up answer). Adapters are built once per container.
 */
// Two textareas of 2,000 CJK characters, percent-encoded, are ~36 KB.
const ACTION_FORM_BYTES = 64 * 1024;

export type ActionRoute = 'GET /a/{token}' | 'POST /a/{token}' | 'GET /v/{token}' | 'POST /v/{token}';

export function actionRoutes(
  waves: WaveLookup,
): Record<ActionRoute, (req: HttpRequest) => Promise<APIGatewayProxyResultV2>> {
  const actions = new DynamoActions(documentClient('page'), requireEnv('TABLE_NAME'), {
    retentionDays: Number(process.env.RETENTION_DAYS) || 365,
  });
  const events = new EventBridgePublisher(eventBridgeClient());
  const queue = new SqsSendQueue(sqsClient(), requireEnv('SEND_QUEUE_URL'));
  const clock = { now: () => new Date() };
  const reopenRules = reopenRulesOf(programme);
  const departmentNames = departmentNamesOf(programme.campaigns);
  const deps = async () => ({
    actions,
    events,
    queue,
    clock,
    waves,
    departmentNames,
    reopenRules,
    log: logger,
    secret: await tokenSecret(),
  });
  return {
    'GET /a/{token}': async ({ token, query }) =>
      page(
        200,
        actionPage(await openActionPage(await deps(), { token, language: chosenLanguage(query.lang) })),
      ),
    'POST /a/{token}': async (req) => {
      const form = readForm(req, [FORM_URLENCODED], ACTION_FORM_BYTES);
      const language = chosenLanguage(form.lang) ?? chosenLanguage(req.query.lang);
      const view = await submitActionPage(await deps(), { token: req.token, form, language });
      logger.info('action changed', { actionId: view.action.id, status: view.action.status });
      return page(200, actionPage(view));
    },
    'GET /v/{token}': async ({ token, query }) => {
      const input = { token, language: chosenLanguage(query.lang), answer: query.answer };
      return page(200, verifyConfirmPage(await openVerification(await deps(), input)));
    },
    'POST /v/{token}': async (req) => {
      const form = readForm(req, [FORM_URLENCODED]);
      const language = chosenLanguage(form.lang) ?? chosenLanguage(req.query.lang);
      const out = await answerFollowUp(await deps(), { token: req.token, form, language });
      return page(200, verifyThanksPage(out.language, out.answer));
    },
  };
}
