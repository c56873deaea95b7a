import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { campaignStatus } from '../../functions/domain/status.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';

/** The demo campaign as it was before it had return-rate targets. */
const { targets: _, ...untargeted }: Campaign = demoCampaign;

const withTargets = (returnRate: NonNullable<Campaign['targets']>['returnRate']): Campaign => ({
  ...demoCampaign,
  targets: { returnRate },
});

const wave = (waveId: string, createdAt: string, campaign: Campaign = untargeted): Wave => ({
  campaignId: 'demo',
  waveId,
  createdAt,
  deadline: '2099-01-01T00:00:00.000Z',
  campaign,
  questionnaire: itss,
  invited: 0,
});

let n = 0;
const invitation = (waveId: string, department: string, answered: boolean): Invitation => {
  n += 1;
  return {
    id: `inv-${n}`,
    campaignId: 'demo',
    waveId,
    customer: { id: `c${n}`, name: `Customer ${n}`, email: `c${n}@example.com`, language: 'en', department },
    createdAt: '2025-01-01T00:00:00.000Z',
    expiresAt: '2099-01-01T00:00:00.000Z',
    sent: { invite: '2025-01-01T00:00:01.000Z' },
    ...(answered
      ? {
          response: {
            answeredAt: '2025-01-02T00:00:00.000Z',
            ratings: allAt('satisfied'),
            comments: {},
            total: 90,
            grade: 'A',
            language: 'en',
            questionnaireVersion: 1,
          },
        }
      : {}),
  };
};

const many = (count: number, waveId: string, department: string, answered: number): Invitation[] =>
  Array.from({ length: count }, (_, i) => invitation(waveId, department, i < answered));

/** A row of a campaign without return-rate targets. */
const untracked = { target: null, met: null };

describe('campaignStatus', () => {
  it('should count invited, answered and return rate per wave and per department', () => {
    // Arrange: April wave — east 4 invited / 3 answered, north 5 / 1; January wave — east 2 / 0.
    const april = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z');
    const january = wave('demo-20250101T0100', '2025-01-01T01:00:00.000Z');
    const byWave = {
      [april.waveId]: [...many(5, april.waveId, 'north', 1), ...many(4, april.waveId, 'east', 3)],
      [january.waveId]: many(2, january.waveId, 'east', 0),
    };

    // Act
    const status = campaignStatus([april, january], byWave);

    // Assert: overall 11 invited, 4 answered.
    expect(status).toMatchObject({ invited: 11, emailed: 11, answered: 4 });
    expect(status.returnRate).toBe(0.3636);
    expect(status.departments).toEqual([
      { department: 'east', invited: 6, emailed: 6, answered: 3, returnRate: 0.5, ...untracked },
      { department: 'north', invited: 5, emailed: 5, answered: 1, returnRate: 0.2, ...untracked },
    ]);
    expect(status.waves).toEqual([
      {
        waveId: april.waveId,
        createdAt: april.createdAt,
        deadline: april.deadline,
        invited: 9,
        emailed: 9,
        answered: 4,
        returnRate: 0.4444,
        ...untracked,
        departments: [
          { department: 'east', invited: 4, emailed: 4, answered: 3, returnRate: 0.75, ...untracked },
          { department: 'north', invited: 5, emailed: 5, answered: 1, returnRate: 0.2, ...untracked },
        ],
      },
      {
        waveId: january.waveId,
        createdAt: january.createdAt,
        deadline: january.deadline,
        invited: 2,
        emailed: 2,
        answered: 0,
        returnRate: 0,
        ...untracked,
        departments: [
          { department: 'east', invited: 2, emailed: 2, answered: 0, returnRate: 0, ...untracked },
        ],
      },
    ]);
  });

  it('should give a return rate of 0, not NaN, when nobody was invited', () => {
    // Arrange
    const empty = wave('demo-20250701T0100', '2025-07-01T01:00:00.000Z');

    // Act
    const status = campaignStatus([empty], {});

    // Assert
    expect(status).toEqual({
      invited: 0,
      emailed: 0,
      answered: 0,
      returnRate: 0,
      ...untracked,
      departments: [],
      waves: [
        expect.objectContaining({ invited: 0, emailed: 0, answered: 0, returnRate: 0, departments: [] }),
      ],
    });
  });

  it('should ignore invitations of waves it was not given', () => {
    // Arrange
    const listed = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z');

    // Act
    const status = campaignStatus([listed], {
      [listed.waveId]: many(2, listed.waveId, 'east', 1),
      'demo-20240101T0100': many(10, 'demo-20240101T0100', 'east', 10),
    });

    // Assert
    expect(status).toMatchObject({ invited: 2, emailed: 2, answered: 1, returnRate: 0.5 });
  });

  it('should report a campaign with no wave as all zeros', () => {
    // Act
    const status = campaignStatus([], {});

    // Assert
    expect(status).toEqual({
      invited: 0,
      emailed: 0,
      answered: 0,
      returnRate: 0,
      ...untracked,
      departments: [],
      waves: [],
    });
  });
});

describe('campaignStatus against return-rate targets', () => {
  it('should measure each department against its own target, else the default, counting the target itself as met', () => {
    // Arrange: seed 000's units — north 10 %, east 50 %; south and west take the 30 % default.
    const campaign = withTargets({ default: 0.3, departments: { north: 0.1, east: 0.5 } });
    const w = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z', campaign);
    const invitations = [
      ...many(10, w.waveId, 'north', 1), // 1/10 = 10 % against 10 %: met (seed 000: "含10%")
      ...many(4, w.waveId, 'east', 1), // 1/4 = 25 % against 50 %: missed
      ...many(10, w.waveId, 'south', 3), // 3/10 = 30 % against the 30 % default: met
      ...many(5, w.waveId, 'west', 1), // 1/5 = 20 % against the 30 % default: missed
    ];

    // Act
    const status = campaignStatus([w], { [w.waveId]: invitations });

    // Assert: overall 6/29 ≈ 20.7 % against the default 30 %: missed.
    const departments = [
      { department: 'east', invited: 4, emailed: 4, answered: 1, returnRate: 0.25, target: 0.5, met: false },
      { department: 'north', invited: 10, emailed: 10, answered: 1, returnRate: 0.1, target: 0.1, met: true },
      { department: 'south', invited: 10, emailed: 10, answered: 3, returnRate: 0.3, target: 0.3, met: true },
      { department: 'west', invited: 5, emailed: 5, answered: 1, returnRate: 0.2, target: 0.3, met: false },
    ];
    expect(status).toMatchObject({
      invited: 29,
      emailed: 29,
      answered: 6,
      target: 0.3,
      met: false,
      departments,
    });
    expect(status.returnRate).toBe(0.2069);
    expect(status.waves[0]).toMatchObject({
      invited: 29,
      emailed: 29,
      answered: 6,
      target: 0.3,
      met: false,
      departments,
    });
  });

  it('should leave the overall row and departments without their own target untracked when there is no default', () => {
    // Arrange
    const campaign = withTargets({ departments: { north: 0.1 } });
    const w = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z', campaign);

    // Act
    const status = campaignStatus([w], {
      [w.waveId]: [...many(10, w.waveId, 'north', 0), ...many(2, w.waveId, 'east', 2)],
    });

    // Assert
    expect(status).toMatchObject({ target: null, met: null });
    expect(status.departments).toEqual([
      { department: 'east', invited: 2, emailed: 2, answered: 2, returnRate: 1, target: null, met: null },
      { department: 'north', invited: 10, emailed: 10, answered: 0, returnRate: 0, target: 0.1, met: false },
    ]);
  });

  it('should measure each wave against the targets it was sent with and the totals against the newest wave’s', () => {
    // Arrange: the campaign got targets between January and April; the waves come oldest first.
    const january = wave('demo-20250101T0100', '2025-01-01T01:00:00.000Z');
    const april = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z', withTargets({ default: 0.5 }));
    const byWave = {
      [january.waveId]: many(4, january.waveId, 'east', 1),
      [april.waveId]: many(4, april.waveId, 'east', 3),
    };

    // Act
    const status = campaignStatus([january, april], byWave);

    // Assert: January 1/4 untracked; April 3/4 against 50 %; together 4/8 = 50 % against 50 %.
    expect(status.waves.map((w) => [w.waveId, w.target, w.met])).toEqual([
      [january.waveId, null, null],
      [april.waveId, 0.5, true],
    ]);
    expect(status.waves[0]!.departments[0]).toMatchObject({ target: null, met: null });
    expect(status).toMatchObject({
      invited: 8,
      emailed: 8,
      answered: 4,
      returnRate: 0.5,
      target: 0.5,
      met: true,
    });
    expect(status.departments).toEqual([
      { department: 'east', invited: 8, emailed: 8, answered: 4, returnRate: 0.5, target: 0.5, met: true },
    ]);
  });

  it('should not judge a wave nobody was invited to yet', () => {
    // Arrange
    const w = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z', withTargets({ default: 0.3 }));

    // Act
    const status = campaignStatus([w], {});

    // Assert: a target, but no rate to hold against it.
    expect(status).toMatchObject({ invited: 0, returnRate: 0, target: 0.3, met: null });
  });

  it('should call a target met exactly when answered / invited reaches it, as whole-number arithmetic says', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 100 }),
        (invited, answeredRaw, percent) => {
          // Arrange: a target in whole percent, as programme files write them (0.1, 0.3, 0.07).
          const answered = answeredRaw % (invited + 1);
          const campaign = withTargets({ default: percent / 100 });
          const w = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z', campaign);
          const invitations = many(invited, w.waveId, 'east', answered);

          // Act
          const status = campaignStatus([w], { [w.waveId]: invitations });

          // Assert
          expect(status.met).toBe(answered * 100 >= percent * invited);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('getCampaignStatus', () => {
  it('should read the waves and each wave’s invitations through the store, a page at a time', async () => {
    // Arrange: two pages; a whole-wave read would fail.
    const w = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z');
    const asked: string[] = [];
    const store = {
      listWaves: async (campaignId: string) => (campaignId === 'demo' ? [w] : []),
      invitationPages: async function* (waveId: string) {
        asked.push(waveId);
        const all = many(3, waveId, 'east', 2);
        yield all.slice(0, 2);
        yield all.slice(2);
      },
      anonymousResponsePages: async function* () {},
      listInvitations: async () => {
        throw new Error('a whole wave in memory');
      },
    };

    // Act
    const status = await getCampaignStatus({ store }, { campaignId: 'demo' });

    // Assert
    expect(asked).toEqual([w.waveId]);
    expect(status).toMatchObject({ campaignId: 'demo', invited: 3, emailed: 3, answered: 2 });
    expect(status.returnRate).toBe(0.6667);
  });
});
