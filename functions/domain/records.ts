/*
 * Records keyed by names that come from data: departments, tags, item and level ids, step ids. A plain
 * `{}` answers `hasOwnProperty`, `constructor`, `toString` and `__proto__` from Object.prototype, and
 * `record['__proto__'] = x` replaces its prototype instead of storing anything; so such a record is made
 * with no prototype (`dict`), read with an own-property check (`own`, which also covers records parsed
 * back from JSON or DynamoDB, whose prototype is Object.prototype) and written as an own property
 * (`setOwn`). Where no JSON shape is needed, a Map is simpler still.
 */

/** An empty record with no prototype: every key is the data's own. */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** The record's own value under `key`; never one of Object.prototype's members. */
export const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

/** Stores `value` as the record's own property `key`, even `__proto__` on a record with a prototype. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The value under `key`, created with `make` when the record has none of its own. */
export function slot<T>(record: Record<string, T>, key: string, make: () => T): T {
  if (Object.hasOwn(record, key)) return record[key] as T;
  const created = make();
  setOwn(record, key, created);
  return created;
}

/** Adds `by` to the count under `key`. */
export const addTo = (record: Record<string, number>, key: string, by = 1): void =>
  setOwn(record, key, (own(record, key) ?? 0) + by);

/**
 * Whether a name is one of Object.prototype's (`constructor`, `toString`, `__proto__`…). Ids a programme
 * gives (questionnaire items, levels, campaigns, steps) become keys of stored maps, and DynamoDB's
 * document client cannot store those keys: it refuses a map with an own `constructor` and silently drops
 * `__proto__`. So such ids are refused where the programme is validated.
 */
export const isPrototypeName = (name: string): boolean => Object.hasOwn(Object.prototype, name);

/** Why an id that is one of Object.prototype's names is refused. */
export const PROTOTYPE_NAME =
  'is a name every JavaScript object already has, which the store cannot keep as a key: choose another';

/** Keys DynamoDB's document client cannot store in a map: it refuses the first, silently drops the second. */
export const UNSTORABLE_KEYS = ['constructor', '__proto__'] as const;
