import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../functions/adapters/mime.ts';
import { createSesClient } from '../../functions/adapters/ses-client.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { SqsSendQueue } from '../../functions/adapters/sqs-queue.ts';
import type { Invitation, SendJob, SendStep, Wave } from '../../functions/domain/model.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { ReminderCalendarError, remind } from '../../functions/use-cases/remind.ts';
import { sendInvitation } from '../../functions/use-cases/send.ts';
import { cachedWaves } from '../../functions/use-cases/waves.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import { programme } from '../../programme/index.ts';
import { seedCustomers, seedInvitation, seedWave, testStore, testSuppressions } from '../support/fixtures.ts';
import { demoCampaign, MIXED } from '../support/programme.ts';

/*
 * The reminder sweep and the send step together, against the emulators (dynalite, the local SQS and SES
 * endpoints), with a fixed clock walked day by day across 2026's Spring Festival (15–23 Feb off; Sat 14
 * and Sat 28 Feb worked) and National Day week (1–7 Oct off; Sun 20 Sep and Sat 10 Oct worked). Every
 * expected date is counted by hand from the State Council notice in programme/calendars/cn-mainland.json.
 * The demo campaign's reminders: 3 working days, at most 2, calendar cn-mainland, Asia/Shanghai.
 */

const SES = process.env.AWS_ENDPOINT_URL_SES!;
const QUEUE_URL = process.env.SEND_QUEUE_URL!;
const TAG = randomUUID().slice(0, 8);
const sqs = new SQSClient({});
const store = testStore();
let campaigns = 0;

/** A campaign of its own per test, so each sweep sees only that test's waves. */
const campaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  ...demoCampaign,
  id: `remind-${++campaigns}`,
  ...overrides,
});

/** 10:00 in Shanghai on a date: when the sweep runs by default. */
const at = (date: string, time = '10:00'): Date => new Date(`${date}T${time}:00+08:00`);

/** Every date from `from` to `to`, inclusive. */
function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00Z`); t <= Date.parse(`${to}T00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Takes every job off the send queue. */
async function drain(): Promise<SendJob[]> {
  const jobs: SendJob[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return jobs;
    for (const m of Messages) {
      jobs.push(JSON.parse(m.Body!) as SendJob);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

function depsAt(now: Date) {
  const clock = { now: () => now };
  return {
    remind: {
      store,
      queue: new SqsSendQueue(sqs, QUEUE_URL),
      clock,
      calendars: programme.calendars,
      suppressions: testSuppressions(),
    },
    send: {
      store,
      mailer: new SesMailer(createSesClient()),
      clock,
      waves: cachedWaves(store),
      compose: composeMime,
      links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: process.env.PUBLIC_BASE_URL! },
      suppressions: testSuppressions(),
    },
  };
}

/** One day of the loop: the sweep at `time`, then the send function works off the queue at the same time. */
async function day(c: Campaign, date: string, time = '10:00'): Promise<SendJob[]> {
  const deps = depsAt(at(date, time));
  await remind(deps.remind, { campaign: c });
  const jobs = await drain();
  for (const job of jobs) await sendInvitation(deps.send, job);
  return jobs;
}

/** The local date (Shanghai) each step of the invitation went out on. */
async function sentDates(id: string): Promise<Partial<Record<SendStep, string>>> {
  const { sent } = (await store.getInvitation(id))!;
  return Object.fromEntries(
    Object.entries(sent).map(([step, iso]) => [
      step,
      new Date(Date.parse(iso!) + 8 * 3_600_000).toISOString().slice(0, 10),
    ]),
  );
}

async function mailTo(address: string): Promise<StoredMessage[]> {
  const all = (await (await fetch(`${SES}/api/messages`)).json()) as StoredMessage[];
  return all.filter((m) => m.to.includes(address));
}

/** A wave invited at 09:00 Shanghai on `date`, open `days` days, and one invitation whose invite went out. */
async function invited(
  c: Campaign,
  date: string,
  options: { days?: number; language?: 'zh-CN' | 'en'; invitation?: Partial<Invitation> } = {},
) {
  const createdAt = at(date, '09:00').toISOString();
  const wave: Wave = await seedWave({
    campaign: c,
    createdAt,
    deadline: new Date(Date.parse(createdAt) + (options.days ?? 30) * 86_400_000).toISOString(),
  });
  const email = `remind-${TAG}-${campaigns}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const seeded = await seedInvitation(wave, {
    customer: { email, language: options.language ?? 'zh-CN' },
    sent: { invite: at(date, '09:00').toISOString() },
    ...options.invitation,
  });
  return { wave, email, ...seeded };
}

describe('Use case: remind (reminder sweep) with the send step', () => {
  it('should remind on the make-up Saturday 14 Feb, keep quiet through the Spring Festival, and send the second on 26 Feb', async () => {
    // Invited Wed 11 Feb. Working days after: Thu 12, Fri 13, Sat 14 (make-up) → remind-1 on Sat 14.
    // After Sat 14: Sun 15 – Mon 23 off; Tue 24, Wed 25, Thu 26 → remind-2 on Thu 26. Then max (2) reached.
    const c = campaign();
    const { invitation, email } = await invited(c, '2026-02-11', { days: 30 });

    const queuedOn: Record<string, SendStep[]> = {};
    for (const date of dates('2026-02-11', '2026-03-12')) {
      const jobs = await day(c, date);
      if (jobs.length > 0) queuedOn[date] = jobs.map((j) => j.step);
    }

    expect(queuedOn).toEqual({ '2026-02-14': ['remind-1'], '2026-02-26': ['remind-2'] });
    expect(await sentDates(invitation.id)).toEqual({
      invite: '2026-02-11',
      'remind-1': '2026-02-14',
      'remind-2': '2026-02-26',
    });
    const mail = await mailTo(email);
    expect(mail.map((m) => m.subject)).toEqual([
      '提醒：季度客户满意度调查：诚邀您提出宝贵意见',
      '提醒：季度客户满意度调查：诚邀您提出宝贵意见',
    ]);
  });

  it('should count from the last reminder across National Day week and the make-up Saturday 10 Oct', async () => {
    // Invited Mon 28 Sep. Tue 29, Wed 30, (1–7 Oct off), Thu 8 → remind-1 on Thu 8 Oct.
    // After Thu 8: Fri 9, Sat 10 (make-up), (Sun 11 off), Mon 12 → remind-2 on Mon 12 Oct.
    const c = campaign();
    const { invitation } = await invited(c, '2026-09-28', { days: 30 });

    for (const date of dates('2026-09-28', '2026-10-20')) await day(c, date);

    expect(await sentDates(invitation.id)).toEqual({
      invite: '2026-09-28',
      'remind-1': '2026-10-08',
      'remind-2': '2026-10-12',
    });
  });

  it('should send nothing on a holiday even when the reminder is overdue, and send it on the first working day', async () => {
    // Invited Thu 12 Feb: Fri 13, Sat 14 (make-up), then Tue 24 → remind-1 due Tue 24, none 15–23.
    const c = campaign();
    const { invitation } = await invited(c, '2026-02-12', { days: 30 });

    const queued: string[] = [];
    for (const date of dates('2026-02-12', '2026-02-24')) {
      if ((await day(c, date)).length > 0) queued.push(date);
    }

    expect(queued).toEqual(['2026-02-24']);
    expect((await sentDates(invitation.id))['remind-1']).toBe('2026-02-24');
  });

  it('should send no reminder after the deadline', async () => {
    // Invited Wed 11 Feb for 14 days: closes Wed 25 Feb 09:00, before remind-2 falls due (Thu 26).
    const c = campaign();
    const { invitation } = await invited(c, '2026-02-11', { days: 14 });

    for (const date of dates('2026-02-11', '2026-03-06')) await day(c, date);

    expect(await sentDates(invitation.id)).toEqual({ invite: '2026-02-11', 'remind-1': '2026-02-14' });
  });

  it('should send no reminder to a customer who answered or unsubscribed, or whose invitation never went out', async () => {
    const c = campaign();
    const answered = await invited(c, '2026-02-11', {
      invitation: {
        response: {
          answeredAt: at('2026-02-12').toISOString(),
          ratings: MIXED,
          comments: {},
          total: 77,
          grade: 'C',
          language: 'zh-CN',
          questionnaireVersion: 1,
        },
      },
    });
    const unsubscribed = await invited(c, '2026-02-11', {
      invitation: { unsubscribedAt: at('2026-02-12').toISOString() },
    });
    const neverSent = await invited(c, '2026-02-11', { invitation: { sent: {} } });
    // Unsubscribed through another wave's link after this wave went out: only the directory knows.
    const elsewhere = await invited(c, '2026-02-11');
    await seedCustomers([elsewhere.invitation.customer]);
    const otherWave = await seedWave({ campaign: campaign() });
    const other = await seedInvitation(otherWave, { customer: elsewhere.invitation.customer });
    await store.unsubscribe(other.invitation.id, at('2026-02-12').toISOString());

    const deps = depsAt(at('2026-02-14'));
    const result = await remind(deps.remind, { campaign: c });
    const jobs = await drain();

    expect(jobs).toEqual([]);
    expect(result.queued).toBe(0);
    expect(result.waves.map((w) => w.notDue)).toEqual([
      {
        answered: 1,
        unsubscribed: 2,
        'not-invited': 1,
      },
    ]);
    for (const { invitation } of [answered, unsubscribed, neverSent, elsewhere]) {
      expect((await sentDates(invitation.id))['remind-1']).toBeUndefined();
    }
  });

  it('should send each reminder once when the sweep runs twice, and not at all to a customer who answered in between', async () => {
    const c = campaign();
    const twice = await invited(c, '2026-02-11', { language: 'en' });
    const answersMeanwhile = await invited(c, '2026-02-11');
    const deps = depsAt(at('2026-02-14'));

    await remind(deps.remind, { campaign: c });
    await remind(deps.remind, { campaign: c });
    const jobs = await drain();
    await store.saveResponse(
      answersMeanwhile.invitation.id,
      {
        answeredAt: at('2026-02-14', '09:59').toISOString(),
        ratings: MIXED,
        comments: {},
        total: 77,
        grade: 'C',
        language: 'zh-CN',
        questionnaireVersion: 1,
      },
      at('2026-02-14', '09:59').toISOString(),
      { campaignId: answersMeanwhile.invitation.campaignId, waveId: answersMeanwhile.invitation.waveId },
    );
    const outcomes = [];
    for (const job of jobs) outcomes.push((await sendInvitation(deps.send, job)).outcome);

    expect(jobs).toHaveLength(4);
    expect(outcomes.sort()).toEqual(['sent', 'skipped', 'skipped', 'skipped']);
    const mail = await mailTo(twice.email);
    expect(mail.map((m) => m.subject)).toEqual([
      'Reminder: Quarterly customer satisfaction survey: we would value your feedback',
    ]);
    expect(await mailTo(answersMeanwhile.email)).toEqual([]);
  });

  it('should say it is a reminder and carry the same survey and unsubscribe links as the invitation', async () => {
    const c = campaign();
    const seeded = await invited(c, '2026-02-11', { language: 'en', invitation: { sent: {} } });
    const deps = depsAt(at('2026-02-11', '09:00'));
    await sendInvitation(deps.send, { invitationId: seeded.invitation.id, step: 'invite' });
    await day(c, '2026-02-14');

    const mail = await mailTo(seeded.email);
    const [invite, reminder] = await Promise.all(
      mail.map(async (m) =>
        simpleParser(await (await fetch(`${SES}/api/messages/${m.id}/raw`)).arrayBuffer().then(Buffer.from)),
      ),
    );
    expect(invite!.subject).toBe('Quarterly customer satisfaction survey: we would value your feedback');
    expect(reminder!.subject).toBe(
      'Reminder: Quarterly customer satisfaction survey: we would value your feedback',
    );
    expect(reminder!.text).toContain('A friendly reminder');
    expect(reminder!.html).toContain('A friendly reminder');
    for (const m of [invite!, reminder!]) {
      expect(m.text).toContain(seeded.surveyUrl);
      expect(m.text).toContain(seeded.unsubscribeUrl);
      const header = m.headerLines.find((h) => h.key === 'list-unsubscribe')?.line;
      // Folded; unfolded it is the one unsubscribe link.
      expect(header?.replace(/\r?\n\s+/g, ' ')).toBe(`List-Unsubscribe: <${seeded.unsubscribeUrl}>`);
    }
    expect(reminder!.messageId).toMatch(/^<remind-1\./);
    expect(invite!.messageId).toMatch(/^<invite\./);
  });

  it('should queue nothing for a campaign without reminders, and fail clearly when a wave names an unknown calendar', async () => {
    const { reminders: _, ...withoutReminders } = campaign();
    const quiet: Campaign = withoutReminders;
    await invited(quiet, '2026-02-11');
    const lost = campaign({ reminders: { afterWorkingDays: 3, max: 2, calendar: 'atlantis' } });
    await invited(lost, '2026-02-11');
    const deps = depsAt(at('2026-02-14'));

    const result = await remind(deps.remind, { campaign: quiet });

    expect(result.queued).toBe(0);
    await expect(remind(deps.remind, { campaign: lost })).rejects.toBeInstanceOf(ReminderCalendarError);
    expect(await drain()).toEqual([]);
  });
});
