import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invitationEmail } from '../../functions/domain/email/invitation.ts';
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
    // Arrange: 2025-01-15T01:00Z is 09:00 in Shanghai, the demo campaign's dispatch time zone.
    const english = 'Please answer by Wednesday 15 January 2025, 09:00 (China Standard Time).';
    const chinese = '请于 2025年1月15日（星期三）09:00（中国标准时间）前作答。';

    // Act
    const en = email();
    const zh = email({ language: 'zh-CN' });

    // Assert: in the text part, and twice in the HTML part (the preheader the inbox shows, the body).
    expect(en.text).toContain(english);
    expect(en.html.split(english)).toHaveLength(3);
    expect(zh.text).toContain(chinese);
    expect(zh.html.split(chinese)).toHaveLength(3);
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

describe('Function: oneLine', () => {
  it('should never leave a line break, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(oneLine(s)).not.toMatch(/[\r\n\u2028\u2029]/);
      }),
    );
  });
});
