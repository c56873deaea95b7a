/*
 * The programme csat runs: questionnaires and campaigns, as files in the repo (listed in files.ts).
 * Validated once at import, so `cdk synth`, `npm start` and the functions that load it (dispatch, remind)
 * fail fast on a bad file with a message that names the file, the field and what is wrong — including a
 * published questionnaire version edited in place (functions/domain/versions.ts). The report function
 * reads only campaign ids and report periods, off the files synth validated (campaigns.ts).
 */
import { loadProgramme } from '../functions/domain/programme.ts';
import { calendarFiles, campaignFiles, questionnaireFiles, versionLockFile } from './files.ts';

export const programme = loadProgramme({
  questionnaires: questionnaireFiles,
  campaigns: campaignFiles,
  versionLock: versionLockFile,
  calendars: calendarFiles,
});

/** The demo customer directory `npm start` seeds; kept out of the Lambda bundles. */
export async function loadDemoCustomers() {
  const { default: demoCustomers } = await import('./customers/demo.json', { with: { type: 'json' } });
  return loadProgramme({
    questionnaires: {},
    campaigns: {},
    customers: { 'programme/customers/demo.json': demoCustomers },
  }).customers;
}
