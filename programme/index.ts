/*
 * The programme csat runs: questionnaires and campaigns, as files in the repo.
 * Validated once at import, so `cdk synth`, `npm start` and every Lambda fail fast on a bad file with a
 * message that names the file, the field and what is wrong. Add a file here and import it below.
 */
import { loadProgramme } from '../functions/domain/programme.ts';
import afterDeliveryCampaign from './campaigns/after-delivery.json' with { type: 'json' };
import demoCampaign from './campaigns/demo.json' with { type: 'json' };
import itssV1 from './questionnaires/itss-satisfaction.v1.json' with { type: 'json' };

export const programme = loadProgramme({
  questionnaires: { 'programme/questionnaires/itss-satisfaction.v1.json': itssV1 },
  campaigns: {
    'programme/campaigns/demo.json': demoCampaign,
    // Seed 001: surveys 1, 3 and 12 months (the end of the warranty) after each delivery.
    'programme/campaigns/after-delivery.json': afterDeliveryCampaign,
  },
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
