import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyActionLink, verifyVerifyLink } from '../../functions/domain/actions/links.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { noticeRecipients } from '../../functions/domain/actions/notices.ts';
import { responseAction } from '../../functions/domain/actions/open.ts';
import { findCalendar } from '../../functions/domain/calendar/index.ts';
import { dayText } from '../../functions/domain/email/action-common.ts';
import { actionEmail } from '../../functions/domain/email/action-email.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';
import { allAt, demoCampaign, itss } from '../support/programme.ts';

const SECRET = 'test-secret-test-secret-test-secret';
const BASE = 'https://survey.example.test/';
const NOW = new Date('2026-03-02T02:00:00.000Z');
const calendar = findCalendar(programme.calendars, 'cn-mainland');

const campaign: Campaign = {
  ...demoCampaign,
  report: {
    ...demoCampaign.report,
    managers: ['gm@staff.example'],
    departmentHeads: [
      { department: 'north-region', email: 'north@staff.example', language: 'en' },
      { department: 'north-region', email: 'north-zh@staff.example' },
    ],
  },
  actions: {
    ...demoCampaign.actions!,
    customerService: [{ email: 'service@staff.example', language: 'en' }],
    verification: { ...demoCampaign.actions!.verification, tellCustomer: true },
  },
};

function action(
  overrides: { department?: string; name?: string; comment?: string; anonymous?: boolean } = {},
): CorrectiveAction {
  const a = responseAction({
    campaign,
    questionnaire: itss,
    calendar,
    waveId: 'demo-w1',
    responseId: 'inv-1',
    anonymous: overrides.anonymous ?? false,
    department: overrides.department ?? 'north-region',
    customer: {
      id: 'c1',
      name: overrides.name ?? 'Alice Morgan',
      email: 'alice@example.test',
      language: 'en',
    },
    response: {
      answeredAt: NOW.toISOString(),
      total: 20,
      grade: 'E',
      ratings: allAt('very-dissatisfied'),
      comments: { dissatisfaction: overrides.comment ?? 'A complaint about delivery' },
      questionnaireVersion: 1,
    },
    at: NOW,
  });
  if (!a) throw new Error('expected an action');
  return a;
}

const render = (a: CorrectiveAction, kind: Parameters<typeof actionEmail>[0]['kind'], recipient: number) =>
  actionEmail({ action: a, kind, recipient, questionnaire: itss, secret: SECRET, baseUrl: BASE, now: NOW });

describe('noticeRecipients', () => {
  it('should list each kind’s recipients in the contract’s order', () => {
    const a = action();
    const emails = (kind: Parameters<typeof noticeRecipients>[1]) =>
      noticeRecipients(a, kind).map((r) => r.email);
    expect(emails('alert')).toEqual([
      'north@staff.example',
      'north-zh@staff.example',
      'service@staff.example',
    ]);
    expect(emails('owner-reminder')).toEqual(['north@staff.example', 'north-zh@staff.example']);
    expect(emails('escalation')).toEqual(['gm@staff.example']);
    expect(emails('verify')).toEqual(['alice@example.test']);
    expect(emails('reopened')).toEqual(['gm@staff.example', 'north@staff.example', 'north-zh@staff.example']);
    expect(noticeRecipients(action({ anonymous: true }), 'verify')).toEqual([]);
  });
});

describe('action emails', () => {
  it('should render the alert in the recipient’s language with the answer, the contact and their own link', () => {
    const a = action();
    const en = render(a, 'alert', 0)!;
    expect(en.to).toEqual([{ address: 'north@staff.example' }]);
    expect(en.from.address).toBe(campaign.sender.from);
    expect(en.replyTo).toEqual({ address: campaign.sender.replyTo });
    expect(en.subject).toBe(
      'Action needed: Quarterly customer satisfaction survey: feedback for north-region',
    );
    for (const line of [
      'Total: 20 / 100 (grade E)',
      'Customer: Alice Morgan',
      'Email: alice@example.test',
      `Due date: ${dayText(a.dueDate, 'en')}`,
      // In the action's time zone (Shanghai), for people.
      'Answered: 2 March 2026 at 10:00',
      '- Total score 20, below 70',
      '- “Quality” rated “Very dissatisfied”',
      '- Quality: Very dissatisfied',
      '- If anything fell short, please tell us why: A complaint about delivery',
    ]) {
      expect(en.text).toContain(line);
    }
    const zh = render(a, 'alert', 1)!;
    expect(zh.subject).toBe('【需处理】季度客户满意度调查：north-region的客户反馈');
    expect(zh.text).toContain('- 质量: 非常不满意');
    for (const [i, ref] of [
      [0, 'o0'],
      [1, 'o1'],
      [2, 'n0'],
    ] as const) {
      const text = render(a, 'alert', i)!.text;
      const token = /\/a\/([^\s]+)/.exec(text)?.[1];
      expect(text).toContain(`https://survey.example.test/a/${token}`);
      expect(verifyActionLink(SECRET, token, NOW)).toEqual({ actionId: a.id, ref });
    }
    expect(render(a, 'alert', 3)).toBeUndefined();
    expect(new Set([0, 1, 2].map((i) => render(a, 'alert', i)!.messageId)).size).toBe(3);
  });

  it('should name the department as the campaign names it, in each recipient’s language', () => {
    // Arrange
    const a = action();
    const departments = { 'north-region': { en: 'North <region>', 'zh-CN': '北方大区' } };

    // Act
    const en = actionEmail({
      action: a,
      kind: 'alert',
      recipient: 0,
      departments,
      secret: SECRET,
      baseUrl: BASE,
      now: NOW,
    })!;
    const zh = actionEmail({
      action: a,
      kind: 'owner-reminder',
      recipient: 1,
      departments,
      secret: SECRET,
      baseUrl: BASE,
      now: NOW,
    })!;

    // Assert
    expect(en.subject).toBe(
      'Action needed: Quarterly customer satisfaction survey: feedback for North <region>',
    );
    expect(en.text).toContain('Department: North <region>');
    expect(en.html).toContain('North &lt;region&gt;');
    expect(en.html).not.toContain('north-region');
    expect(zh.subject).toBe('提醒：季度客户满意度调查：北方大区的纠正措施即将到期');
  });

  it('should say an anonymous campaign’s customer cannot be identified, and name nobody', () => {
    const a = action({ anonymous: true, name: 'Secret Person' });
    const mail = render(a, 'alert', 0)!;
    expect(mail.text).toContain('This survey is anonymous: the customer cannot be identified or contacted.');
    expect(mail.text).not.toMatch(/Secret Person|alice@example\.test|Customer:/);
    // The day it was answered, not the minute.
    expect(mail.text).toContain('Answered: Monday 2 March 2026\n');
    // Stored as its UTC day: a zone behind UTC must not name the day before.
    const west = {
      ...a,
      timeZone: 'America/New_York',
      response: { ...a.response!, answeredAt: '2026-03-02T00:00:00.000Z' },
    };
    expect(render(west, 'alert', 0)!.text).toContain('Answered: Monday 2 March 2026\n');
  });

  it('should escape every free text of the alert in its HTML part', () => {
    const hostile = fc.constantFrom(
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "'><svg onload=alert(1)>",
      '<a href="javascript:alert(1)">x</a>',
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, (name, comment, department) => {
        const mail = render(action({ name, comment: `complaint ${comment}`, department }), 'alert', 0)!;
        expect(mail.html).not.toMatch(/<script|<img|<svg|<a href="javascript/i);
        expect(mail.text).toContain(comment);
        expect(mail.subject).not.toContain('\n');
      }),
    );
  });

  it('should render the reminder, escalation and reopen with the due date, the status and the link', () => {
    const a = action();
    const reminder = render(a, 'owner-reminder', 1)!;
    expect(reminder.subject).toBe('提醒：季度客户满意度调查：north-region的纠正措施即将到期');
    expect(reminder.text).toContain(`处理期限: ${dayText(a.dueDate, 'zh-CN')}`);
    expect(reminder.text).toContain('状态: 待处理');
    const escalation = render(a, 'escalation', 0)!;
    expect(escalation.to).toEqual([{ address: 'gm@staff.example' }]);
    const token = /\/a\/([^\s]+)/.exec(escalation.text)?.[1];
    expect(verifyActionLink(SECRET, token, NOW)).toEqual({ actionId: a.id, ref: 'm0' });
    const reopened = {
      ...a,
      status: 'reopened' as const,
      round: 1,
      history: [...a.history, { at: NOW.toISOString(), by: 'customer', event: 'reopened' as const }],
    };
    const toOwner = render(reopened, 'reopened', 1)!;
    expect(toOwner.to).toEqual([{ address: 'north@staff.example' }]);
    expect(toOwner.text).toContain('The customer said the issue is not resolved to their satisfaction.');
    const noAnswer = { ...reopened, history: [...a.history, { ...reopened.history.at(-1)!, by: 'csat' }] };
    expect(render(noAnswer, 'reopened', 1)!.text).toContain(
      'The customer did not answer the follow-up in time.',
    );
    expect(verifyActionLink(SECRET, /\/a\/([^\s]+)/.exec(toOwner.text)?.[1], NOW)?.ref).toBe('o0');
  });

  it('should ask the customer one question with yes and no links for this round, and tell what was done', () => {
    const a: CorrectiveAction = {
      ...action(),
      status: 'resolved',
      actionTaken: 'Replaced the <b>router</b>',
      verification: { sentAt: NOW.toISOString(), answerBy: '2026-03-09' },
    };
    const mail = render(a, 'verify', 0)!;
    expect(mail.to).toEqual([{ name: 'Alice Morgan', address: 'alice@example.test' }]);
    expect(mail.text).toContain('Is it resolved to your satisfaction?');
    expect(mail.text).toContain('- Replaced the <b>router</b>');
    expect(mail.html).not.toContain('<b>router');
    expect(mail.text).toContain('Please answer by Monday 9 March 2026.');
    const yes = /\/v\/([^\s?]+)\?answer=yes/.exec(mail.text)?.[1];
    const no = /\/v\/([^\s?]+)\?answer=no/.exec(mail.text)?.[1];
    expect(yes).toBe(no);
    expect(verifyVerifyLink(SECRET, yes, new Date('2026-03-10T12:00:00Z'))).toEqual({
      actionId: a.id,
      round: 0,
    });
    // Not told when the campaign does not tell the customer.
    const { tellCustomer: _, ...untold } = a;
    expect(render(untold, 'verify', 0)!.text).not.toContain('router');
  });
});
