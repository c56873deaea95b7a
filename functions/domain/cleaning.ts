import * as z from 'zod';
import { CLEANING_FLAGS, type CleaningFlag, type ResponseCleaning } from './cleaning-flags.ts';

/*
 * Data cleaning (seed 003: "invalid answers are excluded from the statistics, but kept and flagged").
 * A campaign lists rules; each submitted response is judged once, at submit, and the flags it earned are
 * stored with it. The report leaves flagged responses out of every score and rate and says how many.
 */

/** The longest time limit a rule may set: a value above it is most likely milliseconds written by mistake. */
export const MAX_RULE_SECONDS = 3600;

const Seconds = z
  .number({ error: 'must be a number of seconds, e.g. 30' })
  .positive('must be more than 0 seconds')
  .max(
    MAX_RULE_SECONDS,
    `must be at most ${MAX_RULE_SECONDS} seconds (an hour): write seconds, not milliseconds`,
  );

export const CleaningRule = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      /**
       * Every rated item at the same level — and, with `withinSeconds`, submitted at most that many seconds
       * after the page was opened. Without it, identical answers are flagged however long they took.
       */
      kind: z.literal('straight-lining'),
      withinSeconds: Seconds.optional(),
    }),
    z.strictObject({
      /** Submitted less than `minSeconds` after the page was opened: too fast to have read the questions. */
      kind: z.literal('too-fast'),
      minSeconds: Seconds,
    }),
  ],
  { error: 'kind must be "straight-lining" or "too-fast"' },
);
export type CleaningRule = z.infer<typeof CleaningRule>;

export const Cleaning = z
  .strictObject({ rules: z.array(CleaningRule).min(1, 'list at least one rule').max(10) })
  .superRefine((c, ctx) => {
    const kinds = c.rules.map((r) => r.kind);
    const dup = kinds.find((k, i) => kinds.indexOf(k) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['rules'], message: `rule "${dup}" is listed twice` });
  });
export type Cleaning = z.infer<typeof Cleaning>;

/** Whether a rule can only be judged with the time the customer took. */
export const needsTiming = (rule: CleaningRule): boolean =>
  rule.kind === 'too-fast' || rule.withinSeconds !== undefined;

/** Every rated item at the same level; one rated item is no pattern. */
export function allSameLevel(ratings: Record<string, string>): boolean {
  const levels = Object.values(ratings);
  return levels.length >= 2 && levels.every((l) => l === levels[0]);
}

/**
 * The flags the rules give a response. `secondsTaken` undefined means the opening time is not known:
 * rules that need it are not judged, and the response is flagged `unverifiable-timing` instead (a form
 * stripped of its opening time must not pass for a slow one). Pure; never throws.
 */
export function judgeResponse(
  cleaning: Cleaning,
  input: { ratings: Record<string, string>; secondsTaken: number | undefined },
): ResponseCleaning {
  const { ratings, secondsTaken } = input;
  const known = typeof secondsTaken === 'number' && Number.isFinite(secondsTaken);
  const flags = new Set<CleaningFlag>();
  for (const rule of cleaning.rules) {
    if (needsTiming(rule) && !known) {
      flags.add('unverifiable-timing');
      continue;
    }
    if (rule.kind === 'too-fast') {
      if ((secondsTaken as number) < rule.minSeconds) flags.add('too-fast');
    } else if (
      allSameLevel(ratings) &&
      (rule.withinSeconds === undefined || (secondsTaken as number) <= rule.withinSeconds)
    ) {
      flags.add('straight-lining');
    }
  }
  return {
    flags: CLEANING_FLAGS.filter((f) => flags.has(f)),
    ...(known ? { secondsTaken } : {}),
  };
}
