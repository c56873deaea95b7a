import type { TargetActionsResult } from './target-actions.ts';

/** What a period report did (generatePeriodReport). */
export interface PeriodReportResult {
  campaignId: string;
  period: string;
  /** The whole campaign's files; each department's are under departments/{departmentKey}/. */
  keys: { json: string; csv: string; html: string };
  /** A signed link (REPORT_LINK_SECONDS) to the whole campaign's report.html, as the managers' digest has. */
  htmlUrl: string;
  departments: string[];
  /** Managers and department heads emailed. */
  emailed: number;
  final: boolean;
  rolledUp: string[];
  liveResponses: number;
  /** With the closed loop: the target actions the run opened, and the previous period's it judged. */
  targetActions?: TargetActionsResult;
}
