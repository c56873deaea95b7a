import { describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import { targetActionId } from '../../functions/domain/actions/lifecycle.ts';
import type { StoredResponse } from '../../functions/domain/model.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { invitedByOf } from '../../functions/domain/report/rollup.ts';
import { score } from '../../functions/domain/scoring.ts';
import { handler } from '../../functions/handlers/report/index.ts';
import type { PeriodReportResult } from '../../functions/use-cases/period-report.ts';
import { publishedEvents } from '../support/events.ts';
import { lambdaContext, queuedSendJobs, seedInvitation, seedWave, testStore } from '../support/fixtures.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';

/*
 * The report function's part of the closed loop, through its IAM role (test/iam): a closed period whose
 * South department misses the satisfaction rate opens target actions (PutItem), queues their alerts on the
 * send queue (SendMessage) and publishes `Action Opened` on the default bus (PutEvents); report.json shows
 * the period's actions.
 */
const store = testStore();
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);

describe('report handler: target actions of a closed period', () => {
  it('should open the target actions once, queue their alerts and publish their events', async () => {
    // Arrange: the demo campaign's snapshot with a closed loop; South's answers all "dissatisfied".
    const { departmentHeads: _, ...report } = demoCampaign.report;
    const campaign = {
      ...demoCampaign,
      actions: ActionsConfig.parse({
        triggers: { totalBelow: 70 },
        customerService: [{ email: 'cs@example.test' }],
      }),
      report: {
        ...report,
        period: 'month' as const,
        managers: ['gm@example.test'],
        language: 'en' as const,
        departmentHeads: [{ department: 'South', email: 'south@example.test', language: 'en' as const }],
      },
    };
    const customers = ['North', 'South'].map((department, i) => ({
      id: `c${i}`,
      name: `C ${i}`,
      email: `c${i}@example.test`,
      language: 'en' as const,
      department,
    }));
    const wave = await seedWave({
      campaign,
      createdAt: '2025-03-03T01:00:00.000Z',
      deadline: '2025-03-10T01:00:00.000Z',
      questionnaire: itss,
      invited: 2,
      invitedBy: invitedByOf(customers),
    });
    for (const [i, level] of ['very-satisfied', 'dissatisfied'].entries()) {
      const { invitation } = await seedInvitation(wave, {
        customer: customers[i],
        sent: { invite: wave.createdAt },
      });
      const ratings = allAt(level);
      const response: StoredResponse = {
        answeredAt: '2025-03-04T01:00:00.000Z',
        ratings,
        comments: {},
        ...score(itss, ratings),
        language: 'en',
        questionnaireVersion: itss.version,
      };
      expect(await store.saveResponse(invitation.id, response, response.answeredAt, wave)).toBe('stored');
    }

    // Act
    const first = (await handler(
      { campaignId: 'demo', period: '2025-03' },
      lambdaContext(),
    )) as PeriodReportResult;
    const again = (await handler(
      { campaignId: 'demo', period: '2025-03' },
      lambdaContext(),
    )) as PeriodReportResult;

    // Assert
    const opened = 1 + itss.categories.length;
    expect(first.targetActions).toEqual({ opened, verified: 0, reopened: 0 });
    expect(again.targetActions).toEqual({ opened: 0, verified: 0, reopened: 0 });
    const south = await actions.getAction(targetActionId('demo', '2025-03', 'South'));
    expect(south).toMatchObject({ status: 'open', source: { kind: 'target', period: '2025-03' } });
    const jobs = (await queuedSendJobs(process.env.SEND_QUEUE_URL!)) as unknown as Array<{
      actionId: string;
    }>;
    // Two alerts each (South's head, customer service); no send function ran here to claim them, so the
    // re-run queued them again (the send's claim keeps each to one email).
    expect(jobs.filter((j) => j.actionId === south!.id)).toHaveLength(2 * 2);
    expect(jobs).toHaveLength(2 * 2 * opened);
    expect(publishedEvents().filter((e) => e['detail-type'] === 'Action Opened')).toHaveLength(opened);
    // The second run's report.json counts nothing (target actions open after their period).
    const doc = JSON.parse(
      (await new S3Blobs(process.env.BUCKET_NAME!).find(again.keys.json))!,
    ) as PeriodReportDocument;
    expect(doc.actions?.total.opened).toBe(0);
  });
});
