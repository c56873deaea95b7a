import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
// zod/mini with zod's English messages: the same checks and messages as zod, at a fraction of the bundle.
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { campaignSummaries } from '../../../programme/campaigns.ts';
import { documentClient } from '../../adapters/dynamo-client.ts';
import { DynamoStore } from '../../adapters/dynamo-store.ts';
import { requireEnv } from '../../adapters/env.ts';
import { logger } from '../../adapters/logger.ts';
import { composeMime } from '../../adapters/mime.ts';
import { S3Blobs } from '../../adapters/s3-blobs.ts';
import { tokenSecret } from '../../adapters/secrets.ts';
import { sesClient } from '../../adapters/ses-client.ts';
import { SesMailer } from '../../adapters/ses-mailer.ts';
import { ReportRequestError, WaveNotFoundError } from '../../domain/report/errors.ts';
import { PeriodError, parsePeriod } from '../../domain/report/period.ts';
import { campaignOfSmokeId } from '../../domain/smoke.ts';
import { generatePeriodReport, type PeriodReportResult } from '../../use-cases/period-report.ts';
import {
  generateReport,
  isSkipped,
  type ReportDeps,
  type ReportOutcome,
  type ReportSkipped,
} from '../../use-cases/report.ts';

z.config(en());

const deps: ReportDeps = {
  store: new DynamoStore(documentClient(), requireEnv('TABLE_NAME')),
  blobs: new S3Blobs(requireEnv('BUCKET_NAME')),
  mailer: new SesMailer(sesClient(), { configurationSet: process.env.SES_CONFIGURATION_SET }),
  compose: composeMime,
  clock: { now: () => new Date() },
  // The emailed links point at the survey page, which checks them and signs a fresh S3 URL per click.
  links: { secret: tokenSecret, baseUrl: requireEnv('PUBLIC_BASE_URL') },
};

const findCampaign = (id: string) => campaignSummaries.find((c) => c.id === id);
/** A campaign's id, or the id its smoke waves are filed under (`csat smoke` reports its wave). */
const knownId = (id: string): boolean => findCampaign(campaignOfSmokeId(id) ?? id) !== undefined;

/**
 * What the report schedule (`{ campaignId, trigger: 'schedule' }`) or the CLI (`{ campaignId, waveId? }`
 * or `{ campaignId, period }`) sends. Strict, so a misspelt `waveID` is refused, not ignored.
 */
const ReportEvent = z
  .strictObject({
    campaignId: z.string({ error: 'must be the id of a campaign in the programme' }).check(
      z.refine(knownId, {
        message: `no such campaign in the programme (known: ${campaignSummaries.map((c) => c.id).join(', ')})`,
      }),
    ),
    waveId: z.optional(
      z
        .string()
        .check(z.regex(/^[A-Za-z0-9][\w.-]{0,127}$/, 'must be a wave id such as "demo-20250101T0100"')),
    ),
    /** A period report (2026-11, 2026-Q4, 2026-H2, 2026) instead of a wave report. */
    period: z.optional(
      z.string({ error: 'must be a period such as 2026-11, 2026-Q4, 2026-H2 or 2026' }).check(
        z.superRefine((key, ctx) => {
          // parsePeriod, not a pattern: 2026-13 has the shape of a month but is none.
          try {
            parsePeriod(key);
          } catch (e) {
            if (!(e instanceof PeriodError)) throw e;
            ctx.addIssue({ code: 'custom', message: e.message, input: key });
          }
        }),
      ),
    ),
    // Only the schedule's runs may find nothing to report: see generateReport.
    trigger: z.optional(
      z.literal('schedule', { error: 'must be "schedule" (or absent, for a run a person asked for)' }),
    ),
  })
  .check(
    z.refine((e) => e.waveId === undefined || e.period === undefined, {
      message: 'a wave report (waveId) or a period report (period), not both',
      path: ['period'],
    }),
  );
export type ReportEvent = z.input<typeof ReportEvent>;
/** A report, or (scheduled runs only) `{ campaignId, skipped: 'no-wave' | 'already-final', … }`. */
export type ReportResponse = ReportOutcome | PeriodReportResult;

export const handler = middy<unknown, ReportResponse>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const parsed = ReportEvent.safeParse(event);
    if (!parsed.success) {
      throw new ReportRequestError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
      );
    }
    const { campaignId, period, trigger } = parsed.data;
    // A campaign with report.period gets period reports from its schedule (the period holding yesterday).
    if (period || (trigger === 'schedule' && findCampaign(campaignId)?.reportPeriod)) {
      let report: PeriodReportResult;
      try {
        report = await generatePeriodReport(deps, { campaignId, period });
      } catch (e) {
        // As for wave reports: a scheduled run before the first wave is not a failure to retry and alarm on.
        if (trigger === 'schedule' && !period && e instanceof WaveNotFoundError) {
          const skipped: ReportSkipped = { campaignId, skipped: 'no-wave' };
          logger.info('nothing new to report', { ...skipped });
          return skipped;
        }
        throw e;
      }
      logger.info('period report written and sent', {
        campaignId,
        period: report.period,
        emailed: report.emailed,
        rolledUp: report.rolledUp.length,
        liveResponses: report.liveResponses,
      });
      return report;
    }
    const result = await generateReport(deps, parsed.data);
    if (isSkipped(result)) {
      logger.info('nothing new to report', { ...result });
    } else {
      logger.info('report written and sent', {
        campaignId: result.campaignId,
        waveId: result.waveId,
        emailed: result.emailed,
        final: result.final,
      });
    }
    return result;
  });
