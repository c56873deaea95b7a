/*
 * `npm run programme:lock`: records the fingerprint of every questionnaire version not yet in
 * versions.lock.json. It never re-records a locked version: an edited one is reported and the exit code
 * is 1, because waves may already have sent it (functions/domain/versions.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Questionnaire } from '../functions/domain/questionnaire.ts';
import { extendLock, type QuestionnaireFile, VersionLock } from '../functions/domain/versions.ts';
import { questionnaireFiles, VERSION_LOCK_FILE, versionLockFile } from './files.ts';

const files: QuestionnaireFile[] = [];
for (const [file, data] of Object.entries(questionnaireFiles)) {
  const parsed = Questionnaire.safeParse(data);
  if (!parsed.success) {
    console.error(`${file}: not a valid questionnaire, not locked (npm start or npm test says why)`);
    process.exitCode = 1;
    continue;
  }
  files.push({ file, id: parsed.data.id, version: parsed.data.version, data });
}
const { lock, added, changed } = extendLock(files, VersionLock.parse(versionLockFile[VERSION_LOCK_FILE]));
await writeFile(join(import.meta.dirname, '..', VERSION_LOCK_FILE), `${JSON.stringify(lock, null, 2)}\n`);
for (const key of added) console.log(`locked ${key}`);
for (const key of changed) {
  console.error(`${key} has changed since it was locked: put the change in a new version instead`);
  process.exitCode = 1;
}
if (added.length === 0 && changed.length === 0) console.log('every questionnaire version is locked already');
