import { REPORTS_PREFIX } from '../domain/report/document.ts';

/** Where a period's files live; a department's under departments/{id}, the id its name in base64url. */
export function periodKeys(
  campaignId: string,
  period: string,
  department?: string,
): { json: string; csv: string; html: string } {
  const scope = department === undefined ? '' : `/departments/${departmentKey(department)}`;
  const prefix = `${REPORTS_PREFIX}${campaignId}/${period}${scope}`;
  return { json: `${prefix}/report.json`, csv: `${prefix}/responses.csv`, html: `${prefix}/report.html` };
}

/** A department name as one key segment of letters, digits, `-` and `_` (any name, any script). */
export const departmentKey = (department: string): string =>
  Buffer.from(department, 'utf8').toString('base64url');

/** The rollup of a day: under reports/ so the report function's write and read policies cover it. */
export const rollupKey = (campaignId: string, day: string): string =>
  `${REPORTS_PREFIX}${campaignId}/rollups/${day}.json`;

/** The rollup of a closed period, beside those of the days. */
export const periodRollupKey = (campaignId: string, period: string): string =>
  `${REPORTS_PREFIX}${campaignId}/rollups/periods/${period}.json`;
