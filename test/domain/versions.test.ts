import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import {
  canonicalJson,
  checkVersionLock,
  extendLock,
  fingerprint,
  type QuestionnaireFile,
} from '../../functions/domain/versions.ts';
import { questionnaireFiles, VERSION_LOCK_FILE, versionLockFile } from '../../programme/files.ts';

const ITSS_FILE = 'programme/questionnaires/itss-satisfaction.v1.json';
const itssData = questionnaireFiles[ITSS_FILE] as Record<string, unknown>;
const lock = versionLockFile[VERSION_LOCK_FILE] as Record<string, string>;

/** The shipped questionnaire with one label reworded: the edit a quality team might make in place. */
function reworded(): Record<string, unknown> {
  const copy = structuredClone(itssData) as { title: Record<string, string> };
  copy.title.en = 'Customer satisfaction questionnaire';
  return copy;
}

const entry = (data: unknown, version = 1): QuestionnaireFile => ({
  file: 'q.json',
  id: 'itss-satisfaction',
  version,
  data,
});

describe('canonicalJson', () => {
  it('should not depend on the order of object keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });

  it('should tell different values apart', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        // Same canonical text only if they are the same value up to key order.
        if (canonicalJson(a) === canonicalJson(b)) {
          expect(JSON.parse(canonicalJson(a))).toEqual(JSON.parse(canonicalJson(b)));
        }
      }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it('should ignore whitespace and key order of a re-formatted file', () => {
    const reformatted = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(itssData).reverse())));
    expect(fingerprint(reformatted)).toBe(fingerprint(itssData));
  });
});

describe('checkVersionLock', () => {
  it('should accept the shipped questionnaire against the shipped lock', () => {
    expect(checkVersionLock([entry(itssData)], lock)).toEqual([]);
  });

  it('should refuse a locked version edited in place, naming the file and the next version', () => {
    const problems = checkVersionLock([entry(reworded())], lock);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^q\.json: itss-satisfaction version 1 has changed since it was locked/);
    expect(problems[0]).toContain('"version": 2');
  });

  it('should refuse a version missing from the lock and say how to record it', () => {
    expect(checkVersionLock([entry(reworded(), 3)], lock)).toEqual([
      'q.json: itss-satisfaction version 3 is not in the version lock: run "npm run programme:lock" to record it',
    ]);
  });
});

describe('extendLock', () => {
  it('should add new versions and never re-record a changed one', () => {
    const v3 = { ...reworded(), version: 3 };
    const out = extendLock([entry(reworded()), entry(v3, 3)], lock);
    expect(out.added).toEqual(['itss-satisfaction@3']);
    expect(out.changed).toEqual(['itss-satisfaction@1']);
    expect(out.lock['itss-satisfaction@1']).toBe(lock['itss-satisfaction@1']);
    expect(out.lock['itss-satisfaction@3']).toBe(fingerprint(v3));
    expect(checkVersionLock([entry(v3, 3)], out.lock)).toEqual([]);
  });

  it('should leave a complete lock as it is', () => {
    expect(extendLock([entry(itssData)], lock)).toEqual({ lock, added: [], changed: [] });
  });
});

describe('loadProgramme with a version lock', () => {
  const files = (q: unknown, versionLock: unknown) => ({
    questionnaires: { [ITSS_FILE]: q },
    campaigns: {},
    versionLock: { 'versions.lock.json': versionLock },
  });

  it('should load the shipped files', () => {
    expect(loadProgramme(files(itssData, lock)).questionnaires).toHaveLength(1);
  });

  it('should refuse an edited published version with the file and the fix', () => {
    expect(() => loadProgramme(files(reworded(), lock))).toThrow(ProgrammeError);
    expect(() => loadProgramme(files(reworded(), lock))).toThrow(
      `${ITSS_FILE}: itss-satisfaction version 1 has changed since it was locked`,
    );
  });

  it('should refuse a malformed lock file naming the bad entry', () => {
    expect(() => loadProgramme(files(itssData, { 'itss-satisfaction@1': 'md5:abc' }))).toThrow(
      /versions\.lock\.json: itss-satisfaction@1: must be sha256/,
    );
    expect(() => loadProgramme(files(itssData, { itss: lock['itss-satisfaction@1'] }))).toThrow(
      /keys are written questionnaire-id@version/,
    );
    expect(() => loadProgramme(files(itssData, []))).toThrow(/versions\.lock\.json/);
  });
});
