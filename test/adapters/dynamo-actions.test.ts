import { describe, expect, it } from 'vitest';
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import {
  acknowledge,
  answerVerification,
  resolve,
  verificationSent,
} from '../../functions/domain/actions/lifecycle.ts';
import { cnCalendar, sampleAction } from '../support/actions.ts';

const store = () => new DynamoActions(documentClient(), process.env.TABLE_NAME!);
const collect = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
};

describe('DynamoActions', () => {
  it('should open an action once, however often it is opened', async () => {
    // Arrange
    const actions = store();
    const action = sampleAction('open-once', new Date('2026-12-01T02:00:00Z'));

    // Act
    const results = await Promise.all(Array.from({ length: 5 }, () => actions.openAction(action)));

    // Assert
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await actions.getAction('open-once')).toEqual(action);
  });

  it('should make a transition once among concurrent clicks, with one history line', async () => {
    // Arrange
    const actions = store();
    const action = sampleAction('concurrent', new Date('2026-12-01T02:00:00Z'));
    await actions.openAction(action);
    const change = resolve(action, 'north.head@example.com', new Date('2026-12-02T02:00:00Z'), {
      rootCause: 'cause',
      actionTaken: 'fix',
    });

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => actions.apply(action.id, change)));

    // Assert
    const applied = results.filter((r) => r !== undefined);
    expect(applied).toHaveLength(1);
    const stored = await actions.getAction(action.id);
    expect(stored?.status).toBe('resolved');
    expect(stored?.history.map((h) => h.event)).toEqual(['opened', 'resolved']);
  });

  it('should refuse a change whose status or round no longer holds, and an unknown action', async () => {
    // Arrange
    const actions = store();
    const action = sampleAction('stale', new Date('2026-12-01T02:00:00Z'));
    await actions.openAction(action);
    const ack = acknowledge(action, 'north.head@example.com', new Date('2026-12-02T02:00:00Z'));
    await actions.apply(action.id, ack);

    // Act
    const again = await actions.apply(action.id, ack);
    const otherRound = await actions.apply(action.id, { ...ack, from: ['acknowledged'], round: 3 });
    const unknown = await actions.apply('no-such-action', ack);

    // Assert
    expect([again, otherRound, unknown]).toEqual([undefined, undefined, undefined]);
    expect((await actions.getAction(action.id))?.history).toHaveLength(2);
  });

  it('should count a follow-up answer once and start the next round on "no", leaving the live index when final', async () => {
    // Arrange
    const actions = store();
    const opened = sampleAction('follow-up', new Date('2026-12-01T02:00:00Z'));
    await actions.openAction(opened);
    const resolved = await actions.apply(
      opened.id,
      resolve(opened, 'north.head@example.com', new Date('2026-12-02T02:00:00Z'), {
        rootCause: 'c',
        actionTaken: 'a',
      }),
    );
    const asked = await actions.apply(
      opened.id,
      verificationSent(resolved!, new Date('2026-12-09T02:00:00Z'), '2026-12-16'),
    );
    const reopen = { dueWorkingDays: 10, calendar: cnCalendar };

    // Act
    const no = answerVerification(asked!, 'no', new Date('2026-12-10T02:00:00Z'), reopen);
    const [first, second] = await Promise.all([actions.apply(opened.id, no), actions.apply(opened.id, no)]);
    const reopened = first ?? second;
    const live = await collect(actions.liveActionPages(opened.campaignId));

    // Assert
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(reopened).toMatchObject({ status: 'reopened', round: 1, dueDate: '2026-12-24' });
    expect(reopened?.verification).toBeUndefined();
    expect(live.map((a) => a.id)).toContain(opened.id);

    // Act: the next round is verified.
    const resolvedAgain = await actions.apply(
      opened.id,
      resolve(reopened!, 'north.head@example.com', new Date('2026-12-11T02:00:00Z'), {
        rootCause: 'c2',
        actionTaken: 'a2',
      }),
    );
    const askedAgain = await actions.apply(
      opened.id,
      verificationSent(resolvedAgain!, new Date('2026-12-18T02:00:00Z'), '2026-12-25'),
    );
    const verified = await actions.apply(
      opened.id,
      answerVerification(askedAgain!, 'yes', new Date('2026-12-19T02:00:00Z'), reopen),
    );

    // Assert
    expect(verified?.status).toBe('verified');
    expect(verified?.history.map((h) => h.event)).toEqual([
      'opened',
      'resolved',
      'verification-sent',
      'reopened',
      'resolved',
      'verification-sent',
      'verified',
    ]);
    expect((await collect(actions.liveActionPages(opened.campaignId))).map((a) => a.id)).not.toContain(
      opened.id,
    );
  });

  it('should claim each notice once and give it back only to the claim that made it', async () => {
    // Arrange
    const actions = store();
    const action = sampleAction('notices', new Date('2026-12-01T02:00:00Z'));
    await actions.openAction(action);

    // Act
    const claims = await Promise.all(
      Array.from({ length: 5 }, () =>
        actions.claimNotice(action.id, 'alert.0.0', '2026-12-01T02:00:01.000Z'),
      ),
    );
    await actions.releaseNotice(action.id, 'alert.0.0', '1999-01-01T00:00:00.000Z');
    const kept = await actions.getAction(action.id);
    await actions.releaseNotice(action.id, 'alert.0.0', '2026-12-01T02:00:01.000Z');
    const released = await actions.getAction(action.id);

    // Assert
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(kept?.notices['alert.0.0']).toBe('2026-12-01T02:00:01.000Z');
    expect(released?.notices['alert.0.0']).toBeUndefined();
    expect(await actions.claimNotice('no-such-action', 'alert.0.0', 'x')).toBeUndefined();
  });

  it("should list all of a campaign's actions with no empty key value in the query (DynamoDB refuses one)", async () => {
    // Arrange: the client records every query it is given.
    const inputs: unknown[] = [];
    const ddb = documentClient();
    const recording = {
      send: (command: { input: unknown }) => {
        inputs.push(command.input);
        return ddb.send(command as never);
      },
    };
    const actions = new DynamoActions(recording as never, process.env.TABLE_NAME!);
    await actions.openAction({
      ...sampleAction('all-1', new Date('2026-11-02T00:00:00Z')),
      campaignId: 'all-campaign',
    });

    // Act
    const all = await collect(actions.actionPages('all-campaign'));

    // Assert
    expect(all.map((a) => a.id)).toEqual(['all-1']);
    const values = inputs.flatMap((i) =>
      Object.values((i as { ExpressionAttributeValues?: object }).ExpressionAttributeValues ?? {}),
    );
    expect(values).not.toContain('');
  });

  it("should list a campaign's actions opened in a range, oldest first", async () => {
    // Arrange
    const actions = store();
    const campaignId = 'range-campaign';
    for (const [id, iso] of [
      ['r1', '2026-10-31T23:59:59.999Z'],
      ['r2', '2026-11-01T00:00:00.000Z'],
      ['r3', '2026-11-30T23:59:59.999Z'],
      ['r4', '2026-12-01T00:00:00.000Z'],
    ] as const) {
      await actions.openAction({ ...sampleAction(id, new Date(iso)), campaignId });
    }

    // Act
    const november = await collect(
      actions.actionPages(campaignId, { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }),
    );

    // Assert
    expect(november.map((a) => a.id)).toEqual(['r2', 'r3']);
  });
});
