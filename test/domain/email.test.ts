import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDeadline, invitationEmail } from '../../functions/domain/email/invitation.ts';
import { oneLine } from '../../functions/domain/email/message.ts';
import type { InvitedCustomer } from '../../functions/domain/model.ts';
import { demoCampaign } from '../support/programme.ts';

const SURVEY = 'https://survey.example.test/s/AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB';
const UNSUBSCRIBE = 'https://survey.example.test/u/AAAAAAAAAAAAAAAAAAAAAA.CCCCCCCCCCCCCCCCCCCCCC';

const customer = (over: Partial<InvitedCustomer> = {}): InvitedCustomer => ({
  id: 'c1',
  name: 'Alice Morgan',
  email: 'alice@example.com',
  language: 'en',
  department: 'north-region',
  ...over,
});

const email = (over: Partial<InvitedCustomer> = {}) =>
  invitationEmail({
    invitationId: 'AAAAAAAAAAAAAAAAAAAAAA',
    customer: customer(over),
    campaign: demoCampaign,
    // 09:00 in Shanghai, the demo campaign's time zone.
    deadline: '2025-01-15T01:00:00.000Z',
    surveyUrl: SURVEY,
    unsubscribeUrl: UNSUBSCRIBE,
    now: new Date('2025-01-01T01:00:00.000Z'),
  });

describe('Function: invitationEmail', () => {
  it('should write an English customer in English, from the sender named in English', () => {
    const message = email();

    expect(message.subject).toBe('Quarterly customer satisfaction survey: we would value your feedback');
    expect(message.text).toContain('Dear Alice Morgan,');
    expect(message.text).toContain('Start the survey');
    expect(message.html).toContain('<html lang="en">');
    expect(message.from).toEqual({ name: 'Customer Service', address: 'survey@example.com' });
    expect(message.replyTo).toEqual({ address: 'quality@example.com' });
    expect(message.to).toEqual([{ name: 'Alice Morgan', address: 'alice@example.com' }]);
  });

  it('should write a Chinese customer in Chinese, from the sender named in Chinese', () => {
    const message = email({ name: '王伟', language: 'zh-CN' });

    expect(message.subject).toBe('季度客户满意度调查：诚邀您提出宝贵意见');
    expect(message.text).toContain('尊敬的王伟：');
    expect(message.text).toContain('开始填写问卷');
    expect(message.html).toContain('<html lang="zh-CN">');
    expect(message.html).not.toContain('Start the survey');
    expect(message.from.name).toBe('客户服务部');
  });

  it('should state the deadline in the campaign time zone, in the customer language', () => {
    expect(email().text).toContain(
      'The survey is open until Wednesday, January 15, 2025 at 9:00 AM (GMT+8).',
    );
    expect(email({ language: 'zh-CN' }).text).toContain('2025年1月15日星期三 09:00（GMT+8）');
  });

  it('should carry the survey link in both parts and as the button', () => {
    const message = email();

    expect(message.text).toContain(SURVEY);
    expect(message.html).toContain(`href="${SURVEY}"`);
    expect(message.html.match(/href="https:\/\/survey\.example\.test\/s\//g)).toHaveLength(2);
  });

  it('should show a visible unsubscribe link and carry the one-click unsubscribe headers', () => {
    const message = email();

    expect(message.text).toContain(UNSUBSCRIBE);
    expect(message.html).toContain(`href="${UNSUBSCRIBE}"`);
    expect(message.html).toContain('Unsubscribe from survey emails');
    expect(message.headers).toEqual({
      'List-Unsubscribe': `<${UNSUBSCRIBE}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('should derive the Message-ID from the invitation and the sender domain', () => {
    expect(email().messageId).toBe('<invite.AAAAAAAAAAAAAAAAAAAAAA@example.com>');
  });

  it('should escape a hostile customer name in the HTML part', () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & \'Bob\'';

    const message = email({ name: hostile });

    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<img');
    expect(message.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(message.html).toContain('&amp; &#39;Bob&#39;');
    expect(message.text).toContain(`Dear ${hostile},`);
  });

  it('should keep a name with line breaks on one line', () => {
    const message = email({ name: 'Eve\r\nBcc: victim@example.com' });

    expect(message.text.split('\n')[0]).toBe('Dear Eve Bcc: victim@example.com,');
    expect(message.to[0]?.name).toBe('Eve Bcc: victim@example.com');
  });

  it('should put no image or tracking pixel in the HTML', () => {
    expect(email().html).not.toMatch(/<img\b/i);
  });
});

describe('Function: formatDeadline', () => {
  it('should name the offset of the zone at that instant', () => {
    expect(formatDeadline('2025-07-01T12:00:00Z', 'en', 'Europe/London')).toBe(
      'Tuesday, July 1, 2025 at 1:00 PM (GMT+1)',
    );
  });
});

describe('Function: oneLine', () => {
  it('should never leave a line break, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(oneLine(s)).not.toMatch(/[\r\n\u2028\u2029]/);
      }),
    );
  });
});
