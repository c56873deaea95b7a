import * as z from 'zod';
import { Language } from './language-schemas.ts';

/* A customer of the directory, as customer files (programme/customers, imports) give them. */

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
  spend12m: z.number({ error: 'must be a number' }).min(0, 'must not be negative').optional(),
  interactions12m: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
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
