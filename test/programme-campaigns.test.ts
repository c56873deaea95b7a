import { describe, expect, it } from 'vitest';
import { loadProgramme } from '../functions/domain/programme.ts';
import {
  campaignSummaries,
  campaignSummariesOf,
  departmentNamesAsWritten,
  shippedDepartmentNames,
} from '../programme/campaigns.ts';
import { calendarFiles, campaignFiles, questionnaireFiles } from '../programme/files.ts';
import { programme } from '../programme/index.ts';

/*
 * The report function reads campaign ids and report periods, the send function departments' display names,
 * off the files as they are (programme/campaigns.ts): they must be what the validated programme holds.
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

  it('should give each shipped campaign its departments’ display names as the validated programme has them', () => {
    for (const c of programme.campaigns) expect(shippedDepartmentNames(c.id), c.id).toEqual(c.departments);
    expect(shippedDepartmentNames('demo')?.['north-region']).toEqual({
      'zh-CN': '北方大区',
      en: 'North region',
    });
    expect(shippedDepartmentNames('no-such-campaign')).toBeUndefined();
  });

  it('should read department names as the schema gives them: ids and names trimmed', () => {
    // Arrange: the demo campaign with padded names, and one named as a prototype member
    const [first, ...others] = Object.entries(campaignFiles);
    const [file, data] = first!;
    const departments = JSON.parse(
      '{" north ":{"zh-CN":" 北 ","en":"North "},"hasOwnProperty":{"zh-CN":"甲","en":"A"}}',
    );
    const files = Object.fromEntries([[file, { ...(data as object), departments }], ...others]);
    const id = (data as { id: string }).id;

    // Act
    const loaded = loadProgramme({
      questionnaires: questionnaireFiles,
      campaigns: files,
      calendars: calendarFiles,
    });

    // Assert
    const names = departmentNamesAsWritten(files)(id);
    expect({ ...names }).toEqual(loaded.campaigns.find((c) => c.id === id)?.departments);
    expect(names?.north).toEqual({ 'zh-CN': '北', en: 'North' });
    expect(Object.hasOwn(names!, 'hasOwnProperty')).toBe(true);
  });
});
