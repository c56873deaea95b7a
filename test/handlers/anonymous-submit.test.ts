import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { anonymousResponseId } from '../../functions/domain/anonymity.ts';
import type { Wave } from '../../functions/domain/model.ts';
import { handler as surveyPage } from '../../functions/handlers/survey-page/index.ts';
import {
  type HttpEventOptions,
  type HttpResult,
  httpEvent,
  lambdaContext,
  type Route,
  seedInvitation,
  seedWave,
  testStore,
} from '../support/fixtures.ts';
import { demoCampaign, itss, MIXED, ratingFields } from '../support/programme.ts';
import { scanTable } from '../support/scan.ts';

/*
 * An anonymous campaign's answer is stored apart from its invitation (anonymous.test.ts): two writes and
 * no transaction, yet exactly one response per invitation, whatever the retries, races and crashes.
 */
const SECRET = process.env.TOKEN_SECRET!;
const store = testStore();
const call = async (route: Route, options: HttpEventOptions): Promise<HttpResult> =>
  (await surveyPage(httpEvent(route, options), lambdaContext())) as HttpResult;
let wave: Wave;

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
    const before = (await responseItems()).length;

    const posts = await Promise.all(
      Array.from({ length: 5 }, () => call('POST /s/{token}', { token: surveyToken, form: form() })),
    );

    expect(posts.map((p) => p.statusCode).sort()).toEqual([200, 404, 404, 404, 404]);
    expect(await responseItems()).toHaveLength(before + 1);
    expect((await store.getInvitation(invitation.id))?.answered).toBe(true);
    const again = await call('POST /s/{token}', { token: surveyToken, form: form() });
    expect(again.statusCode).toBe(404);
    expect(await responseItems()).toHaveLength(before + 1);
  });

  it('should complete the answered marker when a submit is retried after a crash between the two writes', async () => {
    const { invitation, surveyToken } = await seedInvitation(wave, { sent: { invite: wave.createdAt } });
    // A store whose process dies (the marker's write fails) once the response is written.
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (input.UpdateExpression === 'SET answered = :t') throw new Error('the function died here');
        return next(args);
      },
      { step: 'initialize', name: 'crashBeforeMarker' },
    );
    const crashing = new DynamoStore(client, process.env.TABLE_NAME!);
    const id = anonymousResponseId(SECRET, invitation.id);
    const answer = {
      id,
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
    };
    await expect(
      crashing.saveAnonymousResponse(invitation.id, answer, new Date().toISOString()),
    ).rejects.toThrow('the function died here');
    const before = await responseItems();
    expect(before.filter((r) => r.id === id)).toHaveLength(1);
    expect((await store.getInvitation(invitation.id))?.answered).toBeUndefined();

    // The customer submits again (the page showed an error): the answer stands, the marker is completed.
    const retry = await call('POST /s/{token}', { token: surveyToken, form: form() });

    expect(retry.statusCode).toBe(404);
    expect(await responseItems()).toHaveLength(before.length);
    expect((await responseItems()).find((r) => r.id === id)?.response).toMatchObject({ total: 77 });
    expect((await store.getInvitation(invitation.id))?.answered).toBe(true);
  });

  it('should refuse an answer to an expired invitation and store nothing', async () => {
    const { invitation } = await seedInvitation(wave, { expiresAt: '2025-06-09T00:00:00.000Z' });
    const before = (await responseItems()).length;
    const outcome = await store.saveAnonymousResponse(
      invitation.id,
      {
        id: anonymousResponseId(SECRET, invitation.id),
        campaignId: wave.campaignId,
        waveId: wave.waveId,
        department: 'east-region',
        response: {
          answeredAt: '2025-06-10T00:00:00.000Z',
          ratings: MIXED,
          comments: {},
          total: 77,
          grade: 'C',
          language: 'en',
          questionnaireVersion: itss.version,
        },
      },
      new Date().toISOString(),
    );
    expect(outcome).toBe('unavailable');
    expect(await responseItems()).toHaveLength(before);
    expect((await store.getInvitation(invitation.id))?.answered).toBeUndefined();
  });
});
