import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { BlobTooLargeError, S3Blobs } from '../../adapters/s3-blobs.ts';
import {
  ERASURE_REWRITE,
  IMPORT_MAX_BYTES,
  type ImportFileOutcome,
  type ImportFileReport,
  importFileKey,
  importReportKey,
  refusedImport,
} from '../../domain/customers/import-file.ts';
import { importCustomers } from '../../use-cases/import-customers.ts';

const bucket = requireEnv('BUCKET_NAME');
const store = new DynamoStore(documentClient(), requireEnv('TABLE_NAME'));
const blobs = new S3Blobs(bucket);

/** The part of an S3 event notification this function reads; the rest S3 sends passes through. */
const S3ObjectCreatedEvent = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string().startsWith('ObjectCreated:', 'must be an ObjectCreated event'),
        s3: z.object({
          bucket: z.object({ name: z.literal(bucket, `must be the csat bucket (${bucket})`) }),
          // URL-encoded, spaces as "+", as S3 sends keys.
          object: z.object({ key: z.string().min(1) }),
        }),
      }),
    )
    .min(1),
});

export class ImportEventError extends Error {
  constructor(readonly issues: string[]) {
    super(`not an S3 ObjectCreated event for csat: ${issues.join('; ')}`);
    this.name = 'ImportEventError';
  }
}

/** The file's text, the report refusing it, or 'rewritten' for a file erase rewrote (not imported again). */
async function readImport(key: string): Promise<string | ImportFileReport | 'rewritten'> {
  let bytes: Uint8Array;
  try {
    const object = await blobs.getObject(key, IMPORT_MAX_BYTES);
    if (object.metadata[ERASURE_REWRITE.name] === ERASURE_REWRITE.value) return 'rewritten';
    bytes = object.bytes;
  } catch (e) {
    if (!(e instanceof BlobTooLargeError)) throw e;
    return refusedImport(
      `the file holds ${e.size} bytes, over the ${IMPORT_MAX_BYTES}-byte limit: split it into smaller files`,
      new Date(),
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refusedImport('the file is not UTF-8 text: save it as UTF-8 and put it again', new Date());
  }
}

export const handler = middy<unknown, { files: ImportFileOutcome[] }>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const parsed = S3ObjectCreatedEvent.safeParse(event);
    if (!parsed.success) {
      throw new ImportEventError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
      );
    }
    const files: ImportFileOutcome[] = [];
    for (const record of parsed.data.Records) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const file = importFileKey(key);
      if (!file) {
        // Reports land beside the files and match the .json trigger: ignoring them ends the loop.
        logger.info('not a customer import file, ignored');
        files.push({ key, outcome: 'ignored' });
        continue;
      }
      const text = await readImport(key);
      if (text === 'rewritten') {
        logger.info('import file rewritten by an erasure, not imported again');
        files.push({ key, outcome: 'ignored' });
        continue;
      }
      const report: ImportFileReport =
        typeof text === 'string'
          ? {
              ...(await importCustomers({ store }, { text, format: file.format })),
              generatedAt: new Date().toISOString(),
            }
          : text;
      const reportKey = importReportKey(key);
      await blobs.put(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
      // Counts only: keys and problems can name customers.
      logger.info('customer import done', {
        format: file.format,
        imported: report.imported,
        rejected: report.rejected,
        problems: report.problems.length,
      });
      files.push({
        key,
        outcome: 'imported',
        reportKey,
        imported: report.imported,
        rejected: report.rejected,
      });
    }
    return { files };
  });
