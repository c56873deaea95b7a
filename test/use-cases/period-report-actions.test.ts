import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { composeMime } from '../../functions/adapters/mime.ts';
import { S3Blobs } from '../../functions/adapters/s3-blobs.ts';
import { sesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import type { EmailMessage } from '../../functions/domain/email/message.ts';
import { summarizeActions } from '../../functions/domain/report/actions-summary.ts';
import { parsePeriod } from '../../functions/domain/report/period.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import type { ShownPeriodReport } from '../../functions/domain/report/period-withholding.ts';
import { type ActionReportDeps, actionsOfReports } from '../../functions/use-cases/period-actions.ts';
import {
  generatePeriodReport,
  type PeriodFigures,
  periodKeys,
} from '../../functions/use-cases/period-report.ts';
import { seedWave, testStore } from '../support/fixtures.ts';
import { demoCampaign, itss } from '../support/programme.ts';
import { fixtureActions, REPORT_NOW, reportAction } from '../support/report-actions.ts';

/*
 * The period report's corrective actions (issue 12, "in reports") against the local DynamoDB, S3 and SES:
 * the actions opened in the period are read page by page from the table and summarized in report.json,
 * report.html and the digests, each scope showing only what it may.
 */
const blobs = new S3Blobs(process.env.BUCKET_NAME!);
const store = testStore();
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);
const loop = (): ActionReportDeps => ({
  store: actions,
  queue: { enqueue: async () => {} },
  events: { publish: async () => {} },
  calendars: [],
});
const actionsConfig = ActionsConfig.parse({
  triggers: { totalBelow: 70 },
  customerService: [{ email: 'cs@example.test' }],
  targets: false,
});
const XSS = '<img src=x onerror=alert(1)>';

async function campaignWithActions(seeded: CorrectiveAction[] = []) {
  const { departmentHeads: _, ...demoReport } = demoCampaign.report;
  const campaign = {
    ...demoCampaign,
    id: `pra-${randomUUID().slice(0, 8)}`,
    actions: actionsConfig,
    report: {
      ...demoReport,
      period: 'month' as const,
      managers: ['gm@example.test'],
      language: 'en' as const,
      departmentHeads: [{ department: 'Sales', email: 'sales@example.test', language: 'en' as const }],
    },
  };
  const wave = await seedWave({
    campaign,
    createdAt: '2026-10-05T01:00:00.000Z',
    deadline: '2026-10-19T01:00:00.000Z',
    questionnaire: itss,
    invited: 0,
  });
  for (const a of [
    ...fixtureActions(campaign.id),
    ...seeded.map((s) => ({ ...s, id: `${campaign.id}.${s.id}`, campaignId: campaign.id })),
  ])
    expect(await actions.openAction(a)).toBe(true);
  return wave;
}

function reportDeps(sent: EmailMessage[], withLoop = true) {
  return {
    store,
    blobs,
    mailer: new SesMailer(sesClient(), {}),
    compose: async (message: EmailMessage) => {
      sent.push(message);
      return composeMime(message);
    },
    clock: { now: () => REPORT_NOW },
    links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
    ...(withLoop ? { actions: loop() } : {}),
  };
}

describe('period report with corrective actions (dynalite, s3rver, local SES)', () => {
  it('should show the period’s actions in report.json, report.html and the digests, each scope its own', async () => {
    // Arrange: the fixture, one more (escaped department) and two just outside October in Shanghai.
    const wave = await campaignWithActions([
      reportAction('xss', { department: XSS, openedAt: '2026-10-20T00:00:00.000Z', dueDate: '2026-11-03' }),
      reportAction('before', { openedAt: '2026-09-30T15:59:59.000Z' }), // 23:59:59 on 30 Sep
      reportAction('after', { openedAt: '2026-10-31T16:00:00.000Z' }), // 00:00 on 1 Nov
    ]);
    const sent: EmailMessage[] = [];

    // Act
    const result = await generatePeriodReport(reportDeps(sent), {
      campaignId: wave.campaignId,
      period: '2026-10',
    });

    // Assert: the fixture's hand-computed figures, plus the escaped department's open action.
    const doc = JSON.parse((await blobs.find(result.keys.json))!) as PeriodReportDocument;
    const fixture = summarizeActions(fixtureActions(), REPORT_NOW);
    expect(doc.actions?.total).toEqual({
      ...fixture.total,
      opened: 7,
      stillOpen: 4,
    });
    expect(doc.actions?.departments.map((d) => d.department)).toEqual([
      '<img src=x onerror=alert(1)>',
      'Sales',
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ]);
    expect(doc.actions?.departments[1]).toEqual(fixture.departments[0]);
    const html = (await blobs.find(result.keys.html))!;
    expect(html).toContain('<section id="actions" aria-labelledby="h-actions">');
    expect(html).toContain('<caption>Corrective actions opened in the period, by department</caption>');
    expect(html).toContain('<th scope="row">&lt;img src=x onerror=alert(1)&gt;</th>');
    expect(html).not.toContain(XSS);
    expect(html).toMatch(/<tfoot><tr><th scope="row">Total<\/th><td class="n" data-label="Opened">7<\/td>/);
    // The managers' digest: every department; the head of Sales: Sales only.
    const [gm, head] = sent;
    expect(gm!.to.map((a) => a.address)).toEqual(['gm@example.test']);
    expect(gm!.text).toContain('- constructor: Opened 1');
    expect(gm!.html).not.toContain(XSS);
    expect(head!.to.map((a) => a.address)).toEqual(['sales@example.test']);
    expect(head!.text).toContain(
      '- Sales: Opened 3 · Resolved on time 1 · Resolved late 1 · Overdue 1 · Verified 1 · Reopened 0 · Closed unverified 0 · Still open 1 · Median days to resolve 3.3',
    );
    expect(head!.text).toContain('- Total: Opened 3 ·');
    for (const other of ['__proto__', 'constructor', 'hasOwnProperty', 'img src']) {
      expect(head!.text).not.toContain(other);
      expect(head!.html).not.toContain(other);
    }
    const sales = periodKeys(wave.campaignId, '2026-10', 'Sales');
    const salesDoc = JSON.parse((await blobs.find(sales.json))!) as PeriodReportDocument;
    expect(salesDoc.actions?.departments.map((d) => d.department)).toEqual(['Sales']);
  });

  it('should show no actions without the closed loop', async () => {
    const wave = await campaignWithActions();
    const sent: EmailMessage[] = [];
    const result = await generatePeriodReport(reportDeps(sent, false), {
      campaignId: wave.campaignId,
      period: '2026-10',
    });
    const doc = JSON.parse((await blobs.find(result.keys.json))!) as PeriodReportDocument;
    expect(doc.actions).toBeUndefined();
    expect(await blobs.find(result.keys.html)).not.toContain('id="actions"');
  });

  it('should not name an anonymous campaign’s withheld departments, nor show a withheld department its own', async () => {
    // Arrange: the report shows only Sales (the others are withheld by period-withholding.ts).
    const wave = await campaignWithActions();
    const figures = {
      period: parsePeriod('2026-10'),
      waves: [],
      previous: [],
      latest: { ...wave, campaign: { ...wave.campaign, anonymous: true, minGroupSize: 5 } },
    } as unknown as PeriodFigures;
    const decorate = await actionsOfReports({ actions: loop() }, figures, REPORT_NOW);
    const doc = (department: string | null, scope = false) =>
      ({
        department,
        statistics: { departments: [{ department: 'Sales' }] },
        ...(scope ? { withheld: { scope: true } } : {}),
      }) as unknown as ShownPeriodReport;

    // Act
    const overall = decorate(doc(null)).actions;
    const small = decorate(doc('constructor', true)).actions;
    const shown = decorate(doc('Sales')).actions;

    // Assert
    expect(overall?.departments.map((d) => d.department)).toEqual(['Sales']);
    expect(overall?.withheldDepartments).toBe(3);
    expect(overall?.total.opened).toBe(6);
    expect(JSON.stringify(overall)).not.toMatch(/__proto__|constructor|hasOwnProperty/);
    expect(small).toBeNull();
    expect(shown?.total.opened).toBe(3);
  });
});
