import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  loadProgramme,
  ProgrammeError,
  Schedule,
  toEventBridgeCron,
} from '../../functions/domain/programme.ts';
import { returnRateTarget } from '../../functions/domain/targets.ts';
import cnMainland from '../../programme/calendars/cn-mainland.json' with { type: 'json' };
import demoCampaign from '../../programme/campaigns/demo.json' with { type: 'json' };
import itssV1 from '../../programme/questionnaires/itss-satisfaction.v1.json' with { type: 'json' };

const Q_FILE = 'programme/questionnaires/q.json';
const C_FILE = 'programme/campaigns/c.json';
/** The demo campaign's reminders count by this calendar, so a programme with it needs the file too. */
const CALENDARS = { 'programme/calendars/cn-mainland.json': cnMainland };

function problemsOf(files: Parameters<typeof loadProgramme>[0]): string[] {
  try {
    loadProgramme(files);
  } catch (e) {
    if (e instanceof ProgrammeError) return e.problems;
    throw e;
  }
  throw new Error('the programme was accepted');
}

const clone = <T>(v: T): T => structuredClone(v);

describe('loadProgramme', () => {
  it('should accept the example programme with seed 002 weights and seed 004 grades', () => {
    const p = loadProgramme({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: demoCampaign },
    });
    const q = p.questionnaires[0]!;
    expect(q.categories.map((c) => c.weight)).toEqual([20, 20, 20, 10, 20, 5, 5]);
    expect(q.scale.levels.map((l) => ('percent' in l ? l.percent : null))).toEqual([100, 80, 60, 40, 20]);
    expect(q.grades).toEqual({ A: 95, B: 81, C: 61, D: 40 });
    expect(p.campaigns[0]!.dispatch.timeZone).toBe('Asia/Shanghai');
  });

  it('should name the file, the field and what is wrong', () => {
    const q = clone(itssV1);
    delete (q.categories[0]!.label as Record<string, string>).en;
    const c = clone(demoCampaign);
    c.dispatch.cron = '0 9 1 * MON';
    c.report.managers = ['not-an-address'];
    const problems = problemsOf({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: q },
      campaigns: { [C_FILE]: c },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^programme\/questionnaires\/q\.json: categories\[0\]\.label\.en: /),
        `${C_FILE}: dispatch.cron: restrict day-of-month or day-of-week, not both`,
        expect.stringMatching(/^programme\/campaigns\/c\.json: report\.managers\[0\]: .*email/i),
      ]),
    );
  });

  it('should refuse weights that do not sum to 100', () => {
    const q = clone(itssV1);
    q.categories[3]!.weight = 15;
    expect(problemsOf({ calendars: CALENDARS, questionnaires: { [Q_FILE]: q }, campaigns: {} })).toEqual([
      `${Q_FILE}: categories: weights must sum to 100, not 105`,
    ]);
  });

  it('should refuse a campaign whose questionnaire does not exist, and duplicate ids', () => {
    const c = clone(demoCampaign);
    c.questionnaire = 'nope';
    const problems = problemsOf({
      questionnaires: { [Q_FILE]: itssV1, 'programme/questionnaires/again.json': itssV1 },
      campaigns: { [C_FILE]: c },
    });
    expect(problems).toContain(`${C_FILE}: questionnaire: no questionnaire has the id "nope"`);
    expect(problems).toContain('questionnaire "itss-satisfaction@1" is defined twice');
  });

  it('should refuse a satisfiedFrom level that is not on the scale, and unknown fields', () => {
    const q = clone(itssV1) as typeof itssV1 & { colour?: string };
    q.scale.satisfiedFrom = 'meh';
    q.colour = 'blue';
    const problems = problemsOf({ calendars: CALENDARS, questionnaires: { [Q_FILE]: q }, campaigns: {} });
    expect(
      problems.some((p) => p.startsWith(`${Q_FILE}: scale.satisfiedFrom: must be one of the levels`)),
    ).toBe(true);
    expect(problems.some((p) => p.startsWith(`${Q_FILE}: `) && p.includes('colour'))).toBe(true);
  });

  it('should read return-rate targets, each department its own, else the default, else none', () => {
    // Arrange: demo.json follows seed 000 — 30 % by default, 10 % for north-region.
    const c = clone(demoCampaign);

    // Act
    const withTargets = loadProgramme({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: c },
    });
    const { targets: _, ...bare } = c;
    const without = loadProgramme({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: bare },
    });

    // Assert
    const campaign = withTargets.campaigns[0]!;
    expect(returnRateTarget(campaign, 'north-region')).toBe(0.1);
    expect(returnRateTarget(campaign, 'east-region')).toBe(0.3);
    expect(returnRateTarget(campaign)).toBe(0.3);
    expect(returnRateTarget(without.campaigns[0]!, 'north-region')).toBeNull();
  });

  it('should refuse a return-rate target outside (0, 1], naming the field', () => {
    // Arrange: 30 written as a percent, a zero, a negative and a string.
    const c = clone(demoCampaign) as Record<string, unknown>;
    c.targets = {
      returnRate: {
        default: 30,
        departments: { 'north-region': 0, 'east-region': -0.1, 'south-region': '10%' },
      },
    };

    // Act
    const problems = problemsOf({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: c },
    });

    // Assert
    expect(problems).toEqual([
      `${C_FILE}: targets.returnRate.default: must be at most 1: write a fraction, e.g. 0.3 for 30 %`,
      `${C_FILE}: targets.returnRate.departments.north-region: must be above 0 (0.3 means 30 %)`,
      `${C_FILE}: targets.returnRate.departments.east-region: must be above 0 (0.3 means 30 %)`,
      `${C_FILE}: targets.returnRate.departments.south-region: must be a number between 0 and 1, e.g. 0.3 for 30 %`,
    ]);
  });

  it('should accept a target of exactly 1 and refuse unknown target kinds', () => {
    // Arrange
    const full = clone(demoCampaign);
    full.targets.returnRate.default = 1;
    const unknown = clone(demoCampaign) as Record<string, unknown>;
    unknown.targets = { returnRate: {}, score: 90 };

    // Act
    const accepted = loadProgramme({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: full },
    });
    const problems = problemsOf({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: unknown },
    });

    // Assert
    expect(accepted.campaigns[0]!.targets?.returnRate?.default).toBe(1);
    expect(problems).toEqual([expect.stringMatching(/^programme\/campaigns\/c\.json: targets: .*score/)]);
  });

  it('should refuse a target for a department the campaign does not survey', () => {
    // Arrange: a typo in the target's department would otherwise silently fall back to the default.
    const c = clone(demoCampaign) as typeof demoCampaign & { audience?: { departments: string[] } };
    // The demo's department heads are of north-region and south-region.
    c.audience = { departments: ['east-region', 'north-region', 'south-region'] };
    c.targets.returnRate.departments = { 'north-regoin': 0.1 } as never;

    // Act
    const problems = problemsOf({
      calendars: CALENDARS,
      questionnaires: { [Q_FILE]: itssV1 },
      campaigns: { [C_FILE]: c },
    });

    // Assert
    expect(problems).toEqual([
      `${C_FILE}: targets.returnRate.departments.north-regoin: not one of audience.departments (east-region, north-region, south-region)`,
    ]);
  });

  it('should never throw anything but a ProgrammeError, whatever the files hold', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (q, c) => {
        try {
          loadProgramme({
            calendars: CALENDARS,
            questionnaires: { [Q_FILE]: q },
            campaigns: { [C_FILE]: c },
          });
        } catch (e) {
          expect(e).toBeInstanceOf(ProgrammeError);
        }
      }),
    );
  });
});

describe('schedules', () => {
  it('should accept five fields with day names and an IANA time zone', () => {
    expect(Schedule.safeParse({ cron: '0 18 * * FRI', timeZone: 'Asia/Shanghai' }).success).toBe(true);
    expect(Schedule.safeParse({ cron: '30 8 * * MON-FRI', timeZone: 'Europe/Berlin' }).success).toBe(true);
  });

  it.each([
    ['0 9 * * 1', 'numbered day of week'],
    ['0 9 1 * MON', 'both days restricted'],
    ['0 9 ? * ?', 'both days "?"'],
    ['0 9 * *', 'four fields'],
    ['0 9 * * * *', 'six fields'],
  ])('should refuse "%s" (%s)', (cron) => {
    expect(Schedule.safeParse({ cron, timeZone: 'Asia/Shanghai' }).success).toBe(false);
  });

  it('should refuse an unknown time zone', () => {
    expect(Schedule.safeParse({ cron: '0 9 * * *', timeZone: 'Mars/Olympus' }).success).toBe(false);
  });

  it('should turn cron into the EventBridge form with exactly one "?" day field', () => {
    expect(toEventBridgeCron('0 9 1 1,4,7,10 *')).toBe('cron(0 9 1 1,4,7,10 ? *)');
    expect(toEventBridgeCron('0 18 * * FRI')).toBe('cron(0 18 ? * FRI *)');
    expect(toEventBridgeCron('0 9 * * *')).toBe('cron(0 9 * * ? *)');
    expect(toEventBridgeCron('0 9 ? * *')).toBe('cron(0 9 ? * * *)');
  });

  it('should give EventBridge one "?" for every schedule the schema accepts', () => {
    const day = fc.constantFrom('*', '?', '1', '15', '1,15', 'L');
    const dow = fc.constantFrom('*', '?', 'MON', 'MON-FRI', 'SAT,SUN');
    fc.assert(
      fc.property(day, dow, (dom, dw) => {
        const cron = `0 9 ${dom} * ${dw}`;
        if (!Schedule.safeParse({ cron, timeZone: 'UTC' }).success) return;
        const fields = toEventBridgeCron(cron).slice(5, -1).split(' ');
        expect([fields[2], fields[4]].filter((f) => f === '?')).toHaveLength(1);
      }),
    );
  });
});
