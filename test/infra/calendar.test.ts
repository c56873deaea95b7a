import { describe, expect, it } from 'vitest';
import { exposureWarning, unofficialExposures } from '../../functions/domain/calendar-exposure.ts';
import { EXECUTE_API_LINKS_WARNING } from '../../lib/api.ts';
import { reservedSenderWarning } from '../../lib/csat-app.ts';
import { programme } from '../../programme/index.ts';
import { synthCsat } from './synth.ts';

/*
 * `cdk synth` 90 days before a year the holiday calendar has no notice for: it warns, once per campaign
 * whose reminders count working days, between the reserved-sender and the execute-api warnings.
 */
describe('synth: reminders on a year without the official holiday notice', () => {
  it('should warn for each campaign with reminders when the next 90 days reach 2027', () => {
    // Arrange: 2 December 2026; 90 days later is 2 March 2027. The file has notices for 2025 and 2026.
    const now = new Date('2026-12-02T08:00:00Z');

    // Act
    const { warnings } = synthCsat({}, { now });

    // Assert
    const calendar = unofficialExposures(programme, now).map((e) => `WARNING ${exposureWarning(e)}`);
    expect(calendar).toHaveLength(2);
    expect(warnings).toEqual([
      `WARNING ${reservedSenderWarning('example.com')}`,
      ...calendar,
      `WARNING ${EXECUTE_API_LINKS_WARNING}`,
    ]);
    expect(calendar[1]).toContain(
      'campaign after-delivery counts reminders by calendar "cn-mainland", which has no official notice for 2027: ' +
        'it counts 2027-01-01–2027-03-02 by the statutory holidays computed from the law (provisional',
    );
    expect(calendar[0]).toMatch(/campaign demo counts reminders/);
  });
});
