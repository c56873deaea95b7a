/*
 * The return rate, defined once for every output: the wave report, the period report, `csat status` and
 * the digests all count it with `returnRate` and explain it with these definitions.
 *
 * Invited = the invitations a wave created at dispatch (the customers it selected), whether or not their
 * email has gone out yet: the seeds count returns against everyone the survey was meant to reach (seed
 * 000: 回收率 of 总户数), the figure is fixed once the wave is dispatched (a report run before and after a
 * paused send agree), and a delivery problem shows as a lower rate instead of vanishing from it.
 * `emailed` (emails that went out) is reported beside it where the invitations are read.
 * Answered = responses that fit the questionnaire the wave sent, data-cleaning flags or not.
 */

/** answered / invited as a fraction 0–1 rounded to four decimals; null when nobody was invited. */
export function returnRate(answered: number, invited: number): number | null {
  return invited === 0 ? null : Math.round((answered / invited) * 10_000) / 10_000;
}

export const RETURN_RATE_DEFINITIONS = {
  invited:
    'Customers invited: one per invitation the wave created at dispatch, whether or not the email has gone out yet (see emailed). The same count in the wave report, the period report, csat status and the digests.',
  answered:
    'Responses that fit the questionnaire, including those flagged by data cleaning (the customer did answer).',
  returnRate: 'answered / invited, as a fraction 0–1 (four decimals); null when nobody was invited.',
} as const;

export const EMAILED_DEFINITION =
  'Of invited, the customers whose invitation email went out (or who answered): less than invited while a send is queued or paused for the daily quota, or when the customer unsubscribed or the wave closed before it.';

/**
 * Whether the return rate reaches a target (inclusive, as seed 000 counts), on the exact fraction, not the
 * rounded rate: 4,000 of 4,001 is not 10 % of 40,010. Null without a target or anyone invited.
 */
export function returnRateMet(answered: number, invited: number, target: number | null): boolean | null {
  // Both sides are correctly rounded doubles, so 3/10 against 0.3 compares equal and counts as met.
  return target === null || invited === 0 ? null : answered / invited >= target;
}
