import * as z from 'zod';
import { ActionsConfig, actionsProblems } from './actions/config.ts';
import { Audience } from './audience.ts';
import {
  CalendarError,
  type HolidayCalendar,
  loadCalendars,
  WEEKENDS_ONLY,
} from './calendar/holiday-calendar.ts';
import { Cleaning } from './cleaning.ts';
import { Customer } from './customer.ts';
import { dispatchGapProblem, EventTrigger } from './events.ts';
import { Language, LocalizedText } from './language-schemas.ts';
import { Questionnaire } from './questionnaire.ts';
import { isPrototypeName, PROTOTYPE_NAME, UNSTORABLE_KEYS } from './records.ts';
import { PERIOD_KINDS } from './report/period.ts';
import { MAX_REMINDERS } from './steps.ts';
import { checkVersionLock, type QuestionnaireFile, VersionLock } from './versions.ts';

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (at most 63)')
  .refine((id) => !isPrototypeName(id), PROTOTYPE_NAME);

const CRON_FIELD = /^[\w*/,?-]+$/;
const DAY_NAMES =
  /^(\*|\?|((SUN|MON|TUE|WED|THU|FRI|SAT)(-(SUN|MON|TUE|WED|THU|FRI|SAT))?)(,(SUN|MON|TUE|WED|THU|FRI|SAT)(-(SUN|MON|TUE|WED|THU|FRI|SAT))?)*)$/;

/**
 * A schedule as five cron fields (minute hour day-of-month month day-of-week) in an IANA time zone.
 * Day-of-week uses names (MON-FRI) because EventBridge numbers days 1–7 from Sunday and classic cron
 * 0–6: names mean the same to both. Day-of-month and day-of-week cannot both be restricted (EventBridge).
 */
export const Schedule = z.strictObject({
  cron: z
    .string()
    .trim()
    .refine((s) => s.split(/\s+/).length === 5 && s.split(/\s+/).every((f) => CRON_FIELD.test(f)), {
      message: 'must be five cron fields: minute hour day-of-month month day-of-week, e.g. "0 9 1 * *"',
    })
    .refine((s) => DAY_NAMES.test(s.split(/\s+/)[4] ?? ''), {
      message: 'day-of-week must be * or day names such as MON-FRI (numbers differ between cron dialects)',
    })
    .refine(
      (s) => {
        const f = s.split(/\s+/);
        return ['*', '?'].includes(f[2] ?? '') || ['*', '?'].includes(f[4] ?? '');
      },
      { message: 'restrict day-of-month or day-of-week, not both' },
    )
    .refine(
      (s) => {
        const f = s.split(/\s+/);
        return !(f[2] === '?' && f[4] === '?');
      },
      { message: 'day-of-month and day-of-week cannot both be "?": use "*" in one of them' },
    ),
  timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as "Asia/Shanghai"' }),
});
export type Schedule = z.infer<typeof Schedule>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A fraction in (0, 1]: the percent form (30) is the likely mistake, so the message shows the other. */
const ReturnRate = z
  .number({ error: 'must be a number between 0 and 1, e.g. 0.3 for 30 %' })
  .gt(0, 'must be above 0 (0.3 means 30 %)')
  .max(1, 'must be at most 1: write a fraction, e.g. 0.3 for 30 %');

/**
 * Reminders to customers who have not answered (seed 002: after 3 working days without a reply). Each
 * goes out on the `afterWorkingDays`-th working day after the previous email (the invitation or the last
 * reminder), at most `max` of them, only on working days of `calendar` in the campaign's time zone
 * (`dispatch.timeZone`), and never after the wave's deadline. `schedule` is when the sweep looks for
 * due reminders: by default every day at 10:00 in the campaign's time zone.
 */
export const Reminders = z.strictObject({
  afterWorkingDays: z
    .number({ error: 'must be a whole number of working days, e.g. 3' })
    .int('must be a whole number of working days, e.g. 3')
    .min(1, 'must be at least 1 working day')
    .max(30, 'must be at most 30 working days')
    .default(3),
  max: z
    .number({ error: `must be a whole number from 0 to ${MAX_REMINDERS}` })
    .int(`must be a whole number from 0 to ${MAX_REMINDERS}`)
    .min(0, 'must not be negative (0 sends no reminders)')
    .max(MAX_REMINDERS, `must be at most ${MAX_REMINDERS}`)
    .default(2),
  /** The id of a calendar in programme/calendars/, or "weekends-only" (Monday–Friday, no holidays). */
  calendar: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use the id of a calendar in programme/calendars/')
    .default('cn-mainland'),
  schedule: Schedule.optional(),
});
export type Reminders = z.infer<typeof Reminders>;

export const Campaign = z.strictObject({
  id: Id,
  name: LocalizedText,
  /** Id of the questionnaire this campaign sends; the wave snapshots its current version. */
  questionnaire: Id,
  /** When a new wave is dispatched. */
  dispatch: Schedule,
  /** A wave's deadline: its links stop working this many days after it was dispatched. */
  responseDays: z.number().int().min(1).max(90),
  report: z.strictObject({
    schedule: Schedule,
    managers: z.array(z.email()).min(1).max(50),
    language: Language.default('zh-CN'),
    /**
     * With a period, each scheduled run reports the period (of this kind, in the schedule's time zone)
     * that holds the day before the run, over every wave dispatched in it (report/period.ts): the run on
     * the 1st of a month reports the whole month before. Without one, it reports the latest wave.
     */
    period: z.enum(PERIOD_KINDS, { error: `must be one of ${PERIOD_KINDS.join(', ')}` }).optional(),
    /** Department heads: each gets the digest of their own department only, in their language. */
    departmentHeads: z
      .array(
        z.strictObject({
          department: z.string().trim().min(1, 'a department cannot be empty'),
          email: z.email(),
          language: Language.optional(),
        }),
      )
      .max(200)
      .optional(),
  }),
  sender: z.strictObject({
    /** Must be an SES-verified identity in AWS. */
    from: z.email(),
    name: LocalizedText,
    replyTo: z.email().optional(),
  }),
  /** Display names of departments per language (department-names.ts), for every document people read. */
  departments: z
    .custom<unknown>(
      (v) => !(typeof v === 'object' && v !== null && UNSTORABLE_KEYS.some((k) => Object.hasOwn(v, k))),
      `a department named ${UNSTORABLE_KEYS.join(' or ')} cannot have a display name: it reads as its id`,
    )
    .pipe(z.record(z.string().trim().min(1, 'a department cannot be empty'), LocalizedText))
    .optional(),
  /** Whom a wave surveys: departments, tags, segments, sampling, contact frequency (domain/audience.ts). */
  audience: Audience.default({}),
  /**
   * Makes the campaign event-triggered (seed 001): each dispatch invites the customers with a step due,
   * counted in months from their event dates (events.ts), instead of the whole audience.
   */
  trigger: EventTrigger.optional(),
  targets: z
    .strictObject({
      /**
       * The share of invited customers expected to answer, as a fraction (0.3 = 30 %). Seed 000 sets a
       * target per unit (10 % for some, 30 % for others); a department without its own takes the default.
       */
      returnRate: z
        .strictObject({
          default: ReturnRate.optional(),
          // A wave stores its campaign, and DynamoDB's document client cannot keep these two as map
          // keys (records.ts); the parser would drop `__proto__` unseen, so it is checked before it.
          departments: z
            .custom<unknown>(
              (v) =>
                !(typeof v === 'object' && v !== null && UNSTORABLE_KEYS.some((k) => Object.hasOwn(v, k))),
              `a department named ${UNSTORABLE_KEYS.join(' or ')} cannot have its own target: it takes the default`,
            )
            .pipe(z.record(z.string().trim().min(1, 'a department cannot be empty'), ReturnRate))
            .optional(),
        })
        .optional(),
      /**
       * The share of rated answers expected at "basically satisfied" or better, as a fraction; seed 000
       * asks for 95 % (DEFAULT_SATISFACTION_RATE_TARGET when absent).
       */
      satisfactionRate: ReturnRate.optional(),
      /** The satisfaction index (mean total, 0–100) expected; no target when absent. */
      index: z
        .number({ error: 'must be a number from 0 to 100, e.g. 81 for grade B' })
        .min(0, 'must be from 0 to 100')
        .max(100, 'must be from 0 to 100')
        .optional(),
    })
    .optional(),
  /** No `reminders`, no reminders; `"reminders": {}` takes every default. */
  reminders: Reminders.optional(),
  /**
   * Data cleaning (seed 003): rules that flag a response as invalid when it is submitted. Flagged responses
   * are kept and count as answered, but are left out of every score and rate (cleaning.ts).
   */
  cleaning: Cleaning.optional(),
  /**
   * Anonymous campaign (seeds 001, 003): reminders still reach only those who have not answered, but a
   * stored response cannot be tied back to its customer (domain/anonymity.ts), reports carry no customer
   * columns, and breakdowns with fewer than `minGroupSize` responses are withheld.
   */
  anonymous: z.boolean({ error: 'must be true or false' }).optional(),
  /** The fewest responses a breakdown of an anonymous campaign may show (default 5). */
  minGroupSize: z
    .number({ error: 'must be a whole number of at least 2' })
    .int('must be a whole number of at least 2')
    .min(2, 'must be a whole number of at least 2')
    .optional(),
  /**
   * Publishes every stored response as a `Response Submitted` event on the default EventBridge bus (no
   * personal data, actions/events.ts). Off by default: it is one more call on every submit.
   */
  publishResponses: z.boolean({ error: 'must be true or false' }).optional(),
  /** The closed loop: which answers open a corrective action, whom it alerts, how it is verified (actions/config.ts). */
  actions: ActionsConfig.optional(),
});
export type Campaign = z.infer<typeof Campaign>;

/** When a campaign's reminder sweep runs: its own schedule, else daily at 10:00 in its time zone. */
export function reminderSchedule(campaign: Campaign): Schedule | undefined {
  const reminders = campaign.reminders;
  if (!reminders || reminders.max === 0) return undefined;
  return reminders.schedule ?? { cron: '0 10 * * *', timeZone: campaign.dispatch.timeZone };
}

export { Customer } from './customer.ts';

export interface Programme {
  questionnaires: Questionnaire[];
  campaigns: Campaign[];
  customers: Customer[];
  /** Working-day calendars the campaigns' reminders count by (programme/calendars/). */
  calendars: HolidayCalendar[];
}

/** A programme file failed validation: the message names the file, the field and what is wrong. */
export class ProgrammeError extends Error {
  constructor(readonly problems: string[]) {
    super(`the programme is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProgrammeError';
  }
}

export interface ProgrammeFiles {
  questionnaires: Record<string, unknown>;
  campaigns: Record<string, unknown>;
  /** Demo or test customers; a deployed stack takes its directory from elsewhere. */
  customers?: Record<string, unknown>;
  /**
   * The fingerprints of published questionnaire versions (versions.ts), keyed by the lock file's name.
   * With it, every questionnaire file must match its locked version: published versions are frozen.
   */
  versionLock?: Record<string, unknown>;
  /** Holiday calendars (programme/calendars/*.json), keyed by file name. */
  calendars?: Record<string, unknown>;
}

function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

function parseFile<T>(
  schema: z.ZodType<T>,
  file: string,
  data: unknown,
  problems: string[],
  prefix: PropertyKey[] = [],
): T | undefined {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const where = fieldPath([...prefix, ...issue.path]) || '(whole file)';
    problems.push(`${file}: ${where}: ${issue.message}`);
  }
  return undefined;
}

/**
 * Validates the programme's files (keyed by file name) and their references to each other.
 * Throws one ProgrammeError listing every problem found.
 */
export function loadProgramme(files: ProgrammeFiles): Programme {
  const problems: string[] = [];
  let calendars: HolidayCalendar[] = [];
  try {
    calendars = loadCalendars(files.calendars ?? {});
  } catch (e) {
    if (!(e instanceof CalendarError)) throw e;
    problems.push(...e.problems);
  }
  const calendarIds = [WEEKENDS_ONLY.id, ...calendars.map((c) => c.id)];
  const questionnaires: Questionnaire[] = [];
  const questionnaireFiles: QuestionnaireFile[] = [];
  for (const [file, data] of Object.entries(files.questionnaires)) {
    const q = parseFile(Questionnaire, file, data, problems);
    if (!q) continue;
    questionnaires.push(q);
    questionnaireFiles.push({ file, id: q.id, version: q.version, data });
  }
  for (const [file, data] of Object.entries(files.versionLock ?? {})) {
    const lock = parseFile(VersionLock, file, data, problems);
    if (lock) problems.push(...checkVersionLock(questionnaireFiles, lock));
  }
  const campaigns: Campaign[] = [];
  for (const [file, data] of Object.entries(files.campaigns)) {
    const campaign = parseFile(Campaign, file, data, problems);
    if (!campaign) continue;
    if (!questionnaires.some((q) => q.id === campaign.questionnaire)) {
      problems.push(`${file}: questionnaire: no questionnaire has the id "${campaign.questionnaire}"`);
    }
    const scope = campaign.audience.departments;
    for (const department of Object.keys(campaign.targets?.returnRate?.departments ?? {})) {
      if (scope && !scope.includes(department)) {
        problems.push(
          `${file}: targets.returnRate.departments.${department}: not one of audience.departments (${scope.join(', ')})`,
        );
      }
    }
    campaign.report.departmentHeads?.forEach((head, i) => {
      if (scope && !scope.includes(head.department)) {
        problems.push(
          `${file}: report.departmentHeads.${i}.department: "${head.department}" is not one of audience.departments (${scope.join(', ')})`,
        );
      }
    });
    const reminderCalendar = campaign.reminders?.calendar;
    if (reminderCalendar !== undefined && !calendarIds.includes(reminderCalendar)) {
      problems.push(
        `${file}: reminders.calendar: no calendar has the id "${reminderCalendar}" (known: ${calendarIds.join(', ')})`,
      );
    }
    if (campaign.actions) {
      const versions = questionnaires.filter((q) => q.id === campaign.questionnaire);
      for (const p of actionsProblems(campaign.actions, versions, calendarIds))
        problems.push(`${file}: ${p}`);
    }
    const gap = campaign.trigger && dispatchGapProblem(campaign.dispatch.cron, campaign.trigger);
    if (gap) problems.push(`${file}: dispatch.cron: ${gap}`);
    campaigns.push(campaign);
  }
  const customers: Customer[] = [];
  for (const [file, data] of Object.entries(files.customers ?? {})) {
    if (!Array.isArray(data)) {
      problems.push(`${file}: (whole file): must be a list of customers`);
      continue;
    }
    data.forEach((row, i) => {
      const customer = parseFile(Customer, file, row, problems, [i]);
      if (customer) customers.push(customer);
    });
  }
  for (const [kind, ids] of [
    ['questionnaire', questionnaires.map((q) => `${q.id}@${q.version}`)],
    ['campaign', campaigns.map((c) => c.id)],
    ['customer', customers.map((c) => c.id)],
  ] as const) {
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) problems.push(`${kind} "${dup}" is defined twice`);
  }
  if (problems.length > 0) throw new ProgrammeError(problems);
  return { questionnaires, campaigns, customers, calendars };
}

/** The newest version of a questionnaire. */
export function currentQuestionnaire(p: Programme, id: string): Questionnaire {
  const versions = p.questionnaires.filter((q) => q.id === id).sort((a, b) => b.version - a.version);
  const q = versions[0];
  if (!q) throw new RangeError(`no questionnaire "${id}"`);
  return q;
}

export function findCampaign(p: Programme, id: string): Campaign | undefined {
  return p.campaigns.find((c) => c.id === id);
}

/** The EventBridge Scheduler form of a five-field cron: `cron(min hour dom month dow year)`. */
export function toEventBridgeCron(cron: string): string {
  const [min, hour, dom, month, dow] = cron.trim().split(/\s+/) as [string, string, string, string, string];
  const domEb = dom === '*' && dow !== '*' && dow !== '?' ? '?' : dom;
  const dowEb = domEb === '?' ? dow : '?';
  return `cron(${min} ${hour} ${domEb} ${month} ${dowEb} *)`;
}
