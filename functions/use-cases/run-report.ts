import { WaveNotFoundError } from '../domain/report/errors.ts';
import { generatePeriodReport, type PeriodReportResult } from './period-report.ts';
import { generateReport, type ReportDeps, type ReportInput, type ReportOutcome } from './report.ts';

/** What the report function is asked: a wave report, a period report, or whatever the schedule is due. */
export interface ReportRequest extends ReportInput {
  /** A period report (2026-11, 2026-Q4, 2026-H2, 2026) instead of a wave report. */
  period?: string | undefined;
  /** The campaign reports by period (its report.period): its scheduled runs make period reports. */
  byPeriod: boolean;
}

/** A wave report or a period report, or (scheduled runs only) why nothing was reported. */
export type RunReportResult = ReportOutcome | PeriodReportResult;

/**
 * Runs the report a request asks for. A period is asked for explicitly, or by the schedule of a campaign
 * that reports by period (the period holding yesterday); anything else is a wave report (generateReport).
 * A scheduled run before the first wave is not a failure to retry and alarm on, for either kind.
 */
export async function runReport(deps: ReportDeps, request: ReportRequest): Promise<RunReportResult> {
  const { period, byPeriod, ...wave } = request;
  const scheduled = request.trigger === 'schedule';
  if (!period && !(scheduled && byPeriod)) return generateReport(deps, wave);
  try {
    return await generatePeriodReport(deps, { campaignId: request.campaignId, period });
  } catch (e) {
    if (scheduled && !period && e instanceof WaveNotFoundError) {
      return { campaignId: request.campaignId, skipped: 'no-wave' };
    }
    throw e;
  }
}

export const isPeriodReport = (r: RunReportResult): r is PeriodReportResult => 'period' in r;
