import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anonymousResponseId } from '../../functions/domain/anonymity.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { handler as sendHandler } from '../../functions/handlers/send/index.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
  testStore,
} from '../support/fixtures.ts';
import { demoCampaign, itss, MIXED, ratingFields } from '../support/programme.ts';
import { scanTable } from '../support/scan.ts';

/*
 * An anonymous campaign's answer is stored apart from its invitation (anonymous.test.ts), which is never
 * written: one conditional write, exactly one response per invitation, whatever the retries and races.
 */
const SECRET = process.env.TOKEN_SECRET!;
const store = testStore();
const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await surveyPage(httpEvent(route, options), lambdaContext())) as HttpResult;
let wave: Wave;

/** The stored answer of an invitation of `wave`: its response id, and a response scoring 77 (C). */
const answerOf = (invitationId: string) => ({
  id: anonymousResponseId(SECRET, invitationId),
  campaignId: wave.campaignId,
  waveId: wave.waveId,
  department: 'east-region',
  response: {
    answeredAt: '2025-06-10T00:00:00.000Z',
    ratings: MIXED,
    comments: {},
    total: 77,
    grade: 'C' as const,
    language: 'en' as const,
    questionnaireVersion: itss.version,
  },
});

beforeAll(async () => {
  wave = await seedWave({
    createdAt: '2025-06-02T01:00:00.000Z',
    campaign: { ...demoCampaign, anonymous: true },
  });
});

describe('anonymous answers, exactly once', () => {
  const form = () => ({ lang: 'en', wave: `${wave.campaignId}/${wave.waveId}`, ...ratingFields(MIXED) });
  const responseItems = async () => (await scanTable()).filter((i) => String(i.pk).startsWith('ARESP#'));

  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2025-06-10T05:06:07.000Z'));
  });

  afterAll(() => {
    vi.useRealTimers();
  });

  it('should store one response of five concurrent submits, and tell the others it is answered', async () => {
    const { invitation, surveyToken } = await seedInvitation(wave, { sent: { invite: wave.createdAt } });
    const seeded = await store.getInvitation(invitation.id);
    const before = (await responseItems()).length;

    const posts = await Promise.all(
      Array.from({ length: 5 }, () => call('POST /s/{token}', { token: surveyToken, form: form() })),
    );

    expect(posts.map((p) => p.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await responseItems()).toHaveLength(before + 1);
    // Nothing on the invitation says it was answered: the response, found by its id, does.
    expect(await store.getInvitation(invitation.id)).toEqual(seeded);
    expect((await responseItems()).some((r) => r.id === anonymousResponseId(SECRET, invitation.id))).toBe(
      true,
    );
    const again = await call('POST /s/{token}', { token: surveyToken, form: form() });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('<h1>Thank you — we already have your answer</h1>');
    expect(await responseItems()).toHaveLength(before + 1);
  });

  it('should store nothing new when a submit is retried after its response was stored', async () => {
    const { invitation, surveyToken } = await seedInvitation(wave, { sent: { invite: wave.createdAt } });
    const seeded = await store.getInvitation(invitation.id);
    const answer = answerOf(invitation.id);
    const { id } = answer;
    // The first submit's response reached the table, but the page the customer saw was an error.
    expect(await store.saveAnonymousResponse(invitation.id, answer, new Date().toISOString())).toBe('stored');
    const before = await responseItems();

    const retry = await call('POST /s/{token}', { token: surveyToken, form: form() });
    const page = await call('GET /s/{token}', { token: surveyToken });
    const direct = await store.saveAnonymousResponse(invitation.id, answer, new Date().toISOString());

    // The retry is told the survey is answered, the answer stands, and the invitation was never written.
    expect(retry.statusCode).toBe(409);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>谢谢您——我们已经收到您的回答</h1>');
    expect(direct).toBe('unavailable');
    expect(await responseItems()).toHaveLength(before.length);
    expect((await responseItems()).find((r) => r.id === id)?.response).toMatchObject({ total: 77 });
    expect(await store.getInvitation(invitation.id)).toEqual(seeded);
  });

  it('should refuse an answer to an expired invitation and store nothing', async () => {
    const { invitation } = await seedInvitation(wave, { expiresAt: '2025-06-09T00:00:00.000Z' });
    const before = (await responseItems()).length;
    const outcome = await store.saveAnonymousResponse(
      invitation.id,
      answerOf(invitation.id),
      new Date().toISOString(),
    );
    expect(outcome).toBe('unavailable');
    expect(await responseItems()).toHaveLength(before);
    expect(await store.getInvitation(invitation.id)).toEqual(invitation);
  });

  it('should not send a queued reminder to an invitation whose response is stored, and leave it as the sent ones', async () => {
    const mailsTo = async (to: string): Promise<StoredMessage[]> => {
      const all = (await (
        await fetch(`${process.env.AWS_ENDPOINT_URL_SES}/api/messages`)
      ).json()) as StoredMessage[];
      return all.filter((m) => m.to.some((t) => t.toLowerCase() === to.toLowerCase()));
    };
    const seed = (email: string) =>
      seedInvitation(wave, { customer: { email }, sent: { invite: '2025-06-03T01:00:00.000Z' } });
    const answered = await seed('answered-reminder@example.test');
    const open = await seed('open-reminder@example.test');
    const seeded = await store.getInvitation(answered.invitation.id);
    const answer = answerOf(answered.invitation.id);
    await store.saveAnonymousResponse(answered.invitation.id, answer, new Date().toISOString());

    for (const id of [answered.invitation.id, open.invitation.id, answered.invitation.id]) {
      await sendHandler(sqsEvent(sqsRecord({ invitationId: id, step: 'remind-1' })), lambdaContext());
    }

    // The answered one: no email, but its claim stays, so it looks as the one that was reminded: the same
    // steps claimed, and no message id on either (an anonymous wave's reminders keep none).
    expect(await mailsTo('answered-reminder@example.test')).toHaveLength(0);
    expect(await mailsTo('open-reminder@example.test')).toHaveLength(1);
    const [a, o] = [
      await store.getInvitation(answered.invitation.id),
      await store.getInvitation(open.invitation.id),
    ];
    expect(a).toEqual({
      ...seeded,
      sent: { ...seeded!.sent, 'remind-1': expect.any(String) },
      messageIds: {},
      sendUncertain: {},
    });
    expect(Object.keys(o!.sent).sort()).toEqual(Object.keys(a!.sent).sort());
    expect(o!.messageIds).toEqual(a!.messageIds);
  });

  it('should find the stored responses among more ids than one batch holds', async () => {
    const { invitation, surveyToken } = await seedInvitation(wave, { sent: { invite: wave.createdAt } });
    expect((await call('POST /s/{token}', { token: surveyToken, form: form() })).statusCode).toBe(200);
    const stored = anonymousResponseId(SECRET, invitation.id);
    const others = Array.from({ length: 230 }, (_, i) => anonymousResponseId(SECRET, `never-${i}`));

    const found = await store.anonymousResponsesAmong([
      ...others.slice(0, 150),
      stored,
      ...others.slice(150),
    ]);

    expect([...found]).toEqual([stored]);
    expect(await store.anonymousResponsesAmong([])).toEqual(new Set());
  });
});
