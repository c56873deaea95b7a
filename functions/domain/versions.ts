import { createHash } from 'node:crypto';
import * as z from 'zod';

/*
 * Published questionnaire versions are frozen. A wave snapshots the version it sent, so its responses are
 * always scored and shown against what the customer saw; but if a file were edited in place, later waves
 * would carry different questions under the same version number and reports comparing "v1" across waves
 * would compare different things. So the programme keeps a lock of every version's fingerprint
 * (programme/questionnaires/versions.lock.json): editing a locked version is refused, and a change goes
 * into a new file with the next version number, recorded with `npm run programme:lock`.
 */

/** `id@version` → `sha256:<hex>` of the file's canonical JSON. */
export const VersionLock = z
  .record(z.string(), z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 hex digits'))
  .superRefine((lock, ctx) => {
    // Checked here rather than by the record's key schema, whose own message would hide this one.
    for (const key of Object.keys(lock)) {
      if (!/^[a-z0-9][a-z0-9-]{0,62}@[1-9]\d*$/.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'keys are written questionnaire-id@version' });
      }
    }
  });
export type VersionLock = z.infer<typeof VersionLock>;

export const LOCK_COMMAND = 'npm run programme:lock';

/**
 * JSON with object keys sorted and no whitespace, so re-formatting or re-ordering a file is not a change
 * but any different value is. The raw file is fingerprinted, not the parsed questionnaire, so a new
 * optional field with a default in the schema does not unlock every published version.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function fingerprint(data: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(data)).digest('hex')}`;
}

export interface QuestionnaireFile {
  file: string;
  id: string;
  version: number;
  /** The file's content as read, before validation. */
  data: unknown;
}

/** Problems (file: what is wrong) for each version missing from the lock or changed since it was locked. */
export function checkVersionLock(files: readonly QuestionnaireFile[], lock: VersionLock): string[] {
  const problems: string[] = [];
  for (const { file, id, version, data } of files) {
    const locked = lock[`${id}@${version}`];
    if (locked === undefined) {
      problems.push(
        `${file}: ${id} version ${version} is not in the version lock: run "${LOCK_COMMAND}" to record it`,
      );
    } else if (locked !== fingerprint(data)) {
      problems.push(
        `${file}: ${id} version ${version} has changed since it was locked, and waves may have sent it: ` +
          `undo the change, or put it in a new file with "version": ${version + 1} and run "${LOCK_COMMAND}"`,
      );
    }
  }
  return problems;
}

/**
 * The lock with the versions it lacks added. A locked version whose file changed is not re-recorded:
 * it is listed in `changed` and stays as it was, so the lock can never be used to bless an edit.
 */
export function extendLock(
  files: readonly QuestionnaireFile[],
  lock: VersionLock,
): { lock: VersionLock; added: string[]; changed: string[] } {
  const next: VersionLock = { ...lock };
  const added: string[] = [];
  const changed: string[] = [];
  for (const { id, version, data } of files) {
    const key = `${id}@${version}`;
    const print = fingerprint(data);
    if (next[key] === undefined) {
      next[key] = print;
      added.push(key);
    } else if (next[key] !== print) {
      changed.push(key);
    }
  }
  const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { lock: sorted, added, changed };
}
