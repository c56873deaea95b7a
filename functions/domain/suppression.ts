import type { DirectoryCustomer } from './audience.ts';

/*
 * Suppression that outlives retention (DOMAIN.md §8: never pestered after an unsubscribe, a bounce or a
 * complaint). A customer item expires a year after its last import and takes its `unsubscribedAt` and
 * `suppressedAt` with it, so the address itself is remembered apart: one record per address, keyed by a
 * keyed hash of it (token.ts addressHash), holding only why and since when, with no expiry. No address,
 * name or customer id is stored; a re-import of the same address finds the record at the next dispatch.
 */
export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'erased'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  /** Every reason recorded for the address, in SUPPRESSION_REASONS order. */
  reasons: SuppressionReason[];
  /** When the address was first suppressed (ISO); later reasons never move it. */
  since: string;
}

/** Where suppression records live; functions/adapters/dynamo-suppressions.ts keeps them in the table. */
export interface SuppressionList {
  /**
   * Records `reason` for the address hash: creates the record at `at`, or adds the reason to it (the first
   * date stays). Idempotent.
   */
  add(hash: string, reason: SuppressionReason, at: string): Promise<void>;
  /** The records of those of `hashes` that are suppressed, by hash (any number of hashes, read in batches). */
  find(hashes: readonly string[]): Promise<Map<string, Suppression>>;
}

/** Orders and de-duplicates reasons read back from storage, dropping any this version does not know. */
export const sortedReasons = (reasons: Iterable<string>): SuppressionReason[] => {
  const seen = new Set(reasons);
  return SUPPRESSION_REASONS.filter((r) => seen.has(r));
};

/**
 * The directory as the selection must see it: a customer whose address is suppressed carries it as
 * `unsubscribedAt` (the address unsubscribed) or `suppressedAt` (bounced, complained or erased) from the
 * record's date, unless the item still has its own; so a re-imported customer is left out and counted
 * under the same reason as before their item expired. `suppressionOf` gives the record of a customer's
 * address, if any.
 */
export function withSuppressions(
  directory: readonly DirectoryCustomer[],
  suppressionOf: (c: DirectoryCustomer) => Suppression | undefined,
): DirectoryCustomer[] {
  return directory.map((c) => {
    const s = suppressionOf(c);
    if (!s || c.unsubscribedAt || c.suppressedAt) return c;
    return s.reasons.includes('unsubscribed')
      ? { ...c, unsubscribedAt: s.since }
      : { ...c, suppressedAt: s.since };
  });
}
