/*
 * What the report function needs of the programme: each campaign's id and report period. Read from the
 * campaign files as they are, not through loadProgramme, so that the function bundles neither zod nor
 * the schemas nor the questionnaires. They have been validated all the same: `cdk synth` loads
 * programme/index.ts, which validates these very files, before it bundles them (and `npm start` does
 * before it starts), and the schemas take an id and a report period as written, without trimming or
 * defaulting them.
 */
import type { Campaign } from '../functions/domain/programme.ts';
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
