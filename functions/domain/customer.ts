import * as z from 'zod';
import { Language } from './language-schemas.ts';

/* A customer of the directory, as customer files (programme/customers, imports) give them. */

/**
 * The largest amount or count a customer may carry: 2^53 − 1. DynamoDB keeps numbers of 38 digits, but
 * every number also passes through JavaScript doubles and JSON (the file's parser, the document client,
 * the reports), which above 2^53 no longer hold every whole number: 99999999999999999999 would be read
 * as 100000000000000000000, and the document client refuses to store such a number at all, so a row
 * that passed here would fail the write. Up to the bound a number is stored and read back unchanged.
 */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const EXACT = `must be at most ${MAX_EXACT} (larger numbers are not stored exactly)`;

/** A calendar day, YYYY-MM-DD (checked: no 2026-02-30). */
const IsoDate = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

export const Customer = z.strictObject({
  id: z.string().regex(/^[\w.-]{1,64}$/, 'use letters, digits, dot, dash or underscore (at most 64)'),
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  language: Language,
  department: z.string().trim().min(1).max(100),
  // The directory's segmentation data (DOMAIN.md §3): optional, so a bare contact list is a directory too.
  registeredAt: IsoDate.optional(),
  lastInteractionAt: IsoDate.optional(),
  /** What the customer spent over the last 12 months, in the programme's currency. */
  spend12m: z
    .number({ error: 'must be a number' })
    .min(0, 'must not be negative')
    .max(MAX_EXACT, EXACT)
    .optional(),
  interactions12m: z
    .number({ error: 'must be a number' })
    .min(0, 'must not be negative')
    .max(MAX_EXACT, EXACT)
    // Not .int(): it refuses a whole number above the bound too, and one reason (EXACT) says why.
    .refine(Number.isInteger, 'must be a whole number')
    .optional(),
  /** Flagged as a key customer by hand (the spend/interaction tops are computed, not stored). */
  key: z.boolean({ error: 'must be true or false' }).optional(),
  /** Deliveries that event-triggered waves count from (1, 3, 12 months after, seed 001). */
  deliveryDates: z.array(IsoDate, { error: 'must be a list of dates' }).max(100).optional(),
  tags: z
    .array(z.string().trim().min(1, 'a tag cannot be empty').max(50, 'a tag has at most 50 characters'), {
      error: 'must be a list of tags',
    })
    .max(50, 'at most 50 tags')
    .optional(),
});
export type Customer = z.infer<typeof Customer>;
