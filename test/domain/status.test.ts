import { describe, expect, it } from 'vitest';
import type { Invitation, Wave } from '../../functions/domain/model.ts';
import { campaignStatus } from '../../functions/domain/status.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { demoCampaign, itss } from '../support/programme.ts';

const wave = (waveId: string, createdAt: string): Wave => ({
  campaignId: 'demo',
  waveId,
  createdAt,
  deadline: '2099-01-01T00:00:00.000Z',
  campaign: demoCampaign,
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
            ratings: {},
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
    expect(status).toMatchObject({ invited: 11, answered: 4 });
    expect(status.returnRate).toBeCloseTo(4 / 11, 12);
    expect(status.departments).toEqual([
      { department: 'east', invited: 6, answered: 3, returnRate: 0.5 },
      { department: 'north', invited: 5, answered: 1, returnRate: 0.2 },
    ]);
    expect(status.waves).toEqual([
      {
        waveId: april.waveId,
        createdAt: april.createdAt,
        deadline: april.deadline,
        invited: 9,
        answered: 4,
        returnRate: 4 / 9,
        departments: [
          { department: 'east', invited: 4, answered: 3, returnRate: 0.75 },
          { department: 'north', invited: 5, answered: 1, returnRate: 0.2 },
        ],
      },
      {
        waveId: january.waveId,
        createdAt: january.createdAt,
        deadline: january.deadline,
        invited: 2,
        answered: 0,
        returnRate: 0,
        departments: [{ department: 'east', invited: 2, answered: 0, returnRate: 0 }],
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
      answered: 0,
      returnRate: 0,
      departments: [],
      waves: [expect.objectContaining({ invited: 0, answered: 0, returnRate: 0, departments: [] })],
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
    expect(status).toMatchObject({ invited: 2, answered: 1, returnRate: 0.5 });
  });

  it('should report a campaign with no wave as all zeros', () => {
    // Act
    const status = campaignStatus([], {});

    // Assert
    expect(status).toEqual({ invited: 0, answered: 0, returnRate: 0, departments: [], waves: [] });
  });
});

describe('getCampaignStatus', () => {
  it('should read the waves and each wave’s invitations through the store', async () => {
    // Arrange
    const w = wave('demo-20250401T0100', '2025-04-01T01:00:00.000Z');
    const asked: string[] = [];
    const store = {
      listWaves: async (campaignId: string) => (campaignId === 'demo' ? [w] : []),
      listInvitations: async (waveId: string) => {
        asked.push(waveId);
        return many(3, waveId, 'east', 2);
      },
    };

    // Act
    const status = await getCampaignStatus({ store }, { campaignId: 'demo' });

    // Assert
    expect(asked).toEqual([w.waveId]);
    expect(status).toMatchObject({ campaignId: 'demo', invited: 3, answered: 2 });
    expect(status.returnRate).toBeCloseTo(2 / 3, 12);
  });
});
