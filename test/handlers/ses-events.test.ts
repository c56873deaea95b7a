import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Wave } from '../../functions/domain/model.ts';
import type { Customer } from '../../functions/domain/programme.ts';
import { handler, SesEventError } from '../../functions/handlers/ses-events/index.ts';
import { INVITATION_TAG } from '../../functions/use-cases/send.ts';
import { dispatchHandlerNow } from '../support/dispatch-tasks.ts';
import { lambdaContext, seedCustomers, seedInvitation, seedWave, testStore } from '../support/fixtures.ts';

/** A wave dispatched to its end: the handler, then the dispatch worker on its tasks. */
const dispatch = (event: Record<string, unknown>, _context?: unknown) => dispatchHandlerNow(event);

/* SES bounce and complaint events as EventBridge delivers them, against dynalite: this file's own table. */
const store = testStore();
const run = (event: unknown) => handler(event, lambdaContext());
const CONFIGURATION_SET = 'csat-ConfigurationSet';

const mail = (tags: Record<string, string[]>) => ({
  timestamp: '2026-03-02T01:00:00.000Z',
  source: 'Customer Service <survey@example.com>',
  sourceArn: 'arn:aws:ses:ap-east-1:123456789012:identity/example.com',
  sendingAccountId: '123456789012',
  messageId: '0100018e00000000-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-000000',
  destination: ['customer@example.test'],
  headersTruncated: false,
  tags: { 'ses:configuration-set': [CONFIGURATION_SET], 'ses:source-ip': ['192.0.2.10'], ...tags },
});

function envelope<D>(detailType: string, detail: D) {
  return {
    version: '0',
    id: 'c9a2b4e6-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
    'detail-type': detailType,
    source: 'aws.ses',
    account: '123456789012',
    time: '2026-03-02T01:00:05Z',
    region: 'ap-east-1',
    resources: [`arn:aws:ses:ap-east-1:123456789012:configuration-set/${CONFIGURATION_SET}`],
    detail,
  };
}

const tagsOf = (invitationId?: string): Record<string, string[]> =>
  invitationId ? { [INVITATION_TAG]: [invitationId] } : {};

function bounce(bounceType: 'Permanent' | 'Transient' | 'Undetermined', invitationId?: string) {
  return envelope('Email Bounced', {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: [
        {
          emailAddress: 'customer@example.test',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2026-03-02T01:00:04.000Z',
      feedbackId: '0100018e00000000-ffffffff-0000-1111-2222-333333333333-000000',
      reportingMTA: 'dsn; a1-2.smtp-out.ap-east-1.amazonses.com',
    },
    mail: mail(tagsOf(invitationId)),
  });
}

function complaint(invitationId?: string) {
  return envelope('Email Complaint Received', {
    eventType: 'Complaint',
    complaint: {
      feedbackId: '0100018e00000000-99999999-0000-1111-2222-333333333333-000000',
      complaintSubType: null,
      complainedRecipients: [{ emailAddress: 'customer@example.test' }],
      timestamp: '2026-03-02T02:00:00.000Z',
      userAgent: 'Mozilla/5.0',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2026-03-02T01:59:00.000Z',
    },
    mail: mail(tagsOf(invitationId)),
  });
}

let wave: Wave;
/** An invitation whose customer is in the directory, as after a dispatch. */
async function invited(department = 'east-region') {
  wave ??= await seedWave();
  const { invitation } = await seedInvitation(wave, { customer: { department } });
  await seedCustomers([invitation.customer]);
  return invitation;
}

const suppressedAt = async (customerId: string) =>
  (await store.listCustomers()).find((c) => c.id === customerId)?.suppressedAt;

describe('Handler: ses-events', () => {
  it('should suppress the customer of a permanent bounce, and keep the first time on a repeat', async () => {
    const invitation = await invited();

    expect(await run(bounce('Permanent', invitation.id))).toEqual({ outcome: 'suppressed' });
    const first = await suppressedAt(invitation.customer.id);
    expect(first).toEqual(expect.any(String));

    expect(await run(bounce('Permanent', invitation.id))).toEqual({ outcome: 'suppressed' });
    expect(await suppressedAt(invitation.customer.id)).toBe(first);
  });

  it('should suppress the customer of any complaint', async () => {
    const invitation = await invited();

    expect(await run(complaint(invitation.id))).toEqual({ outcome: 'suppressed' });
    expect(await suppressedAt(invitation.customer.id)).toEqual(expect.any(String));
  });

  it('should change nothing for a transient or undetermined bounce', async () => {
    const invitation = await invited();

    expect(await run(bounce('Transient', invitation.id))).toEqual({ outcome: 'not-permanent' });
    expect(await run(bounce('Undetermined', invitation.id))).toEqual({ outcome: 'not-permanent' });
    expect(await suppressedAt(invitation.customer.id)).toBeUndefined();
  });

  it('should ignore an event without the invitation tag, or for an unknown invitation or customer', async () => {
    const invitation = await invited();
    const before = await store.listCustomers();

    expect(await run(bounce('Permanent'))).toEqual({ outcome: 'untagged' });
    expect(await run(complaint())).toEqual({ outcome: 'untagged' });
    expect(await run(complaint('AAAAAAAAAAAAAAAAAAAAAA'))).toEqual({ outcome: 'unknown-invitation' });
    // An invitation whose customer left the directory: suppressCustomer finds no one and writes nothing.
    const { invitation: orphan } = await seedInvitation(wave);
    expect(await run(complaint(orphan.id))).toEqual({ outcome: 'unknown-customer' });

    expect(await store.listCustomers()).toEqual(before);
    expect(await suppressedAt(invitation.customer.id)).toBeUndefined();
  });

  it('should refuse malformed events with a clear error and write nothing', async () => {
    const invitation = await invited();
    const good = bounce('Permanent', invitation.id);
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /event: /],
      ['not json', /event: /],
      [{ ...good, source: 'aws.s3' }, /source: must come from SES/],
      [{ ...good, 'detail-type': 'Email Delivered' }, /detail-type: must be a bounce or a complaint/],
      [{ ...good, detail: { ...good.detail, eventType: 'Delivery' } }, /detail\.eventType: /],
      [{ ...good, detail: { ...good.detail, bounce: { bounceType: 'Soft' } } }, /detail\.bounce\.bounceType/],
      [{ ...good, detail: { ...good.detail, mail: { tags: {} } } }, /detail\.mail\.messageId/],
      [
        { ...good, detail: { ...good.detail, mail: { ...good.detail.mail, tags: { x: 'y' } } } },
        /detail\.mail\.tags\.x/,
      ],
    ];
    for (const [event, message] of bad) {
      const error = await run(event).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SesEventError);
      expect((error as Error).message).toMatch(/^not an SES bounce or complaint event: /);
      expect((error as Error).message).toMatch(message);
      // No address from the event in the error (it goes to the logs and the failed-runs queue).
      expect((error as Error).message).not.toContain('@');
    }
    expect(await suppressedAt(invitation.customer.id)).toBeUndefined();
  });

  it('should answer any input with an outcome or SesEventError, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (event) => {
        const error = await run(event).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (error !== undefined) expect(error).toBeInstanceOf(SesEventError);
      }),
      { numRuns: 100 },
    );
  });

  it('should leave a suppressed customer out of the next dispatch', async () => {
    const bounced = await invited('south-region');
    const others: Customer[] = ['east-region', 'north-region'].map((department, i) => ({
      id: `kept-${i}`,
      name: `Kept ${i}`,
      email: `kept-${i}@example.test`,
      language: 'en',
      department,
    }));
    await seedCustomers(others);
    await run(bounce('Permanent', bounced.id));

    const result = await dispatch(
      { campaignId: 'demo', scheduledTime: '2026-04-01T01:00:00Z' },
      lambdaContext(),
    );

    // The directory of this file: six invited customers (one per test above and this one) and the two
    // kept here. Suppressed: the permanent bounce, the complaint and this bounce; the transient bounce,
    // the ignored events and the refused ones suppressed no one. 8 - 3 = 5 invited.
    expect(await store.listCustomers()).toHaveLength(8);
    expect(result.excluded?.suppressed).toBe(3);
    expect(result.invited).toBe(5);
    const invitedIds = (await store.listInvitations(result.waveId)).map((i) => i.customer.id);
    expect(invitedIds).toHaveLength(5);
    expect(invitedIds).toEqual(expect.arrayContaining(['kept-0', 'kept-1']));
    expect(invitedIds).not.toContain(bounced.customer.id);
  });
});
