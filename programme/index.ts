/*
 * The programme csat runs: questionnaires and campaigns, as files in the repo.
 * Validated once at import, so `cdk synth`, `npm start` and every Lambda fail fast on a bad file with a
 * message that names the file, the field and what is wrong. Add a file here and import it below.
 */
import { loadProgramme } from '../functions/domain/programme.ts';
import demoCampaign from './campaigns/demo.json' with { type: 'json' };
import itssV1 from './questionnaires/itss-satisfaction.v1.json' with { type: 'json' };
import keyCustomerPointsV1 from './questionnaires/key-customer-points.v1.json' with { type: 'json' };
import productLikertV1 from './questionnaires/product-likert.v1.json' with { type: 'json' };
import supplierPointsTableV1 from './questionnaires/supplier-points-table.v1.json' with { type: 'json' };

export const programme = loadProgramme({
  questionnaires: {
    'programme/questionnaires/itss-satisfaction.v1.json': itssV1,
    // One example per scale kind (seeds 001, 004, 003); no campaign sends them yet.
    'programme/questionnaires/key-customer-points.v1.json': keyCustomerPointsV1,
    'programme/questionnaires/supplier-points-table.v1.json': supplierPointsTableV1,
    'programme/questionnaires/product-likert.v1.json': productLikertV1,
  },
  campaigns: { 'programme/campaigns/demo.json': demoCampaign },
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
