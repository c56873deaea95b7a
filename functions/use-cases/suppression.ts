import type { DirectoryCustomer } from '../domain/audience.ts';
import {
  type Suppression,
  type SuppressionList,
  type SuppressionReason,
  withSuppressions,
} from '../domain/suppression.ts';
import { addressHash } from '../domain/token.ts';

/** The suppression records and the key their addresses are hashed with (the link key, token.ts). */
export interface Suppressions {
  list: SuppressionList;
  secret: () => Promise<string>;
}

/** Remembers that `address` must never be surveyed again, and why (idempotent; the first date stays). */
export async function suppressAddress(
  deps: Suppressions,
  address: string,
  reason: SuppressionReason,
  at: string,
): Promise<void> {
  await deps.list.add(addressHash(await deps.secret(), address), reason, at);
}

/** The suppression record of each of `addresses` that has one, by the address as given. */
export async function suppressionsOf(
  deps: Suppressions,
  addresses: readonly string[],
): Promise<Map<string, Suppression>> {
  if (addresses.length === 0) return new Map();
  const secret = await deps.secret();
  const hashes = new Map(addresses.map((a) => [a, addressHash(secret, a)]));
  const found = await deps.list.find([...hashes.values()]);
  const byAddress = new Map<string, Suppression>();
  for (const [address, hash] of hashes) {
    const s = found.get(hash);
    if (s) byAddress.set(address, s);
  }
  return byAddress;
}

/** The directory with each suppressed address's record applied to its customers (domain/suppression.ts). */
export async function applySuppressions(
  deps: Suppressions,
  directory: DirectoryCustomer[],
): Promise<DirectoryCustomer[]> {
  const found = await suppressionsOf(
    deps,
    directory.map((c) => c.email),
  );
  return withSuppressions(directory, (c) => found.get(c.email));
}
