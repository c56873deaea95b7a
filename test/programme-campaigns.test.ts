import { describe, expect, it } from 'vitest';
import { loadProgramme } from '../functions/domain/programme.ts';
import { campaignSummaries, campaignSummariesOf } from '../programme/campaigns.ts';
import { calendarFiles, campaignFiles, questionnaireFiles } from '../programme/files.ts';
import { programme } from '../programme/index.ts';

/*
 * The report function reads campaign ids and report periods off the files as they are
 * (programme/campaigns.ts): they must be what the validated programme holds.
 */
describe('programme/campaigns', () => {
  it('should give each shipped campaign its id and report period as the validated programme has them', () => {
    expect(campaignSummaries).toEqual(
      programme.campaigns.map((c) => ({ id: c.id, reportPeriod: c.report.period })),
    );
  });

  it('should read a report period as the schema gives it', () => {
    // Arrange: every shipped campaign, one of them with a period
    const [first, ...others] = Object.entries(campaignFiles);
    const [file, data] = first!;
    const withPeriod = {
      ...(data as { report: object }),
      report: { ...(data as { report: object }).report, period: 'quarter' },
    };
    const files = Object.fromEntries([[file, withPeriod], ...others]);

    // Act
    const loaded = loadProgramme({
      questionnaires: questionnaireFiles,
      campaigns: files,
      calendars: calendarFiles,
    });

    // Assert
    expect(campaignSummariesOf(files)).toEqual(
      loaded.campaigns.map((c) => ({ id: c.id, reportPeriod: c.report.period })),
    );
    expect(campaignSummariesOf(files)[0]?.reportPeriod).toBe('quarter');
  });
});
