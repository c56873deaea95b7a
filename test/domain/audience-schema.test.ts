import { describe, expect, it } from 'vitest';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { calendarFiles } from '../../programme/files.ts';
import { demoCampaign } from '../support/programme.ts';

/* A campaign's audience as the programme files write it: what loadProgramme accepts and refuses. */

describe('Schema: campaign audience', () => {
  const load = (audience: unknown) =>
    loadProgramme({
      questionnaires: {},
      // Without targets and department heads: the demo's per-department target and heads would have to
      // be in the audience's departments.
      campaigns: {
        'programme/campaigns/x.json': {
          ...demoCampaign,
          targets: undefined,
          report: { ...demoCampaign.report, departmentHeads: undefined },
          audience,
        },
      },
      calendars: calendarFiles,
    });
  const problems = (audience: unknown): string[] => {
    try {
      load(audience);
    } catch (e) {
      if (e instanceof ProgrammeError) return e.problems.filter((p) => !p.includes('questionnaire'));
      throw e;
    }
    return [];
  };

  it('should accept the documented example', () => {
    expect(
      problems({
        departments: ['east-region'],
        segments: ['active', 'key'],
        tags: ['steel'],
        sample: {
          method: 'stratified',
          size: 500,
          by: 'interactions12m',
          strata: [
            { name: 'high', share: 0.4, min: 12 },
            { name: 'medium', share: 0.5, min: 4 },
            { name: 'low', share: 0.1, min: 0 },
          ],
        },
        minDaysBetweenSurveys: 60,
        seed: 'q3-2025',
      }),
    ).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown segment', { segments: ['vip'] }, 'audience.segments[0]: must be one of active, new, key'],
    [
      'an unknown method',
      { sample: { method: 'some' } },
      'audience.sample.method: must be one of "all", "random", "fixed", "stratified"',
    ],
    [
      'a percent of 0',
      { sample: { method: 'random', percent: 0 } },
      'audience.sample.percent: must be above 0',
    ],
    [
      'a fraction where percent is meant… above 100',
      { sample: { method: 'random', percent: 150 } },
      'audience.sample.percent: must be at most 100',
    ],
    [
      'a size of 2.5',
      { sample: { method: 'fixed', size: 2.5 } },
      'audience.sample.size: must be a whole number',
    ],
    [
      'shares not adding up to 1',
      {
        sample: {
          method: 'stratified',
          size: 10,
          by: 'interactions12m',
          strata: [
            { name: 'high', share: 0.4 },
            { name: 'low', share: 0.5 },
          ],
        },
      },
      'audience.sample.strata: the shares must add up to 1 (they add up to 0.9)',
    ],
    [
      'bands without a floor',
      {
        sample: {
          method: 'stratified',
          percent: 10,
          by: 'spend12m',
          strata: [
            { name: 'high', share: 0.5, min: 100 },
            { name: 'low', share: 0.5, min: 10 },
          ],
        },
      },
      'audience.sample.strata: one stratum must have min 0',
    ],
    [
      'both size and percent',
      {
        sample: {
          method: 'stratified',
          size: 5,
          percent: 10,
          by: 'spend12m',
          strata: [
            { name: 'high', share: 0.5 },
            { name: 'low', share: 0.5 },
          ],
        },
      },
      'audience.sample: give either size or percent, not both',
    ],
    [
      'a negative frequency',
      { minDaysBetweenSurveys: -1 },
      'audience.minDaysBetweenSurveys: must not be negative',
    ],
    ['an unknown field', { segment: ['key'] }, 'audience'],
  ])('should refuse %s naming the file and the field', (_what, audience, message) => {
    const found = problems(audience);

    expect(found.some((p) => p.startsWith('programme/campaigns/x.json: ') && p.includes(message))).toBe(true);
  });
});
