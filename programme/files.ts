/*
 * The programme's files as they are, before validation: questionnaires, campaigns, holiday calendars.
 * Add a file here.
 * `programme/index.ts` validates them; `programme/lock.ts` fingerprints the questionnaires.
 */
import cnMainland from './calendars/cn-mainland.json' with { type: 'json' };
import afterDeliveryCampaign from './campaigns/after-delivery.json' with { type: 'json' };
import demoCampaign from './campaigns/demo.json' with { type: 'json' };
import itssV1 from './questionnaires/itss-satisfaction.v1.json' with { type: 'json' };
import itssV2 from './questionnaires/itss-satisfaction.v2.json' with { type: 'json' };
import keyCustomerPointsV1 from './questionnaires/key-customer-points.v1.json' with { type: 'json' };
import productLikertV1 from './questionnaires/product-likert.v1.json' with { type: 'json' };
import supplierPointsTableV1 from './questionnaires/supplier-points-table.v1.json' with { type: 'json' };
import versionLock from './questionnaires/versions.lock.json' with { type: 'json' };

export const questionnaireFiles: Record<string, unknown> = {
  'programme/questionnaires/itss-satisfaction.v1.json': itssV1,
  // v2: only the first item (the emails' one-click question) is required, so one tap can submit.
  'programme/questionnaires/itss-satisfaction.v2.json': itssV2,
  // One example per scale kind (seeds 001, 004, 003); no campaign sends them yet.
  'programme/questionnaires/key-customer-points.v1.json': keyCustomerPointsV1,
  'programme/questionnaires/supplier-points-table.v1.json': supplierPointsTableV1,
  'programme/questionnaires/product-likert.v1.json': productLikertV1,
};

export const campaignFiles: Record<string, unknown> = {
  'programme/campaigns/demo.json': demoCampaign,
  // Seed 001: surveys 1, 3 and 12 months (the end of the warranty) after each delivery.
  'programme/campaigns/after-delivery.json': afterDeliveryCampaign,
};

export const VERSION_LOCK_FILE = 'programme/questionnaires/versions.lock.json';
export const versionLockFile: Record<string, unknown> = { [VERSION_LOCK_FILE]: versionLock };

export const calendarFiles: Record<string, unknown> = {
  'programme/calendars/cn-mainland.json': cnMainland,
};
