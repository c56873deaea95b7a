import type { CorrectiveAction } from '../../functions/domain/actions/model.ts';

/** A corrective action of campaign `campaignId` for report and CLI tests: open, round 0, Asia/Shanghai. */
export function reportAction(
  id: string,
  overrides: Partial<CorrectiveAction> & { resolved?: string } = {},
  campaignId = 'demo',
): CorrectiveAction {
  const { resolved, ...rest } = overrides;
  const openedAt = rest.openedAt ?? '2026-10-01T00:00:00.000Z';
  return {
    // Ids are the table's keys: unique per campaign, so test files can share the names.
    id: campaignId === 'demo' ? id : `${campaignId}.${id}`,
    campaignId,
    campaignName: { 'zh-CN': '演示', en: 'Demo' },
    sender: { from: 'survey@example.com', name: { 'zh-CN': '演示', en: 'Demo' } },
    linkDays: 14,
    source: { kind: 'response', waveId: 'w1', invitationId: `inv-${id}` },
    department: 'Sales',
    reasons: [{ kind: 'total-below', total: 40, threshold: 70 }],
    status: 'open',
    openedAt,
    timeZone: 'Asia/Shanghai',
    dueDate: '2026-10-20',
    round: 0,
    owners: [{ email: 'head@example.com', language: 'en' }],
    notify: [],
    managers: [{ email: 'boss@example.com', language: 'en' }],
    notices: {},
    history: [
      { at: openedAt, by: 'csat', event: 'opened' },
      ...(resolved ? [{ at: resolved, by: 'head@example.com', event: 'resolved' as const }] : []),
    ],
    ...(resolved ? { resolvedAt: resolved } : {}),
    ...rest,
  };
}

/**
 * The hand-computed fixture (test/domain/actions-summary.test.ts spells out every figure), at REPORT_NOW
 * (2026-10-15 in Shanghai). Department names that would be Object.prototype's keys.
 */
export const REPORT_NOW = new Date('2026-10-15T04:00:00.000Z');
export const fixtureActions = (campaignId = 'demo'): CorrectiveAction[] => [
  // Sales: verified, resolved on time after 2.5 days.
  reportAction(
    'a1',
    { status: 'verified', resolved: '2026-10-03T12:00:00.000Z', resolvedOnTime: true },
    campaignId,
  ),
  // Sales: resolved late after 4 days.
  reportAction(
    'a2',
    {
      openedAt: '2026-10-02T00:00:00.000Z',
      status: 'resolved',
      resolved: '2026-10-06T00:00:00.000Z',
      resolvedOnTime: false,
    },
    campaignId,
  ),
  // Sales: open and overdue (due 10-10, it is 10-15).
  reportAction('a3', { dueDate: '2026-10-10', openedAt: '2026-10-03T00:00:00.000Z' }, campaignId),
  // __proto__: resolved after 1 day, then reopened (round 1), due 10-20: not overdue.
  reportAction(
    'a4',
    {
      department: '__proto__',
      status: 'reopened',
      round: 1,
      resolved: '2026-10-02T00:00:00.000Z',
      resolvedOnTime: true,
    },
    campaignId,
  ),
  // constructor: closed unverified, resolved on time after 0.25 days.
  reportAction(
    'a5',
    {
      department: 'constructor',
      openedAt: '2026-10-05T00:00:00.000Z',
      status: 'closed-unverified',
      resolved: '2026-10-05T06:00:00.000Z',
      resolvedOnTime: true,
    },
    campaignId,
  ),
  // hasOwnProperty: acknowledged, due today: not overdue.
  reportAction(
    'a6',
    { department: 'hasOwnProperty', status: 'acknowledged', dueDate: '2026-10-15' },
    campaignId,
  ),
];
