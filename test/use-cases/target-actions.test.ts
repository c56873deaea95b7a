import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { eventBridgeClient } from '../../functions/adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge-publisher.ts';
import { composeMime } from '../../functions/adapters/mime.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { sesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import { resolve, targetActionId } from '../../functions/domain/actions/lifecycle.ts';
import type { ActionSendJob, CorrectiveAction } from '../../functions/domain/actions/model.ts';
import type { StoredResponse, Wave } from '../../functions/domain/model.ts';
import { invitedByOf } from '../../functions/domain/report/rollup.ts';
import { score } from '../../functions/domain/scoring.ts';
import { generatePeriodReport } from '../../functions/use-cases/period-report.ts';
import { programme } from '../../programme/index.ts';
import { publishedEvents } from '../support/events.ts';
import { seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';

/*
 * Target actions (seed 000 §6 ②) on the emulators: a closed month in which South misses the satisfaction
 * rate (every item rated "dissatisfied") opens one action for South and one per item, owned by South's
 * head, with their alerts queued and `Action Opened` published; a re-run opens nothing. The next month
 * judges the resolved ones: an item that meets the target again is verified, South (still missing) reopened.
 */
const blobs = new S3Blobs(process.env.BUCKET_NAME!);
const store = testStore();
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);

function deps(now: Date, queued: ActionSendJob[]) {
  return {
    store,
    blobs,
    mailer: new SesMailer(sesClient(), {}),
    compose: composeMime,
    clock: { now: () => now },
    links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
    actions: {
      store: actions,
      queue: { enqueue: async (jobs: ActionSendJob[]) => void queued.push(...jobs) },
      events: new EventBridgePublisher(eventBridgeClient()),
      calendars: programme.calendars,
    },
  };
}

async function month(
  campaign: Wave['campaign'],
  createdAt: string,
  rows: Array<{ department: string; ratings: Record<string, string> }>,
) {
  const customers = rows.map((r, i) => ({
    id: `c${createdAt.slice(5, 7)}-${i}`,
    name: `C ${i}`,
    email: `c${i}@example.test`,
    language: 'en' as const,
    department: r.department,
  }));
  const wave = await seedWave({
    campaign,
    createdAt,
    deadline: new Date(Date.parse(createdAt) + 7 * 86_400_000).toISOString(),
    questionnaire: itss,
    invited: rows.length,
    invitedBy: invitedByOf(customers),
  });
  for (const [i, r] of rows.entries()) {
    const { invitation } = await seedInvitation(wave, {
      customer: customers[i],
      sent: { invite: createdAt },
    });
    const at = new Date(Date.parse(createdAt) + 3_600_000).toISOString();
    const response: StoredResponse = {
      answeredAt: at,
      ratings: r.ratings,
      comments: {},
      ...score(itss, r.ratings),
      language: 'en',
      questionnaireVersion: itss.version,
    };
    expect(await store.saveResponse(invitation.id, response, at, wave)).toBe('stored');
  }
  return wave;
}

describe('target actions of a closed period (dynalite, s3rver, local SES and EventBridge)', () => {
  it('should open one action per missing department and item once, then verify or reopen them by the next period', async () => {
    // Arrange: October: North all very satisfied, South all dissatisfied.
    const { departmentHeads: _, ...demoReport } = demoCampaign.report;
    const campaign = {
      ...demoCampaign,
      id: `ta-${randomUUID().slice(0, 8)}`,
      actions: ActionsConfig.parse({
        triggers: { totalBelow: 70 },
        customerService: [{ email: 'cs@example.test' }],
        calendar: 'cn-mainland',
      }),
      report: {
        ...demoReport,
        period: 'month' as const,
        managers: ['gm@example.test'],
        language: 'en' as const,
        departmentHeads: [{ department: 'South', email: 'south@example.test', language: 'en' as const }],
      },
    };
    const north = { department: 'North', ratings: allAt('very-satisfied') };
    const south = { department: 'South', ratings: allAt('dissatisfied') };
    await month(campaign, '2026-10-05T01:00:00.000Z', [north, north, south, south]);
    const queued: ActionSendJob[] = [];
    const november = new Date('2026-11-02T02:00:00.000Z');

    // Act: October reported twice.
    const first = await generatePeriodReport(deps(november, queued), {
      campaignId: campaign.id,
      period: '2026-10',
    });
    expect(
      await actions.claimNotice(
        targetActionId(campaign.id, '2026-10', 'South'),
        'alert.0.0',
        november.toISOString(),
      ),
    ).toBeDefined();
    const again = await generatePeriodReport(deps(november, queued), {
      campaignId: campaign.id,
      period: '2026-10',
    });

    // Assert: South's own action (satisfaction rate 0 < 0.95) and one per item (7), none for North.
    const items = itss.categories.map((c) => c.id);
    expect(first.targetActions).toEqual({ opened: 1 + items.length, verified: 0, reopened: 0 });
    expect(again.targetActions).toEqual({ opened: 0, verified: 0, reopened: 0 });
    const southAction = (await actions.getAction(targetActionId(campaign.id, '2026-10', 'South')))!;
    expect(southAction).toMatchObject({
      status: 'open',
      department: 'South',
      source: { kind: 'target', period: '2026-10' },
      reasons: [{ kind: 'target', measure: 'satisfaction-rate', actual: 0, target: 0.95 }],
      owners: [{ email: 'south@example.test', language: 'en' }],
      notify: [{ email: 'cs@example.test', language: 'en' }],
    });
    const quality = (await actions.getAction(targetActionId(campaign.id, '2026-10', 'South', 'quality')))!;
    expect(quality.reasons).toEqual([
      { kind: 'target', measure: 'item-satisfaction', actual: 0, target: 0.95, item: 'quality' },
    ]);
    expect(await actions.getAction(targetActionId(campaign.id, '2026-10', 'North'))).toBeUndefined();
    // Two alerts per action (South's head and customer service); the re-run queues again only what was
    // not sent yet (claimed by the send function): here South's first alert was.
    expect(queued).toHaveLength(2 * 2 * (1 + items.length) - 1);
    expect(queued.filter((j) => j.actionId === southAction.id)).toEqual([
      { actionId: southAction.id, notice: 'alert', round: 0, recipient: 0 },
      { actionId: southAction.id, notice: 'alert', round: 0, recipient: 1 },
      { actionId: southAction.id, notice: 'alert', round: 0, recipient: 1 },
    ]);
    const opened = publishedEvents().filter(
      (e) =>
        e['detail-type'] === 'Action Opened' &&
        (e.detail as { campaignId?: string }).campaignId === campaign.id,
    );
    expect(opened).toHaveLength(1 + items.length);

    // Arrange: South's own action and its quality item resolved; November: South's quality very satisfied,
    // every other item still dissatisfied (the satisfaction rate stays below 0.95).
    const resolved = (a: CorrectiveAction) =>
      resolve(a, 'south@example.test', new Date('2026-11-10T02:00:00.000Z'), {
        rootCause: 'late parts',
        actionTaken: 'new supplier',
      });
    expect(await actions.apply(southAction.id, resolved(southAction))).toBeDefined();
    expect(await actions.apply(quality.id, resolved(quality))).toBeDefined();
    const better = { department: 'South', ratings: { ...allAt('dissatisfied'), quality: 'very-satisfied' } };
    await month(campaign, '2026-11-05T01:00:00.000Z', [north, north, better, better]);
    queued.length = 0;

    // Act
    const next = await generatePeriodReport(deps(new Date('2026-12-02T02:00:00.000Z'), queued), {
      campaignId: campaign.id,
      period: '2026-11',
    });

    // Assert: quality verified, South reopened with a new due date; the still-open item actions untouched.
    expect(next.targetActions).toMatchObject({ verified: 1, reopened: 1 });
    expect(await actions.getAction(quality.id)).toMatchObject({ status: 'verified' });
    const reopened = (await actions.getAction(southAction.id))!;
    expect(reopened).toMatchObject({ status: 'reopened', round: 1 });
    expect(reopened.dueDate > southAction.dueDate).toBe(true);
    expect(reopened.history.at(-1)).toMatchObject({ event: 'reopened', by: 'csat' });
    const judged = publishedEvents().filter(
      (e) => (e.detail as { actionId?: string }).actionId === southAction.id,
    );
    expect(judged.map((e) => e['detail-type'])).toEqual(['Action Opened', 'Action Reopened']);
    expect(queued.filter((j) => j.notice === 'reopened')).toEqual([
      { actionId: southAction.id, notice: 'reopened', round: 1, recipient: 0 },
      { actionId: southAction.id, notice: 'reopened', round: 1, recipient: 1 },
    ]);
    expect(await actions.getAction(targetActionId(campaign.id, '2026-10', 'South', 'price'))).toMatchObject({
      status: 'open',
    });
  });
});
