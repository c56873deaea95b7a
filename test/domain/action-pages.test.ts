import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { newAction } from '../../functions/domain/actions/open.ts';
import { WEEKENDS_ONLY } from '../../functions/domain/calendar/index.ts';
import { actionPage } from '../../functions/domain/pages/action-page.ts';
import { verifyConfirmPage, verifyNotCountedPage } from '../../functions/domain/pages/verify-page.ts';
import { demoCampaign, itss } from '../support/programme.ts';

/*
 * The action and follow-up pages as pure functions: what they show for each state, and that no text a
 * person typed (customer name, comments, root cause, action taken, history notes) can become markup.
 */
const campaign = {
  ...demoCampaign,
  actions: ActionsConfig.parse({
    triggers: { totalBelow: 70 },
    customerService: [{ email: 'cs@example.com' }],
  }),
};

function action(overrides: Partial<CorrectiveAction> = {}): CorrectiveAction {
  return {
    ...newAction({
      id: 'a1',
      campaign,
      calendar: WEEKENDS_ONLY,
      source: { kind: 'response', waveId: 'w1', invitationId: 'i1' },
      department: 'south-region',
      reasons: [
        { kind: 'keyword', keyword: 'complaint', question: 'suggestions' },
        { kind: 'contact-request' },
      ],
      at: new Date('2026-03-02T01:00:00Z'),
      customer: { id: 'c1', name: 'Bob', email: 'bob@example.test', language: 'en' },
      response: {
        answeredAt: '2026-03-02T01:00:00Z',
        total: 60,
        grade: 'D',
        ratings: { quality: 'dissatisfied' },
        comments: { suggestions: 'a complaint' },
        questionnaireVersion: 1,
      },
    }),
    ...overrides,
  };
}

const view = (a: CorrectiveAction, extra = {}) => ({
  language: 'zh-CN' as const,
  action: a,
  questionnaire: itss,
  viewer: 'south.head@example.com',
  ...extra,
});

describe('actionPage', () => {
  it('should name the department as the campaign names it, in the page language, and by its id without names', () => {
    const zh = actionPage(view(action(), { departments: demoCampaign.departments }));
    const en = actionPage(view(action(), { language: 'en', departments: demoCampaign.departments }));
    const bare = actionPage(view(action(), { language: 'en' }));

    expect(zh).toContain('<dd>南方大区</dd>');
    expect(zh).toMatch(/<title>[^<]*南方大区<\/title>/);
    expect(en).toContain('<dd>South region</dd>');
    expect(en).not.toContain('south-region');
    expect(bare).toContain('<dd>south-region</dd>');
  });

  it('should offer acknowledge and resolve while open, and only resolve once acknowledged', () => {
    const open = actionPage(view(action()));
    const acknowledged = actionPage(view(action({ status: 'acknowledged' })));

    expect(open).toContain('value="acknowledge"');
    expect(open).toContain('value="resolve"');
    expect(open).toContain('“您对我们有什么建议或其他要求？”中提到“complaint”');
    expect(open).toContain('客户要求我们联系他');
    expect(acknowledged).not.toContain('value="acknowledge"');
    expect(acknowledged).toContain('value="resolve"');
  });

  it('should show the resolution and no forms once resolved or verified, and say so for a target’s action', () => {
    const resolved = action({ status: 'verified', rootCause: 'Cause', actionTaken: 'Fix' });
    const target = action({
      source: { kind: 'target', period: '2026-Q1' },
      reasons: [{ kind: 'target', measure: 'satisfaction-rate', actual: 0.9, target: 0.95 }],
    });
    delete target.customer;
    delete target.response;

    const page = actionPage(view(resolved, { language: 'en' }));
    const targetPage = actionPage(view(target, { language: 'en' }));

    expect(page).toContain('Verified by the customer');
    expect(page).toContain('<p class="text">Cause</p>');
    expect(page).not.toContain('<form');
    expect(targetPage).toContain('Satisfaction rate 0.9 missed the target 0.95');
    expect(targetPage).toContain('there is no customer to contact');
    expect(targetPage).not.toContain('mailto:');
  });

  it('should escape whatever a person typed, wherever it is shown (fast-check)', () => {
    const payload = fc.oneof(
      fc.string(),
      fc.constantFrom('<script>x</script>', '</textarea><img src=x onerror=alert(1)>', '"><b>', "'&<>"),
    );
    fc.assert(
      fc.property(payload, payload, payload, payload, (name, comment, cause, taken) => {
        const a = action({
          status: 'reopened',
          customer: { id: 'c', name, email: `${name}@x`, language: 'en' },
          rootCause: cause,
          actionTaken: taken,
          history: [{ at: '2026-03-03T00:00:00Z', by: name, event: 'reopened', note: comment }],
        });
        a.response = { ...a.response!, comments: { suggestions: comment } };
        const page = actionPage(view(a, { values: { rootCause: cause, actionTaken: taken } }));
        const markup = page.replace(/<style>[\s\S]*<\/style>/, '');
        // Only the page's own tags: every `<` a person typed arrives as &lt;.
        for (const m of markup.matchAll(/<\/?([a-z0-9]+)/gi))
          expect([
            'html',
            'head',
            'meta',
            'title',
            'style',
            'body',
            'header',
            'nav',
            'a',
            'main',
            'h1',
            'h2',
            'h3',
            'p',
            'dl',
            'dt',
            'dd',
            'ul',
            'li',
            'section',
            'div',
            'table',
            'thead',
            'tbody',
            'tr',
            'th',
            'td',
            'span',
            'br',
            'form',
            'input',
            'label',
            'textarea',
            'button',
          ]).toContain(m[1]);
        expect(markup).not.toMatch(/<script|<img|<b>/i);
      }),
      { numRuns: 200 },
    );
  });
});

describe('verify pages', () => {
  it('should preselect the link’s answer and speak the customer’s language', () => {
    const page = verifyConfirmPage({ language: 'en', campaignName: campaign.name, answer: 'no' });

    expect(page).toContain('<html lang="en">');
    expect(page).toContain('value="no" required checked');
    expect(page).not.toContain('value="yes" required checked');
    expect(verifyNotCountedPage('zh-CN', 'closed')).toContain('回答时间已过');
  });
});
