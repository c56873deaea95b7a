import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import type { Invitation, SendJob, Wave } from '../../functions/domain/model.ts';
import type { SurveyStore } from '../../functions/domain/ports.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { responsesCsv } from '../../functions/domain/report/csv.ts';
import { buildReport, reportJson } from '../../functions/domain/report/document.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { remind } from '../../functions/use-cases/remind.ts';
import { generateReport, type ReportDeps, type ReportResult } from '../../functions/use-cases/report.ts';
import { getCampaignStatus } from '../../functions/use-cases/status.ts';
import { programme } from '../../programme/index.ts';
import { answeredWithTotals, reportInvitations, reportWave } from '../domain/report-fixture.ts';
import {
  type SeededInvitation,
  seedCustomers,
  seedInvitation,
  seedWave,
  testStore,
  testSuppressions,
} from '../support/fixtures.ts';
import { demoCampaign } from '../support/programme.ts';

/*
 * Remind, the wave report and `csat status` read a wave a page at a time (issue 13, bounded memory). The
 * store here is the real one (dynalite) behind a wrapper that refuses every whole-wave or whole-directory
 * read and cuts every page down to two items, so the code is seen to go through pages, and across their
 * edges, with a handful of invitations. (Memory itself is measured by `npm run bench`, not here.)
 */
const inner = testStore();
const PAGE = 2;
const BUCKET = process.env.BUCKET_NAME!;
const blobs = new S3Blobs(BUCKET);

async function* small<T>(pages: AsyncIterable<T[]>): AsyncIterable<T[]> {
  for await (const page of pages) for (let i = 0; i < page.length; i += PAGE) yield page.slice(i, i + PAGE);
}

const refused = (name: string) => async (): Promise<never> => {
  throw new Error(`${name}: a whole wave or directory in memory`);
};

/** The store with whole reads refused and pages of PAGE items. */
const paged: SurveyStore = new Proxy(inner, {
  get(target, prop, receiver) {
    switch (prop) {
      case 'listInvitations':
      case 'listCustomers':
      case 'listAnonymousResponses':
      case 'listAnswered':
        return refused(prop);
      case 'invitationPages':
        return (waveId: string) => small(target.invitationPages(waveId));
      case 'anonymousResponsePages':
        return (waveId: string) => small(target.anonymousResponsePages(waveId));
      case 'answeredPages':
        return (campaignId: string, from: string, to: string) =>
          small(target.answeredPages(campaignId, from, to));
      default: {
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
    }
  },
});

let campaigns = 0;
const ownCampaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  ...demoCampaign,
  id: `paged-${randomUUID().slice(0, 8)}-${++campaigns}`,
  ...overrides,
});

describe('remind a page at a time', () => {
  it('should queue what it queued before without reading a whole wave or the directory', async () => {
    // Arrange: five invited on Wed 11 Feb 2026; one unsubscribed since through another wave's link (the
    // directory says so), one answered. The reminder is due on Sat 14 Feb (a make-up working day).
    const campaign = ownCampaign();
    const createdAt = '2026-02-11T01:00:00.000Z';
    const wave = await seedWave({
      campaign,
      createdAt,
      deadline: new Date(Date.parse(createdAt) + 30 * 86_400_000).toISOString(),
    });
    const seeded: SeededInvitation[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `paged-${campaign.id}-${i}`;
      seeded.push(
        await seedInvitation(wave, {
          customer: { id, email: `${id}@example.test` },
          sent: { invite: createdAt },
          ...(i === 4 ? { response: answeredWithTotals(wave, [80])[0]!.response! } : {}),
        }),
      );
    }
    const gone = seeded[1]!.invitation.customer;
    await seedCustomers(seeded.map((s) => s.invitation.customer));
    await inner.unsubscribe(
      (await seedInvitation(await seedWave({ campaign }), { customer: gone })).invitation.id,
      '2026-02-12T03:00:00.000Z',
    );
    const enqueued: SendJob[] = [];

    // Act
    const result = await remind(
      {
        store: paged,
        queue: { enqueue: async (jobs) => void enqueued.push(...jobs) },
        clock: { now: () => new Date('2026-02-14T02:00:00.000Z') },
        calendars: programme.calendars,
        suppressions: testSuppressions(),
      },
      { campaign },
    );

    // Assert
    const summary = result.waves.find((w) => w.waveId === wave.waveId);
    expect(summary).toMatchObject({ queued: { 'remind-1': 3 }, notDue: { unsubscribed: 1, answered: 1 } });
    expect(enqueued.map((j) => j.invitationId).sort()).toEqual(
      [0, 2, 3].map((i) => seeded[i]!.invitation.id).sort(),
    );
  });
});

describe('the wave report a page at a time', () => {
  /** A wave of report-fixture.ts plus answers that share times (page edges fall between them). */
  async function seed(campaign: Campaign): Promise<{ wave: Wave; invitations: Invitation[] }> {
    const wave: Wave = {
      ...reportWave({ waveId: `${campaign.id}-20250401T0100`, managers: ['boss@staff.example'] }),
      campaignId: campaign.id,
    };
    wave.campaign = { ...wave.campaign, ...campaign, report: wave.campaign.report };
    const same = answeredWithTotals(wave, [55, 91, 55, 12, 77]).map((i, k) => ({
      ...i,
      id: `${i.id}-${k}`,
      customer: { ...i.customer, department: k % 2 ? 'South' : '__proto__' },
      response: { ...i.response!, answeredAt: '2025-04-05T10:00:00.000Z' },
    }));
    const invitations = [...reportInvitations(wave), ...same];
    await inner.putWave(wave);
    for (const invitation of invitations) await inner.putInvitation(invitation);
    return { wave, invitations };
  }

  function deps(now: Date): ReportDeps {
    return {
      store: paged,
      blobs,
      mailer: { send: async () => 'message-id' },
      compose: async () => ({ raw: new Uint8Array(), from: 'a@example.com', to: ['b@example.com'] }),
      clock: { now: () => now },
      links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
    };
  }

  it('should write the same report.json, report.html and responses.csv as from all the invitations at once', async () => {
    // Arrange
    const campaign = ownCampaign();
    const { wave, invitations } = await seed(campaign);
    const now = new Date('2025-04-20T00:00:00.000Z');

    // Act
    const result = (await generateReport(deps(now), {
      campaignId: campaign.id,
      waveId: wave.waveId,
    })) as ReportResult;

    // Assert
    const expected = buildReport(wave, invitations, now);
    expect(await blobs.find(result.keys.json)).toBe(reportJson(expected));
    expect(await blobs.find(result.keys.html)).toBe(reportHtml(expected));
    const withoutBom = (text: string | undefined) => text?.replace(/^\ufeff/, '');
    expect(withoutBom(await blobs.find(result.keys.csv))).toBe(withoutBom(responsesCsv(wave, invitations)));
    expect(expected.statistics).toMatchObject({ invited: 11, answered: 8 });
    expect(expected.statistics.departments.map((d) => d.department)).toEqual(['North', 'South', '__proto__']);
  });

  it('should count the same in csat status without a whole-wave read', async () => {
    // Arrange
    const campaign = ownCampaign();
    await seed(campaign);

    // Act
    const status = await getCampaignStatus({ store: paged }, { campaignId: campaign.id });

    // Assert
    expect(status).toMatchObject({ invited: 11, emailed: 11, answered: 8 });
    expect(status.departments.map((d) => [d.department, d.invited, d.answered])).toEqual([
      ['North', 3, 2],
      ['South', 5, 3],
      ['__proto__', 3, 3],
    ]);
  });
});
