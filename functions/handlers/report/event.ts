// zod/mini with zod's English messages: the same checks and messages as zod, at a fraction of the bundle.
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { campaignSummaries } from '../../../programme/campaigns.ts';
import { ReportRequestError } from '../../domain/report/errors.ts';
import { PeriodError, parsePeriod } from '../../domain/report/period.ts';
import { campaignOfSmokeId } from '../../domain/smoke.ts';
import type { ReportRequest } from '../../use-cases/run-report.ts';

z.config(en());

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

/** The event as a report request, or a ReportRequestError naming every field that is wrong. */
export function parseReportEvent(event: unknown): ReportRequest {
  const parsed = ReportEvent.safeParse(event);
  if (!parsed.success) {
    throw new ReportRequestError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
    );
  }
  // A campaign with report.period gets period reports from its schedule (the period holding yesterday).
  return { ...parsed.data, byPeriod: findCampaign(parsed.data.campaignId)?.reportPeriod !== undefined };
}
