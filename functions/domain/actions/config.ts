import * as z from 'zod';
import { Language } from '../language-schemas.ts';

/*
 * The closed loop of a campaign (DOMAIN.md §7; seeds 000 §6, 002 §3–4, 003, 004 5.1.4): which answers open a
 * corrective action, whom it alerts, when it is due, and how its effect is verified by asking the customer
 * again. A campaign without `actions` opens none.
 */

const LevelId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'use the id of a level of the questionnaire\'s scale, e.g. "dissatisfied"',
  );

const WorkingDays = (fallback: number, max: number) =>
  z
    .number({ error: `must be a whole number of working days, e.g. ${fallback}` })
    .int(`must be a whole number of working days, e.g. ${fallback}`)
    .min(1, 'must be at least 1 working day')
    .max(max, `must be at most ${max} working days`)
    .default(fallback);

/** Someone an action's emails go to, in their language (the campaign report's language when absent). */
export const ActionRecipient = z.strictObject({ email: z.email(), language: Language.optional() });
export type ActionRecipientConfig = z.infer<typeof ActionRecipient>;

/**
 * What makes a submitted response open an action; any one is enough. Responses flagged by data cleaning
 * never do. At least one trigger must be set.
 */
export const ActionTriggers = z
  .strictObject({
    /** The total (0–100) below this opens an action (seed 004: 70). */
    totalBelow: z
      .number({ error: 'must be a number from 0 to 100, e.g. 70' })
      .min(0, 'must be from 0 to 100')
      .max(100, 'must be from 0 to 100')
      .optional(),
    /**
     * Any item rated at this level of the questionnaire's scale, or a worse one, opens an action (seed 004:
     * dissatisfied or very dissatisfied → "dissatisfied").
     */
    ratingAtOrBelow: LevelId.optional(),
    /** A comment containing one of these (case-insensitive) opens an action: 投诉, complaint, … */
    keywords: z
      .array(z.string().trim().min(1, 'a keyword cannot be empty').max(50, 'at most 50 characters'))
      .max(100, 'at most 100 keywords')
      .optional(),
    /** The survey page offers "please contact me"; ticking it opens an action. */
    contactRequest: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .refine(
    (t) =>
      t.totalBelow !== undefined ||
      t.ratingAtOrBelow !== undefined ||
      (t.keywords?.length ?? 0) > 0 ||
      t.contactRequest === true,
    { message: 'set at least one trigger: totalBelow, ratingAtOrBelow, keywords or contactRequest' },
  );
export type ActionTriggers = z.infer<typeof ActionTriggers>;

/** Asking the customer again whether the action fixed it (seeds 002, 004). */
export const Verification = z.strictObject({
  /** The follow-up email goes out this many working days after the action is resolved (default 5). */
  afterWorkingDays: WorkingDays(5, 60),
  /** How many working days the customer has to answer it (default 5). */
  answerWorkingDays: WorkingDays(5, 60),
  /**
   * What an unanswered follow-up does once its time is up: close the action as resolved but unverified
   * (default), or reopen it and tell the managers.
   */
  onNoAnswer: z
    .enum(['close-unverified', 'reopen'], { error: 'must be "close-unverified" or "reopen"' })
    .default('close-unverified'),
  /** The follow-up also tells the customer what was done (the action taken, seed 002). */
  tellCustomer: z.boolean({ error: 'must be true or false' }).default(false),
});
export type Verification = z.infer<typeof Verification>;

export const ActionsConfig = z.strictObject({
  triggers: ActionTriggers,
  /**
   * Customer service (seed 004 5.1.4): alerted at once about every action, besides the department's owners.
   * Owners are the campaign's `report.departmentHeads` of the response's department; a department without
   * a head is owned by customer service.
   */
  customerService: z.array(ActionRecipient).min(1, 'name at least one customer-service address').max(20),
  /** An action is due this many working days after it opens (default 10; seed 003 speaks of 30 days). */
  dueWorkingDays: WorkingDays(10, 120),
  /** Owners are reminded this many working days before the due date (default 2; 0: no reminder). */
  remindBeforeWorkingDays: z
    .number({ error: 'must be a whole number of working days, e.g. 2' })
    .int('must be a whole number of working days, e.g. 2')
    .min(0, 'must not be negative (0 sends no reminder)')
    .max(60, 'must be at most 60 working days')
    .default(2),
  /** The working-day calendar due dates count by (default: the reminders' calendar, else cn-mainland). */
  calendar: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use the id of a calendar in programme/calendars/')
    .optional(),
  verification: Verification.default({
    afterWorkingDays: 5,
    answerWorkingDays: 5,
    onNoAnswer: 'close-unverified',
    tellCustomer: false,
  }),
  /**
   * With a report period, each closed period opens an action per department and per item that misses its
   * target (seed 000 §6 ②), owned by the department's heads (default true).
   */
  targets: z.boolean({ error: 'must be true or false' }).default(true),
  /** How long an owner's action link works, in days (default 90). */
  linkDays: z.number().int().min(1).max(365).default(90),
});
export type ActionsConfig = z.infer<typeof ActionsConfig>;

/** The calendar a campaign's action due dates count by: its own, else the reminders', else cn-mainland. */
export const actionsCalendarId = (campaign: {
  actions?: Pick<ActionsConfig, 'calendar'>;
  reminders?: { calendar: string };
}): string => campaign.actions?.calendar ?? campaign.reminders?.calendar ?? 'cn-mainland';

/**
 * What the programme's other files must agree with: the trigger level is a level of every version of the
 * campaign's questionnaire, and the calendar exists. Problems as `field: message`.
 */
export function actionsProblems(
  actions: ActionsConfig,
  questionnaire: ReadonlyArray<{ version: number; scale: { levels: ReadonlyArray<{ id: string }> } }>,
  calendarIds: readonly string[],
): string[] {
  const problems: string[] = [];
  const level = actions.triggers.ratingAtOrBelow;
  for (const q of questionnaire) {
    if (level !== undefined && !q.scale.levels.some((l) => l.id === level)) {
      problems.push(
        `actions.triggers.ratingAtOrBelow: "${level}" is not a level of the questionnaire's version ${q.version} (${q.scale.levels.map((l) => l.id).join(', ')})`,
      );
    }
  }
  if (actions.calendar !== undefined && !calendarIds.includes(actions.calendar)) {
    problems.push(
      `actions.calendar: no calendar has the id "${actions.calendar}" (known: ${calendarIds.join(', ')})`,
    );
  }
  return problems;
}
