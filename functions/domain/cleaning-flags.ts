/*
 * What data cleaning (cleaning.ts) leaves on a stored response, as the reports read it. Apart from the
 * rules' schemas, so that the reports do not bundle zod.
 */

/**
 * Why a response was left out of the statistics: a rule's kind, or `unverifiable-timing` when a rule needs
 * the time taken and the form did not carry a genuine opening time (missing, or altered).
 */
export const CLEANING_FLAGS = ['straight-lining', 'too-fast', 'unverifiable-timing'] as const;
export type CleaningFlag = (typeof CLEANING_FLAGS)[number];

/** What data cleaning recorded on a stored response of a campaign that has rules. */
export interface ResponseCleaning {
  /** Empty when the response passed every rule; in CLEANING_FLAGS order. */
  flags: CleaningFlag[];
  /** From opening the page to submitting it, to the millisecond; absent when the opening time is unknown. */
  secondsTaken?: number;
}

/** Whether a stored response was flagged by data cleaning (responses from before it never were). */
export const isFlagged = (response: { cleaning?: ResponseCleaning }): boolean =>
  (response.cleaning?.flags.length ?? 0) > 0;
