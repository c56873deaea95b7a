import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { S3Blobs } from '../../adapters/s3-blobs.ts';
import type { ImportFileOutcome } from '../../domain/customers/import-file.ts';
import { importFile } from '../../use-cases/import-file.ts';
import { parseImportEvent } from './event.ts';
import { readImport } from './read.ts';

export { ImportEventError } from './event.ts';

const bucket = requireEnv('BUCKET_NAME');
const blobs = new S3Blobs(bucket);
const clock = { now: () => new Date() };
const deps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME')),
  blobs,
  clock,
  read: (key: string) => readImport(blobs, key, clock.now()),
};

/** Customer files put under imports/ in the bucket (S3 ObjectCreated): imported, a report beside each. */
export const handler = middy<unknown, { files: ImportFileOutcome[] }>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const files: ImportFileOutcome[] = [];
    for (const key of parseImportEvent(event, bucket)) {
      const { outcome, report } = await importFile(deps, key);
      files.push(outcome);
      if (!report) logger.info('not a customer import file, ignored');
      // Counts only: keys and problems can name customers.
      else {
        const { imported, rejected, problems } = report;
        logger.info('customer import done', { imported, rejected, problems: problems.length });
      }
    }
    return { files };
  });
