import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { addressHash } from '../../functions/domain/token.ts';
import { handler } from '../../functions/handlers/send/index.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import {
  lambdaContext,
  seedInvitation,
  seedWave,
  sqsEvent,
  sqsRecord,
  testStore,
  testSuppressions,
} from '../support/fixtures.ts';

/*
 * A job queued before its address went on the suppression list (an unsubscribe through another email, a
 * bounce or complaint, an erasure) is never sent: the send function looks the address up before each email.
 */
const TAG = randomUUID().slice(0, 8);
const SES = process.env.AWS_ENDPOINT_URL_SES!;
const store = testStore();
const suppressions = testSuppressions();

async function mailTo(to: string): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.some((t) => t.toLowerCase() === to.toLowerCase()));
}

const send = (invitationId: string, step = 'invite') =>
  handler(sqsEvent(sqsRecord({ invitationId, step })), lambdaContext());

let n = 0;
let costWave: Awaited<ReturnType<typeof seedWave>> | undefined;
/** An invitation to a fresh address of this file's, all in one wave (read once, then cached). */
async function invite(suffix: string) {
  const email = `cost-${TAG}-${suffix}@example.test`;
  costWave ??= await seedWave();
  const { invitation } = await seedInvitation(costWave, { customer: { email } });
  return { invitation, email };
}

describe('send handler and the suppression list', () => {
  it('should claim, look the address up, book its slot, send and confirm: three conditional writes, one BatchGetItem, one SendRawEmail, nothing else', async () => {
    const { invitation, email } = await invite(`${++n}`);
    await send(invitation.id); // reads the wave into the cache
    const next = await invite(`${++n}`);
    const commands: string[] = [];
    const stack = documentClient().middlewareStack;
    stack.add(
      (next, context) => (args) => {
        const input = args.input as { ConditionExpression?: string; Key?: { pk?: string } };
        const conditional = Boolean(input.ConditionExpression);
        // The shared SES budget's bookings (one a send, or more when a loaded machine wakes late for a slot).
        const budget = String(input.Key?.pk ?? '').startsWith('SENDRATE#') ? ' (budget)' : '';
        commands.push(`${context.commandName}${conditional ? ' (conditional)' : ''}${budget}`);
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );

    try {
      await send(next.invitation.id);
    } finally {
      stack.remove('countCommands');
    }

    expect(commands.filter((c) => !c.endsWith('(budget)'))).toEqual([
      'UpdateItemCommand (conditional)',
      'BatchGetItemCommand',
      'UpdateItemCommand (conditional)',
    ]);
    // The slot in the account's shared SES budget (dynamo-send-budget.ts), between lookup and send.
    expect(commands[2]).toBe('UpdateItemCommand (conditional) (budget)');
    expect(await mailTo(next.email)).toHaveLength(1);
    expect(await mailTo(email)).toHaveLength(1);
  });

  it.each([
    ['unsubscribed', 'the same address'],
    ['complained', 'the address in other case and with spaces'],
  ] as const)(
    'should not send to an address %s after the job was queued (%s), and close the invitation',
    async (reason, _how) => {
      // Arrange: the job is on the queue; then the address is suppressed.
      const email = `Suppressed-${TAG}-${reason}@Example.test`;
      const wave = await seedWave();
      const { invitation } = await seedInvitation(wave, { customer: { email } });
      const listed = reason === 'complained' ? `  ${email.toUpperCase()} ` : email;
      await suppressions.list.add(
        addressHash(process.env.TOKEN_SECRET!, listed),
        reason,
        new Date().toISOString(),
      );

      // Act: the job, then a redelivery and the first reminder's job.
      const results = [
        await send(invitation.id),
        await send(invitation.id),
        await send(invitation.id, 'remind-1'),
      ];

      // Assert
      expect(results).toEqual(Array(3).fill({ batchItemFailures: [] }));
      expect(await mailTo(email)).toHaveLength(0);
      const stored = await store.getInvitation(invitation.id);
      expect(stored?.unsubscribedAt).toEqual(expect.any(String));
      expect(stored?.sent.invite).toBeUndefined();
    },
  );

  it('should send to an address that is not listed', async () => {
    // Arrange
    const email = `kept-${TAG}@example.test`;
    const wave = await seedWave();
    const { invitation } = await seedInvitation(wave, { customer: { email } });

    // Act
    const result = await send(invitation.id);

    // Assert
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await mailTo(email)).toHaveLength(1);
  });
});
