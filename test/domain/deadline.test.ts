import { describe, expect, it } from 'vitest';
import { deadlineText } from '../../functions/domain/deadline.ts';
import { invitationEmail } from '../../functions/domain/email/invitation.ts';
import { surveyPage } from '../../functions/domain/pages/survey-page.ts';
import { demoCampaign, itss } from '../support/programme.ts';

// 12:02 UTC is 20:02 in Shanghai, the demo campaign's dispatch time zone.
const DEADLINE = '2026-12-16T12:02:00.000Z';

describe('Function: deadlineText', () => {
  it('should say the date, weekday, 24-hour time and zone in English', () => {
    expect(deadlineText(DEADLINE, 'Asia/Shanghai', 'en')).toBe(
      'Please answer by Wednesday 16 December 2026, 20:02 (China Standard Time).',
    );
  });

  it('should say the same in Chinese', () => {
    expect(deadlineText(DEADLINE, 'Asia/Shanghai', 'zh-CN')).toBe(
      '请于 2026年12月16日（星期三）20:02（中国标准时间）前作答。',
    );
  });

  it('should name the zone as it is at that instant, summer time included, and cross midnight', () => {
    // 23:30 UTC on 1 July is 00:30 on 2 July in London.
    expect(deadlineText('2026-07-01T23:30:00.000Z', 'Europe/London', 'en')).toBe(
      'Please answer by Thursday 2 July 2026, 00:30 (British Summer Time).',
    );
    expect(deadlineText('2026-07-01T23:30:00.000Z', 'Europe/London', 'zh-CN')).toBe(
      '请于 2026年7月2日（星期四）00:30（英国夏令时间）前作答。',
    );
  });

  it('should fall back to UTC for a zone Intl does not know, and to the text for a date it cannot read', () => {
    expect(deadlineText(DEADLINE, 'Mars/Olympus', 'en')).toBe(
      'Please answer by Wednesday 16 December 2026, 12:02 (Coordinated Universal Time).',
    );
    expect(deadlineText('soon', 'Asia/Shanghai', 'en')).toBe('Please answer by soon.');
  });
});

describe('The deadline in the invitation, the reminder and on the survey page', () => {
  it.each(['en', 'zh-CN'] as const)('should be one sentence everywhere (%s)', (language) => {
    // Arrange
    const sentence = deadlineText(DEADLINE, demoCampaign.dispatch.timeZone, language);
    const customer = {
      id: 'c1',
      name: 'Alice',
      email: 'alice@example.com',
      language,
      department: 'north-region',
    };
    const base = {
      invitationId: 'AAAAAAAAAAAAAAAAAAAAAA',
      customer,
      campaign: demoCampaign,
      deadline: DEADLINE,
      surveyUrl: 'https://survey.example.test/s/x',
      unsubscribeUrl: 'https://survey.example.test/u/x',
      now: new Date('2026-12-02T04:45:00.000Z'),
    };

    // Act
    const invitation = invitationEmail(base);
    const reminder = invitationEmail({ ...base, step: 'remind-1' });
    const page = surveyPage({
      language,
      questionnaire: itss,
      customerName: 'Alice',
      expiresAt: DEADLINE,
      timeZone: demoCampaign.dispatch.timeZone,
      wave: { campaignId: 'demo', waveId: 'demo-20261202T1245' },
    });

    // Assert
    expect(sentence).toContain('20:02');
    for (const text of [invitation.text, invitation.html, reminder.text, reminder.html, page]) {
      expect(text).toContain(sentence);
    }
  });
});
