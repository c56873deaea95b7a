import { describe, expect, it } from 'vitest';
import { rollupEntries } from '../../functions/domain/report/rollup.ts';
import { periodWave, TZ } from './period-fixture.ts';

describe('rollups of an anonymous campaign', () => {
  const { wave, invitations } = periodWave();
  const anonymousWave = { ...wave, campaign: { ...wave.campaign, anonymous: true } };
  const worst = (entries: ReturnType<typeof rollupEntries>) => entries.flatMap((e) => e.tally.worst);

  it('should keep no comment in any tally, only the counts', () => {
    const open = rollupEntries(new Map([[wave.waveId, wave]]), invitations, TZ);
    const anonymous = rollupEntries(new Map([[wave.waveId, anonymousWave]]), invitations, TZ);
    // The fixture has comments, so the test can fail.
    expect(worst(open).length).toBeGreaterThan(0);
    expect(worst(anonymous)).toEqual([]);
    expect(anonymous.map((e) => ({ ...e, tally: { ...e.tally, worst: [] } }))).toEqual(
      open.map((e) => ({ ...e, tally: { ...e.tally, worst: [] } })),
    );
  });
});
