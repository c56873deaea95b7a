import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { responseAction } from '../../functions/domain/actions/open.ts';
import { findCalendar } from '../../functions/domain/calendar/index.ts';
import { actionEmail } from '../../functions/domain/email/action-email.ts';
import { invitationEmail } from '../../functions/domain/email/invitation.ts';
import type { EmailMessage } from '../../functions/domain/email/message.ts';
import type { Language } from '../../functions/domain/language.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { summarizeActions } from '../../functions/domain/report/actions-summary.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportEmail } from '../../functions/domain/report/email.ts';
import { periodDigestEmail } from '../../functions/domain/report/period-email.ts';
import type { PeriodReportDocument } from '../../functions/domain/report/period-report.ts';
import { programme } from '../../programme/index.ts';
import { periodReport } from '../domain/period-fixture.ts';
import { reportInvitations, reportWave } from '../domain/report-fixture.ts';
import { allAt, demoCampaign, itss } from './programme.ts';
import { fixtureActions, REPORT_NOW } from './report-actions.ts';

/*
 * Every kind of email csat sends, rendered from the domain with the test fixtures, in either language:
 * the caniemail check (test/domain/email-clients.test.ts) and the browser check
 * (test/browser/emails-readable.test.ts) go through the same list, so a new kind is checked by both.
 */

const NOW = new Date('2026-12-02T04:45:00.000Z');
const BASE = 'https://survey.example.test/';
const SECRET = 'test-secret-test-secret-test-secret';
const calendar = findCalendar(programme.calendars, 'cn-mainland');

/** The demo campaign with heads, customer service and a follow-up that tells the customer what was done. */
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

/** An open response action of north-region, with a comment and every rating "very dissatisfied". */
function action(language: Language): CorrectiveAction {
  const a = responseAction({
    campaign,
    questionnaire: itss,
    calendar,
    waveId: 'demo-20261202T1245',
    responseId: 'inv-1',
    anonymous: false,
    department: 'north-region',
    customer: { id: 'c1', name: 'Alice Morgan', email: 'alice@example.test', language },
    response: {
      answeredAt: NOW.toISOString(),
      total: 20,
      grade: 'E',
      ratings: allAt('very-dissatisfied'),
      comments: { dissatisfaction: 'The delivery came a week late and nobody told us why.' },
      questionnaireVersion: 1,
    },
    at: NOW,
  });
  if (!a) throw new Error('expected an action');
  return a;
}

const render = (a: CorrectiveAction, kind: Parameters<typeof actionEmail>[0]['kind'], recipient: number) => {
  const message = actionEmail({
    departments: campaign.departments,
    action: a,
    kind,
    recipient,
    questionnaire: itss,
    secret: SECRET,
    baseUrl: BASE,
    now: NOW,
  });
  if (!message) throw new Error(`no ${kind} email for recipient ${recipient}`);
  return message;
};

function invitation(language: Language, step: 'invite' | 'remind-1'): EmailMessage {
  return invitationEmail({
    invitationId: 'AAAAAAAAAAAAAAAAAAAAAA',
    customer: {
      id: 'c1',
      name: language === 'en' ? 'Alice Morgan' : '王伟',
      email: 'alice@example.com',
      language,
      department: 'north-region',
    },
    campaign: demoCampaign,
    deadline: '2026-12-16T12:02:00.000Z',
    surveyUrl: `${BASE}s/AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB`,
    unsubscribeUrl: `${BASE}u/AAAAAAAAAAAAAAAAAAAAAA.CCCCCCCCCCCCCCCCCCCCCC`,
    now: NOW,
    step,
    questionnaire: itss,
  });
}

function waveDigest(language: Language): EmailMessage {
  const wave = reportWave({ managers: ['boss@staff.example'], language });
  const now = new Date('2025-04-10T10:00:00Z');
  return reportEmail({
    report: buildReport(wave, reportInvitations(wave), now),
    from: { name: 'Customer Service', address: 'survey@example.com' },
    replyTo: 'quality@example.com',
    managers: wave.campaign.report.managers,
    htmlUrl: `${BASE}r/cmVwb3J0Lmh0bWw.AAAAAAAAAAAAAAAAAAAAAA?a=1&b=2`,
    csvUrl: `${BASE}r/cmVzcG9uc2VzLmNzdg.BBBBBBBBBBBBBBBBBBBBBB?a=1&b=2`,
    linksExpireAt: new Date(now.getTime() + 7 * 86_400_000),
    now,
  });
}

function periodDigest(language: Language, department?: string): EmailMessage {
  const report: PeriodReportDocument = {
    ...periodReport({ language, ...(department ? { department } : {}) }),
    actions: summarizeActions(fixtureActions(), REPORT_NOW),
  };
  const now = new Date('2025-05-01T03:00:00.000Z');
  return periodDigestEmail({
    report,
    from: { name: 'Customer Service', address: 'survey@example.com' },
    to: ['boss@staff.example'],
    htmlUrl: `${BASE}r/cmVwb3J0Lmh0bWw.AAAAAAAAAAAAAAAAAAAAAA?a=1&b=2`,
    csvUrl: `${BASE}r/cmVzcG9uc2VzLmNzdg.BBBBBBBBBBBBBBBBBBBBBB?a=1&b=2`,
    linksExpireAt: new Date(now.getTime() + 7 * 86_400_000),
    now,
  });
}

/** The kinds, by a name fit for a screenshot file. */
export const EMAIL_KINDS = [
  'invitation',
  'reminder',
  'wave-digest',
  'period-digest',
  'period-digest-head',
  'action-alert',
  'action-owner',
  'action-verify',
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** One email of the kind, in the language (the action emails' recipient is chosen by the language). */
export function renderEmail(kind: EmailKind, language: Language): EmailMessage {
  switch (kind) {
    case 'invitation':
      return invitation(language, 'invite');
    case 'reminder':
      return invitation(language, 'remind-1');
    case 'wave-digest':
      return waveDigest(language);
    case 'period-digest':
      return periodDigest(language);
    case 'period-digest-head':
      return periodDigest(language, 'South');
    case 'action-alert':
      // Recipient 0 is the English head, 1 the Chinese one.
      return render(action('en'), 'alert', language === 'en' ? 0 : 1);
    case 'action-owner':
      return render(action('en'), 'escalation', 0);
    case 'action-verify':
      // Resolved, with what was done told to the customer and a date to answer by.
      return render(
        {
          ...action(language),
          status: 'resolved',
          actionTaken: 'We replaced the router and called you back.\nThe new one is covered for two years.',
          verification: { sentAt: NOW.toISOString(), answerBy: '2026-12-09' },
        },
        'verify',
        0,
      );
  }
}
