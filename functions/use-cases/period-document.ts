import type { Language } from '../domain/language.ts';
import type { Wave } from '../domain/model.ts';
import { buildPeriodReport, type PeriodReportDocument } from '../domain/report/period-report.ts';
import {
  periodMinGroupSize,
  type ShownPeriodReport,
  withheldDepartmentsOf,
  withholdPeriod,
} from '../domain/report/period-withholding.ts';
import type { PeriodFigures } from './period-report.ts';

/* A period's report documents from its gathered figures (gatherPeriod), withheld as the campaign asks. */

/** Every wave a period report shows figures of: the period's and its trend periods'. */
const periodWaves = (figures: PeriodFigures): Wave[] => [
  ...figures.waves,
  ...figures.previous.flatMap((p) => p.waves),
];

/** The report document of the gathered period, for the whole campaign or one department. */
export function periodDocument(
  figures: PeriodFigures,
  options: { now: Date; language?: Language; department?: string },
): ShownPeriodReport {
  const { doc, minGroupSize } = unwithheldDocument(figures, options);
  // A department the campaign's report withholds (even as the next smallest) shows counts only in its own.
  const withheld =
    options.department !== undefined &&
    minGroupSize !== undefined &&
    withheldDepartmentsOf(unwithheldDocument(figures, { now: options.now }).doc, minGroupSize).has(
      options.department,
    );
  // An anonymous campaign's small groups (domain/report/period-withholding.ts).
  return withholdPeriod(doc, minGroupSize, withheld);
}

/** periodDocument before withholding, and the minGroupSize to withhold by (undefined: not anonymous). */
export function unwithheldDocument(
  figures: PeriodFigures,
  options: { now: Date; language?: Language; department?: string },
): { doc: PeriodReportDocument; minGroupSize: number | undefined } {
  const campaign = figures.latest.campaign;
  const doc = buildPeriodReport({
    campaignId: figures.latest.campaignId,
    campaign,
    period: figures.period,
    waves: figures.waves,
    entries: figures.entries,
    previous: figures.previous,
    department: options.department,
    now: options.now,
    language: options.language ?? campaign.report.language,
  });
  return { doc, minGroupSize: periodMinGroupSize(periodWaves(figures), campaign) };
}
