/* `csat actions list` and `csat actions show`: read the target's table with the operator's credentials. */
import { DynamoActions } from '../../functions/adapters/dynamo-actions.ts';
import {
  ACTION_STATUSES,
  type ActionReason,
  type CorrectiveAction,
} from '../../functions/domain/actions/model.ts';
import type { ActionStore } from '../../functions/domain/actions/ports.ts';
import { findCampaign } from '../../functions/domain/programme.ts';
import { isOverdue } from '../../functions/domain/report/actions-summary.ts';
import { programme } from '../../programme/index.ts';
import { table } from './format.ts';
import { type Io, type Options, targetOf, UsageError } from './io.ts';

/** Names and notes from the table are data: control characters (a terminal's escapes) become spaces. */
const plain = (text: string): string => text.replace(/\p{Cc}/gu, ' ');

/** One reason in a few words: `total 40 < 70`, `rating delivery ≤ dissatisfied`, … */
export function reasonText(r: ActionReason): string {
  switch (r.kind) {
    case 'total-below':
      return `total ${r.total} < ${r.threshold}`;
    case 'rating':
      return `rating ${r.category} ≤ ${r.level}`;
    case 'keyword':
      return `keyword "${r.keyword}" in ${r.question}`;
    case 'contact-request':
      return 'asked to be contacted';
    case 'target':
      return `target ${r.measure}${r.item ? ` of ${r.item}` : ''}: ${r.actual} < ${r.target}`;
  }
}

/** What `list --json` gives per action: no customer, no answers. */
export const actionRow = (a: CorrectiveAction, now: Date) => ({
  id: a.id,
  department: a.department,
  status: a.status,
  openedAt: a.openedAt,
  dueDate: a.dueDate,
  overdue: isOverdue(a, now),
  round: a.round,
  source: a.source.kind,
  reasons: a.reasons,
});

export function actionsTable(actions: readonly CorrectiveAction[], now: Date): string {
  if (actions.length === 0) return 'No corrective actions.';
  return table(
    ['ID', 'DEPARTMENT', 'STATUS', 'DUE', 'OVERDUE', 'REASONS'],
    actions.map((a) => [
      a.id,
      plain(a.department),
      a.status,
      a.dueDate,
      isOverdue(a, now) ? 'OVERDUE' : '',
      plain(a.reasons.map(reasonText).join('; ')),
    ]),
    [],
  );
}

export function actionText(a: CorrectiveAction, now: Date): string {
  const line = (label: string, value: string | undefined) =>
    value === undefined ? [] : [`${label.padEnd(14)}${plain(value)}`];
  const block = (label: string, value: string | undefined) =>
    value === undefined ? [] : [`${label}:`, ...value.split('\n').map((l) => `  ${plain(l)}`)];
  return [
    ...line('Action', a.id),
    ...line('Campaign', a.campaignId),
    ...line('Department', a.department),
    ...line('Status', `${a.status}${isOverdue(a, now) ? ' (OVERDUE)' : ''}`),
    ...line(
      'Source',
      a.source.kind === 'target' ? `target, period ${a.source.period}` : `response, wave ${a.source.waveId}`,
    ),
    ...line('Opened', a.openedAt),
    ...line('Due', `${a.dueDate} (${a.timeZone}), round ${a.round}`),
    ...line('Reasons', a.reasons.map(reasonText).join('; ')),
    ...line('Owners', a.owners.map((o) => o.email).join(', ')),
    ...line('Notify', a.notify.length > 0 ? a.notify.map((o) => o.email).join(', ') : undefined),
    ...line('Managers', a.managers.map((o) => o.email).join(', ')),
    ...line('Customer', a.customer ? `${a.customer.name} <${a.customer.email}>` : undefined),
    ...line(
      'Resolved',
      a.resolvedAt ? `${a.resolvedAt}${a.resolvedOnTime ? ' (on time)' : ' (late)'}` : undefined,
    ),
    ...block('Root cause', a.rootCause),
    ...block('Action taken', a.actionTaken),
    'History:',
    ...a.history.map(
      (h) => `  ${h.at}  ${plain(h.event)}  ${plain(h.by)}${h.note ? `  ${plain(h.note)}` : ''}`,
    ),
  ].join('\n');
}

/** `csat actions list <campaign> [--status S]` and `csat actions show <id>`. */
export async function actionsCommand(
  args: string[],
  values: Options,
  io: Io,
  storeOf: () => Promise<ActionStore> = async () => {
    const { data } = await targetOf(values, io);
    return new DynamoActions(data.ddb, data.tableName);
  },
  now = new Date(),
): Promise<number> {
  const [sub, arg, ...extra] = args;
  if (sub !== 'list' && sub !== 'show')
    throw new UsageError(sub ? `unknown actions command "${sub}"` : 'actions needs list or show');
  for (const option of ['wave', 'period', 'format', 'email', 'out'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not go with actions ${sub}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (sub === 'show') {
    if (values.status !== undefined) throw new UsageError('--status goes with actions list only');
    if (!arg) throw new UsageError('actions show needs an action id, e.g. `csat actions show AbC…`');
    const action = await (await storeOf()).getAction(arg);
    if (!action) throw new Error(`no corrective action "${plain(arg)}"`);
    io.stdout(values.json ? JSON.stringify(action, null, 2) : actionText(action, now));
    return 0;
  }
  if (!arg) throw new UsageError('actions list needs a campaign, e.g. `csat actions list demo`');
  const status = values.status;
  if (status !== undefined && !(ACTION_STATUSES as readonly string[]).includes(status))
    throw new UsageError(`--status is one of ${ACTION_STATUSES.join(', ')}, not "${status}"`);
  if (!findCampaign(programme, arg)) {
    throw new UsageError(
      `no campaign "${arg}" in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
    );
  }
  const store = await storeOf();
  const found: CorrectiveAction[] = [];
  for await (const page of store.actionPages(arg)) {
    found.push(...page.filter((a) => status === undefined || a.status === status));
  }
  io.stdout(
    values.json
      ? JSON.stringify(
          found.map((a) => actionRow(a, now)),
          null,
          2,
        )
      : actionsTable(found, now),
  );
  return 0;
}
