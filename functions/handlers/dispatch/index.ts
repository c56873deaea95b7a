import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { dispatchWave } from '../../use-cases/dispatch-wave.ts';
import { dispatchDeps } from './deps.ts';
import { parseDispatchEvent } from './event.ts';
import { type DispatchResponse, dispatchResponse } from './response.ts';

export { type DispatchEvent, InvalidDispatchEventError } from './event.ts';
export type { DispatchResponse } from './response.ts';

// A wave starts (or resumes) by queuing its first round for the dispatch worker (handlers/dispatch-worker).
const deps = dispatchDeps({
  tableName: requireEnv('TABLE_NAME'),
  sendQueueUrl: requireEnv('SEND_QUEUE_URL'),
  dispatchQueueUrl: requireEnv('DISPATCH_QUEUE_URL'),
  secret: tokenSecret,
});

export const handler = middy<unknown, DispatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const result = await dispatchWave(deps, parseDispatchEvent(event));
    logger.info('wave dispatched', { ...result });
    return dispatchResponse(result);
  });
