/*
 * What the report function needs of the programme: each campaign's id and report period (and the send
 * function: its departments' display names, departmentNamesAsWritten). Read from the
 * campaign files as they are, not through loadProgramme, so that the function bundles neither zod nor
 * the schemas nor the questionnaires. They have been validated all the same: `cdk synth` loads
 * programme/index.ts, which validates these very files, before it bundles them (and `npm start` does
 * before it starts), and the schemas take an id and a report period as written, without trimming or
 * defaulting them.
 */
import { type DepartmentNamesLookup, departmentNamesOf } from '../functions/domain/department-names.ts';
import type { LocalizedText } from '../functions/domain/language.ts';
import type { Campaign } from '../functions/domain/programme.ts';
import { dict, setOwn } from '../functions/domain/records.ts';
import { campaignFiles } from './files.ts';

export interface CampaignSummary {
  id: Campaign['id'];
  /** With one, the campaign's scheduled reports are period reports (Campaign.report.period). */
  reportPeriod: Campaign['report']['period'];
}

type CampaignFile = Pick<Campaign, 'id'> & { report: Pick<Campaign['report'], 'period'> };

/** The summaries of campaign files that loadProgramme accepts. */
export const campaignSummariesOf = (files: Record<string, unknown>): CampaignSummary[] =>
  Object.values(files).map((file) => {
    const { id, report } = file as CampaignFile;
    return { id, reportPeriod: report.period };
  });

export const campaignSummaries: readonly CampaignSummary[] = campaignSummariesOf(campaignFiles);

/**
 * The display names of each campaign's departments, as loadProgramme gives them: its schema trims the ids
 * and names (and refuses the rest), so they are trimmed here too.
 */
export function departmentNamesAsWritten(files: Record<string, unknown>): DepartmentNamesLookup {
  return departmentNamesOf(
    Object.values(files).map((file) => {
      const { id, departments } = file as Pick<Campaign, 'id'> & {
        departments?: Record<string, LocalizedText>;
      };
      if (!departments) return { id };
      const names = dict<LocalizedText>();
      for (const [department, name] of Object.entries(departments))
        setOwn(names, department.trim(), { 'zh-CN': name['zh-CN'].trim(), en: name.en.trim() });
      return { id, departments: names };
    }),
  );
}

/** The shipped campaigns' display names of departments. */
export const shippedDepartmentNames: DepartmentNamesLookup = departmentNamesAsWritten(campaignFiles);
