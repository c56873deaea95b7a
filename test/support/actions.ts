import { ActionsConfig } from '../../functions/domain/actions/config.ts';
import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';
import { newAction } from '../../functions/domain/actions/open.ts';
import { findCalendar } from '../../functions/domain/calendar/holiday-calendar.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';
import { demoCampaign } from './programme.ts';

/** The cn-mainland calendar the demo campaign counts working days by. */
export const cnCalendar = findCalendar(programme.calendars, 'cn-mainland');

/** The demo campaign with a closed loop: totals under 70, "dissatisfied" or worse, complaint keywords. */
export const loopCampaign: Campaign & { actions: ActionsConfig } = {
  ...demoCampaign,
  actions: ActionsConfig.parse({
    triggers: {
      totalBelow: 70,
      ratingAtOrBelow: 'dissatisfied',
      keywords: ['投诉', 'complaint'],
      contactRequest: true,
    },
    customerService: [{ email: 'service@example.com' }],
  }),
};

/** A response's action of the loop campaign in north-region, opened at `at`, with a customer. */
export function sampleAction(
  id: string,
  at: Date,
  overrides: Partial<CorrectiveAction> = {},
): CorrectiveAction {
  return {
    ...newAction({
      id,
      campaign: loopCampaign,
      calendar: cnCalendar,
      source: { kind: 'response', waveId: 'demo-20261201T0100', invitationId: `inv-${id}` },
      department: 'north-region',
      reasons: [{ kind: 'total-below', total: 42, threshold: 70 }],
      at,
      customer: { id: 'c1', name: '王伟', email: 'wang.wei@example.com', language: 'zh-CN' },
      response: {
        answeredAt: at.toISOString(),
        total: 42,
        grade: 'D',
        ratings: { delivery: 'very-dissatisfied' },
        comments: {},
        questionnaireVersion: 2,
      },
    }),
    ...overrides,
  };
}
