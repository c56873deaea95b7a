import { randomUUID } from 'node:crypto';
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import {
  ActionEventDetail,
  DETAIL_TYPES,
  ResponseSubmittedDetail,
} from '../../functions/domain/actions/events.ts';
import { responseActionId } from '../../functions/domain/actions/lifecycle.ts';
import { recipientOf, verifyActionLink } from '../../functions/domain/actions/links.ts';
import type { ActionSendJob } from '../../functions/domain/actions/model.ts';
import { anonymousResponseId } from '../../functions/domain/anonymity.ts';
import type { Wave } from '../../functions/domain/model.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { handler as send } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { publishedEvents } from '../support/events.ts';
import {
  type HttpResult,
  httpEvent,
  lambdaContext,
  queuedSendJobs,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
  testStore,
} from '../support/fixtures.ts';
import { allAt, demoCampaign, MIXED, ratingFields } from '../support/programme.ts';

/*
 * Instant alerts end to end (issue 12): the real survey-page handler stores a response, opens its action
 * and queues the alerts; the real send handler sends them (twice, as a redelivering queue would), into the
 * local SES mailbox. Each test gets its own addresses: the mailbox is shared by every test file.
 */
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const SECRET = process.env.TOKEN_SECRET!;
const QUEUE = process.env.SEND_QUEUE_URL!;
const store = testStore();
const actions = new DynamoActions(documentClient(), process.env.TABLE_NAME!);

let runs = 0;
/** A campaign like the demo one, with this test's own heads, customer service and managers. */
function campaign(overrides: Partial<Campaign> = {}) {
  const tag = `${randomUUID().slice(0, 8)}-${++runs}`;
  const people = {
    northEn: `north-en-${tag}@staff.example`,
    northZh: `north-zh-${tag}@staff.example`,
    south: `south-${tag}@staff.example`,
    service: `service-${tag}@staff.example`,
    manager: `manager-${tag}@staff.example`,
  };
  const c: Campaign = {
    ...demoCampaign,
    report: {
      ...demoCampaign.report,
      managers: [people.manager],
      departmentHeads: [
        { department: 'north-region', email: people.northEn, language: 'en' },
        { department: 'north-region', email: people.northZh },
        { department: 'south-region', email: people.south, language: 'en' },
      ],
    },
    actions: { ...demoCampaign.actions!, customerService: [{ email: people.service }] },
    publishResponses: true,
    ...overrides,
  };
  return { campaign: c, people };
}

async function mailTo(to: string): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.includes(to));
}

async function parse(message: StoredMessage): Promise<ParsedMail> {
  const raw = await fetch(`${SES}/api/messages/${encodeURIComponent(message.id)}/raw`);
  return simpleParser(Buffer.from(await raw.arrayBuffer()));
}

const post = async (token: string, form: Record<string, string>): Promise<HttpResult> =>
  (await surveyPage(httpEvent('POST /s/{token}', { token, form }), lambdaContext())) as HttpResult;

/** The form as our page sends it back (language and wave named: the submit's fast path). */
const formOf = (wave: Wave, ratings: Record<string, string>, extra: Record<string, string> = {}) => ({
  lang: 'en',
  wave: `${wave.campaignId}/${wave.waveId}`,
  ...ratingFields(ratings),
  ...extra,
});

/** Every job on this file's send queue, sent through the real send handler twice (a redelivery). */
async function sendQueued(): Promise<ActionSendJob[]> {
  const jobs = (await queuedSendJobs(QUEUE)) as unknown as ActionSendJob[];
  for (let round = 0; round < 2; round++) {
    const result = await send(sqsEvent(...jobs.map((j) => sqsRecord(j))), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
  }
  return jobs;
}

const eventsOf = (detailType: string) =>
  publishedEvents()
    .filter((e) => e['detail-type'] === detailType)
    .map((e) => e.detail as Record<string, unknown>);

describe('alerts: a dissatisfied response reaches its department at once', () => {
  it('should email each head of the department and customer service once, in their language, with a working link', async () => {
    const { campaign: c, people } = campaign();
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const { invitation, surveyToken } = await seedInvitation(wave, {
      customer: {
        department: 'north-region',
        language: 'en',
        name: 'Eve <b>Evil</b>',
        email: `customer-${randomUUID().slice(0, 8)}@example.test`,
      },
    });

    const res = await post(
      surveyToken,
      formOf(wave, allAt('very-dissatisfied'), {
        'c-dissatisfaction': 'A complaint: <script>alert(1)</script>',
      }),
    );

    expect(res.statusCode).toBe(200);
    const actionId = responseActionId(invitation.id);
    const action = await actions.getAction(actionId);
    expect(action).toMatchObject({
      status: 'open',
      department: 'north-region',
      customer: { name: 'Eve <b>Evil</b>', email: invitation.customer.email },
      source: { kind: 'response', waveId: wave.waveId, invitationId: invitation.id },
    });
    expect(action?.reasons.map((r) => r.kind)).toEqual([
      'total-below',
      ...wave.questionnaire.categories.map(() => 'rating'),
      'keyword',
    ]);
    const jobs = await sendQueued();
    expect(jobs).toEqual([0, 1, 2].map((recipient) => ({ actionId, notice: 'alert', round: 0, recipient })));

    const expected = [
      { to: people.northEn, ref: 'o0', subject: /^Action needed: Quarterly customer satisfaction survey/ },
      { to: people.northZh, ref: 'o1', subject: /^【需处理】季度客户满意度调查/ },
      { to: people.service, ref: 'n0', subject: /^【需处理】季度客户满意度调查/ },
    ];
    for (const e of expected) {
      const [message, ...more] = await mailTo(e.to);
      expect(more).toHaveLength(0);
      const mail = await parse(message!);
      expect(mail.subject).toMatch(e.subject);
      expect(mail.from?.value[0]?.address).toBe(c.sender.from);
      // The customer to contact, the answer with its labels, the comment: escaped in HTML, as is in text.
      expect(mail.text).toContain('Eve <b>Evil</b>');
      expect(mail.text).toContain(invitation.customer.email);
      expect(mail.text).toContain('<script>alert(1)</script>');
      expect(mail.html).not.toMatch(/<script|<b>Evil/);
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.text).toContain(e.ref === 'o0' ? '- Quality: Very dissatisfied' : '- 质量: 非常不满意');
      // The link opens this action as this recipient, nothing else.
      const token = /\/a\/([^\s"<>?]+)/.exec(mail.text ?? '')?.[1];
      const link = verifyActionLink(SECRET, token, new Date());
      expect(link).toEqual({ actionId, ref: e.ref });
      expect(recipientOf(action!, link!.ref)?.email).toBe(e.to);
    }
    // No other department's head, no manager.
    expect(await mailTo(people.south)).toHaveLength(0);
    expect(await mailTo(people.manager)).toHaveLength(0);
  });

  it('should open one action and send one set of alerts for 20 concurrent submits of one form', async () => {
    const { campaign: c, people } = campaign();
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const { invitation, surveyToken } = await seedInvitation(wave, {
      customer: { department: 'south-region' },
    });
    const form = formOf(wave, allAt('dissatisfied'));

    const results = await Promise.all(Array.from({ length: 20 }, () => post(surveyToken, form)));

    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const jobs = await sendQueued();
    expect(jobs).toHaveLength(2);
    expect(await mailTo(people.south)).toHaveLength(1);
    expect(await mailTo(people.service)).toHaveLength(1);
    expect(await mailTo(people.northEn)).toHaveLength(0);
    const actionId = responseActionId(invitation.id);
    expect(eventsOf(DETAIL_TYPES.actionOpened).filter((d) => d.actionId === actionId)).toHaveLength(1);
    expect(
      eventsOf(DETAIL_TYPES.responseSubmitted).filter((d) => d.invitationId === invitation.id),
    ).toHaveLength(1);
  });

  it('should publish events of the documented shape that carry no personal data', async () => {
    const { campaign: c } = campaign();
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const name = `Name-${randomUUID()}`;
    const comment = `Comment-${randomUUID()} complaint`;
    const { invitation, surveyToken } = await seedInvitation(wave, { customer: { name, language: 'en' } });
    const happy = await seedInvitation(wave);

    await post(surveyToken, formOf(wave, MIXED, { 'c-dissatisfaction': comment }));
    await post(happy.surveyToken, formOf(wave, allAt('very-satisfied')));

    const submitted = eventsOf(DETAIL_TYPES.responseSubmitted);
    const mine = submitted.filter((d) => d.invitationId === invitation.id);
    expect(mine).toHaveLength(1);
    const detail = ResponseSubmittedDetail.parse(mine[0]);
    expect(detail).toMatchObject({
      campaignId: c.id,
      waveId: wave.waveId,
      anonymous: false,
      department: 'east-region',
      total: 77,
      grade: 'C',
      flagged: false,
      actionId: responseActionId(invitation.id),
    });
    const opened = eventsOf(DETAIL_TYPES.actionOpened).filter((d) => d.actionId === detail.actionId);
    expect(opened).toHaveLength(1);
    expect(ActionEventDetail.parse(opened[0])).toMatchObject({ status: 'open', by: 'csat', round: 0 });
    // Every response is published, an action or not.
    const other = submitted.find((d) => d.invitationId === happy.invitation.id);
    expect(ResponseSubmittedDetail.parse(other)).not.toHaveProperty('actionId');
    const all = JSON.stringify(publishedEvents());
    for (const pii of [name, comment, invitation.customer.email, happy.invitation.customer.email]) {
      expect(all).not.toContain(pii);
    }
    await queuedSendJobs(QUEUE);
  });

  it('should cost a content answer nothing more when the campaign does not publish every response', async () => {
    const { campaign: c } = campaign({ publishResponses: undefined });
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const happy = await seedInvitation(wave);
    const unhappy = await seedInvitation(wave);
    const before = publishedEvents().length;

    await post(happy.surveyToken, formOf(wave, allAt('very-satisfied')));
    await post(unhappy.surveyToken, formOf(wave, allAt('very-dissatisfied')));

    // Only the unhappy answer's action is published; the happy one wrote its response and nothing else.
    const published = publishedEvents().slice(before);
    expect(published.map((e) => e['detail-type'])).toEqual([DETAIL_TYPES.actionOpened]);
    expect((published[0]?.detail as { actionId?: string } | undefined)?.actionId).toBe(
      responseActionId(unhappy.invitation.id),
    );
    expect(await actions.getAction(responseActionId(happy.invitation.id))).toBeUndefined();
    await queuedSendJobs(QUEUE);
  });

  it('should open nothing for a flagged response, and still publish it as flagged', async () => {
    const { campaign: c, people } = campaign({
      cleaning: { rules: [{ kind: 'too-fast', minSeconds: 10 }] },
    } as Partial<Campaign>);
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const { invitation, surveyToken } = await seedInvitation(wave);

    // No signed opening time: the timing cannot be verified, so the response is flagged.
    const res = await post(surveyToken, formOf(wave, allAt('very-dissatisfied')));

    expect(res.statusCode).toBe(200);
    expect((await store.getInvitation(invitation.id))?.response?.cleaning?.flags.length).toBeGreaterThan(0);
    expect(await actions.getAction(responseActionId(invitation.id))).toBeUndefined();
    expect(await queuedSendJobs(QUEUE)).toEqual([]);
    expect(await mailTo(people.service)).toHaveLength(0);
    const detail = eventsOf(DETAIL_TYPES.responseSubmitted).find((d) => d.invitationId === invitation.id);
    expect(ResponseSubmittedDetail.parse(detail)).toMatchObject({ flagged: true });
    expect(detail).not.toHaveProperty('actionId');
  });

  it('should keep an anonymous campaign anonymous: no customer in the action, the alert or the events', async () => {
    const { campaign: c, people } = campaign({ anonymous: true } as Partial<Campaign>);
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const name = `Anon-${randomUUID()}`;
    const { invitation, surveyToken } = await seedInvitation(wave, {
      customer: { name, department: 'south-region' },
    });

    // An anonymous campaign's answer takes the read path (its department is the invitation's).
    const res = await post(surveyToken, { ...ratingFields(allAt('very-dissatisfied')) });

    expect(res.statusCode).toBe(200);
    const responseId = anonymousResponseId(SECRET, invitation.id);
    const action = await actions.getAction(responseActionId(responseId));
    expect(action).toBeDefined();
    expect(action).not.toHaveProperty('customer');
    expect(action?.source).toEqual({ kind: 'response', waveId: wave.waveId, anonymous: true });
    // Dated by the day only, as the anonymous answer is: no time that points at the customer served then.
    expect(action?.openedAt).toMatch(/T00:00:00\.000Z$/);
    expect(action?.history.every((h) => h.at.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(action?.response?.answeredAt).toMatch(/T00:00:00\.000Z$/);
    expect(await actions.getAction(responseActionId(invitation.id))).toBeUndefined();
    await sendQueued();
    const [message] = await mailTo(people.south);
    const mail = await parse(message!);
    expect(mail.text).toContain('This survey is anonymous: the customer cannot be identified or contacted.');
    expect(mail.text).not.toContain(name);
    expect(mail.text).not.toContain(invitation.customer.email);
    const detail = eventsOf(DETAIL_TYPES.responseSubmitted).find((d) => d.id === `${responseId}:submitted`);
    expect(ResponseSubmittedDetail.parse(detail)).toMatchObject({ anonymous: true });
    expect(detail).not.toHaveProperty('invitationId');
    expect(JSON.stringify(publishedEvents())).not.toContain(invitation.id);
  });
});

describe('alerts: "please contact me"', () => {
  it('should offer the box, and open an action when it is ticked, however happy the answer', async () => {
    const { campaign: c } = campaign();
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const { invitation, surveyToken } = await seedInvitation(wave, { customer: { language: 'en' } });
    const page = (await surveyPage(
      httpEvent('GET /s/{token}', { token: surveyToken }),
      lambdaContext(),
    )) as HttpResult;
    expect(page.body).toContain(
      '<label class="opt" for="contact"><input type="checkbox" id="contact" name="contact" value="yes" aria-describedby="hint-contact"><span>Please contact me</span></label>',
    );

    await post(surveyToken, { ...ratingFields(allAt('very-satisfied')), contact: 'yes' });

    expect((await store.getInvitation(invitation.id))?.response?.contactRequested).toBe(true);
    const action = await actions.getAction(responseActionId(invitation.id));
    expect(action?.reasons).toEqual([{ kind: 'contact-request' }]);
    await queuedSendJobs(QUEUE);
  });

  it('should ignore any other value of the box, and store nothing of it', async () => {
    const { campaign: c } = campaign();
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    for (const value of ['no', 'YES', 'true', '', 'yes yes', '<script>']) {
      const { invitation, surveyToken } = await seedInvitation(wave);
      const res = await post(surveyToken, formOf(wave, allAt('very-satisfied'), { contact: value }));
      expect(res.statusCode).toBe(200);
      expect((await store.getInvitation(invitation.id))?.response).not.toHaveProperty('contactRequested');
      expect(await actions.getAction(responseActionId(invitation.id))).toBeUndefined();
    }
    expect(await queuedSendJobs(QUEUE)).toEqual([]);
  });

  it('should not offer the box when the campaign does not take contact requests', async () => {
    const { campaign: base } = campaign();
    const c = { ...base, actions: { ...base.actions!, triggers: { totalBelow: 70 } } };
    const wave = await seedWave({ campaign: c, waveId: `demo-alerts-${randomUUID()}` });
    const { invitation, surveyToken } = await seedInvitation(wave);
    const page = (await surveyPage(
      httpEvent('GET /s/{token}', { token: surveyToken }),
      lambdaContext(),
    )) as HttpResult;
    expect(page.body).not.toContain('name="contact"');

    await post(surveyToken, formOf(wave, allAt('very-satisfied'), { contact: 'yes' }));

    expect((await store.getInvitation(invitation.id))?.response).not.toHaveProperty('contactRequested');
    expect(await actions.getAction(responseActionId(invitation.id))).toBeUndefined();
  });
});
