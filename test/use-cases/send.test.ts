import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { composeMime } from '../../functions/adapters/mime.ts';
import { createSesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { Mailer } from '../../functions/domain/ports.ts';
import { type SendDeps, SendFailedError, sendInvitation } from '../../functions/use-cases/send.ts';
import { cachedWaves } from '../../functions/use-cases/waves.ts';
import { seedInvitation, seedWave, testSuppressions } from '../support/fixtures.ts';

/*
 * sendInvitation with the real store and the local SES endpoint; a store write or the mailer is made to
 * fail only where a test needs the rare path after the claim.
 */

const SES = process.env.AWS_ENDPOINT_URL_SES!;
const TAG = randomUUID().slice(0, 8);
let n = 0;

class FailingStore extends DynamoStore {
  fail = new Set<'confirmSend' | 'markSendUncertain' | 'releaseSend'>();
  override async confirmSend(...args: Parameters<DynamoStore['confirmSend']>) {
    if (this.fail.has('confirmSend')) throw new Error('table unavailable');
    return super.confirmSend(...args);
  }
  override async markSendUncertain(...args: Parameters<DynamoStore['markSendUncertain']>) {
    if (this.fail.has('markSendUncertain')) throw new Error('table unavailable');
    return super.markSendUncertain(...args);
  }
  override async releaseSend(...args: Parameters<DynamoStore['releaseSend']>) {
    if (this.fail.has('releaseSend')) throw new Error('table unavailable');
    return super.releaseSend(...args);
  }
}

function depsWith(overrides: { mailer?: Mailer } = {}) {
  const store = new FailingStore(documentClient(), process.env.TABLE_NAME!);
  const deps: SendDeps = {
    store,
    mailer: overrides.mailer ?? new SesMailer(createSesClient()),
    clock: { now: () => new Date() },
    waves: cachedWaves(store),
    compose: composeMime,
    links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
    suppressions: testSuppressions(),
  };
  return { store, deps };
}

async function invitation() {
  const wave = await seedWave();
  const email = `usecase-${TAG}-${++n}@example.test`;
  const { invitation } = await seedInvitation(wave, { customer: { email, language: 'en' } });
  return { id: invitation.id, email };
}

async function mailTo(to: string): Promise<unknown[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as Array<{ to: string[] }>;
  return all.filter((m) => m.to.includes(to));
}

const uncertain = (name: string): Mailer => ({
  send: async () => {
    throw Object.assign(new Error('no answer'), { name });
  },
});

describe('Use case: sendInvitation', () => {
  it('should report the email sent, unconfirmed, when its message id cannot be stored, and never send it again', async () => {
    const { store, deps } = depsWith();
    const inv = await invitation();
    store.fail.add('confirmSend');

    const first = await sendInvitation(deps, { invitationId: inv.id, step: 'invite' });
    store.fail.clear();
    const again = await sendInvitation(deps, { invitationId: inv.id, step: 'invite' });

    expect(first).toMatchObject({ outcome: 'sent', confirmed: false, messageId: expect.any(String) });
    expect(again.outcome).toBe('skipped');
    expect(await mailTo(inv.email)).toHaveLength(1);
    const stored = await store.getInvitation(inv.id);
    expect(stored?.sent.invite).toEqual(expect.any(String));
    expect(stored?.messageIds?.invite).toBeUndefined();
  });

  it('should report an uncertain send even when the mark cannot be written, keeping the claim', async () => {
    const { store, deps } = depsWith({ mailer: uncertain('TimeoutError') });
    const inv = await invitation();
    store.fail.add('markSendUncertain');

    const result = await sendInvitation(deps, { invitationId: inv.id, step: 'invite' });

    expect(result).toEqual({
      outcome: 'uncertain',
      invitationId: inv.id,
      recorded: false,
      error: 'TimeoutError',
    });
    const stored = await store.getInvitation(inv.id);
    expect(stored?.sent.invite).toEqual(expect.any(String));
    expect(stored?.sendUncertain?.invite).toBeUndefined();
  });

  it('should release the claim when the email cannot even be built, so a retry sends it', async () => {
    const { store, deps } = depsWith();
    const inv = await invitation();
    const broken: SendDeps = {
      ...deps,
      links: {
        ...deps.links,
        secret: async () => {
          throw new Error('secret unavailable');
        },
      },
    };

    const failed = sendInvitation(broken, { invitationId: inv.id, step: 'invite' });

    await expect(failed).rejects.toBeInstanceOf(SendFailedError);
    await expect(failed).rejects.toMatchObject({ released: true, throttled: false });
    expect((await store.getInvitation(inv.id))?.sent.invite).toBeUndefined();
    expect((await sendInvitation(deps, { invitationId: inv.id, step: 'invite' })).outcome).toBe('sent');
  });

  it('should say when a claim could not be released, which leaves the email unsent rather than sent twice', async () => {
    const { store, deps } = depsWith({
      mailer: new SesMailer(createSesClient({ endpoint: 'http://127.0.0.1:9' })),
    });
    const inv = await invitation();
    store.fail.add('releaseSend');

    const failed = sendInvitation(deps, { invitationId: inv.id, step: 'invite' });

    await expect(failed).rejects.toMatchObject({ name: 'SendFailedError', released: false });
    expect((await store.getInvitation(inv.id))?.sent.invite).toEqual(expect.any(String));
  });
});
