/* How the `csat` commands print their results for a person (`--json` prints the result itself). */
import { EXCLUSION_REASONS, type ExclusionReason, type Exclusions } from '../../functions/domain/audience.ts';
import { type DepartmentNames, departmentName } from '../../functions/domain/department-names.ts';
import type { DepartmentTally, Tally } from '../../functions/domain/status.ts';
import type { DispatchResponse } from '../../functions/handlers/dispatch/index.ts';
import type { RemindResponse } from '../../functions/handlers/remind/index.ts';
import type { ReportResponse } from '../../functions/handlers/report/index.ts';
import type { ImportCustomersReport } from '../../functions/use-cases/import-customers.ts';
import { describeReportOutcome, isSkipped } from '../../functions/use-cases/report.ts';
import type { CampaignStatusReport } from '../../functions/use-cases/status.ts';

const percent = (rate: number): string => `${(rate * 100).toFixed(1)} %`;

/** A plain aligned table: text columns left, numbers right. */
export function table(head: string[], rows: string[][], right: number[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

const NONE = '–';

/** "yes", or "NO" in capitals so a missed target stands out in a column of yeses. */
const metCell = (met: boolean | null): string => (met === null ? NONE : met ? 'yes' : 'NO');

/** Where the reminders of the next 90 days count by no official holiday notice; nothing when all do. */
function calendarLines(s: CampaignStatusReport): string[] {
  const c = s.calendar;
  if (!c || c.unofficial.length === 0) return [];
  return [
    `Calendar ${c.calendar} (reminders, ${c.from} to ${c.to}): no official holiday notice for ${c.unofficial.map((u) => u.year).join(', ')}`,
    ...c.unofficial.map((u) =>
      u.basis === 'provisional'
        ? `  ${u.from} to ${u.to}: PROVISIONAL, statutory holidays computed from the law (no bridge or make-up days)`
        : `  ${u.from} to ${u.to}: UNCOVERED, weekends only (no holidays)`,
    ),
    '  Add the notice to programme/calendars/ (README: next year’s holiday notice).',
  ];
}

/** The status table; departments by their English display names (campaign.departments), else their ids. */
function statusTable(status: CampaignStatusReport, names: DepartmentNames | undefined): string {
  const head = ['Wave', 'Department', 'Invited', 'Emailed', 'Answered', 'Return', 'Target', 'Met'];
  const row = (wave: string, department: string, t: Tally) => [
    wave,
    department,
    String(t.invited),
    String(t.emailed),
    String(t.answered),
    percent(t.returnRate),
    t.target === null ? NONE : percent(t.target),
    metCell(t.met),
  ];
  const rows: string[][] = [];
  const block = (label: string, departments: DepartmentTally[], total: Tally) => {
    departments.forEach((d, i) => {
      rows.push(row(i === 0 ? label : '', departmentName(names, d.department, 'en'), d));
    });
    rows.push(row(departments.length === 0 ? label : '', 'all', total));
  };
  for (const w of status.waves) block(w.waveId, w.departments, w);
  if (status.waves.length > 1) block('all waves', status.departments, status);
  return table(head, rows, [2, 3, 4, 5, 6]);
}

/** `[#######·······]  350/1000` */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${count}`;
}

export function importReport(r: ImportCustomersReport): string {
  const summary = `Imported ${r.imported} customer(s); rejected ${r.rejected} row(s).`;
  if (r.problems.length === 0) return summary;
  const rows = r.problems.map((p) => [String(p.line), p.field, p.reason]);
  return [summary, '', table(['Line', 'Field', 'Reason'], rows, [0])].join('\n');
}

const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  notInAudience: 'not in audience',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed',
  surveyedRecently: 'surveyed recently',
  notSampled: 'not sampled',
};

/** `3 not in audience · 1 unsubscribed · …`, every reason shown so a zero reads as checked. */
export const exclusionsText = (e: Exclusions): string =>
  EXCLUSION_REASONS.map((r) => `${e[r]} ${EXCLUSION_LABELS[r]}`).join(' · ');

/** Only the reasons that left someone out: `2 unsubscribed · 48 surveyed recently`. */
const nonZeroExclusions = (e: Exclusions): string =>
  EXCLUSION_REASONS.filter((r) => e[r] > 0)
    .map((r) => `${e[r]} ${EXCLUSION_LABELS[r]}`)
    .join(' · ') || 'nobody in the directory';

/** What `csat dispatch` did, in words: the wave's figures, why nobody was eligible, or how far it got. */
export function dispatchText(r: DispatchResponse): string {
  const wave = `Wave ${r.waveId} of ${r.campaignId}`;
  const seed = r.seed ? ` (seed ${r.seed})` : '';
  if (r.state === 'empty') {
    const why = r.day
      ? r.excluded
        ? `steps due on ${r.day} left out: ${nonZeroExclusions(r.excluded)}; no other that an earlier wave did not invite`
        : `no step due on ${r.day} that an earlier wave did not invite`
      : r.excluded
        ? nonZeroExclusions(r.excluded)
        : 'nobody selected';
    return `${wave}: 0 eligible: ${why}${seed}. No invitations; reports and reminders skip it.`;
  }
  if (r.state === 'selecting' || r.state === 'inviting') {
    return (
      `${wave} is still being dispatched (${r.state}). ` +
      `\`csat status ${r.campaignId}\` shows its progress; \`csat dispatch ${r.campaignId}\` resumes it if it stalled.`
    );
  }
  const left = !r.excluded
    ? ''
    : r.day
      ? `\nDue steps left out: ${nonZeroExclusions(r.excluded)}.`
      : `\nLeft out: ${exclusionsText(r.excluded)}${seed}.`;
  // A redone chunk or a repeated run creates fewer than the wave invited: those it found were emailed before.
  return `${wave}: ${r.invited} invited, ${r.created} created now, ${r.queued} email(s) queued.${left}`;
}

/**
 * A command's result for a person. `departments`: the campaign's display names of its departments, which
 * the text shows instead of their ids (the JSON keeps the ids).
 */
export function human(command: string, result: unknown, departments?: DepartmentNames): string {
  if (command === 'dispatch') return dispatchText(result as DispatchResponse);
  if (command === 'remind') {
    const r = result as RemindResponse;
    if (r.waves.length === 0) return `Campaign ${r.campaignId} has no open wave: no reminders.`;
    return [
      `Campaign ${r.campaignId}: ${r.queued} reminder(s) queued.`,
      '',
      table(
        ['Wave', 'Queued', 'Not due'],
        r.waves.map((w) => [
          w.waveId,
          Object.entries(w.queued)
            .map(([step, n]) => `${step} ${n}`)
            .join(', ') || '0',
          Object.entries(w.notDue)
            .map(([reason, n]) => `${reason} ${n}`)
            .join(', ') || '–',
        ]),
        [],
      ),
      ...(r.provisionalDecisions
        ? [
            '',
            `${r.provisionalDecisions} decision(s) rested on a year without an official holiday notice ` +
              '(provisional: see csat status).',
          ]
        : []),
    ].join('\n');
  }
  if (command === 'report') {
    const r = result as ReportResponse;
    if ('period' in r) {
      const folder = r.keys.html.replace(/report\.html$/, '');
      return [
        `Report of ${r.campaignId} for ${r.period}${r.final ? ' (final)' : ''}: emailed to ${r.emailed} recipient(s).`,
        r.departments.length > 0
          ? `Departments: ${r.departments.map((d) => departmentName(departments, d, 'en')).join(', ')} (the files of each under ${folder}departments/).`
          : 'No department had invitations in the period.',
        `${r.rolledUp.length} closed day(s) rolled up now, ${r.liveResponses} response(s) of today read live.`,
        table(
          ['File', 'Key'],
          (['html', 'csv', 'json'] as const).map((k) => [k, r.keys[k]]),
          [],
        ),
        // A report function deployed before the result carried the link answers without one.
        ...(r.htmlUrl ? ['', `Open: ${r.htmlUrl}`] : []),
      ].join('\n');
    }
    // Only a scheduled run skips, but a function that answers so should not print `undefined`s.
    if (isSkipped(r)) return describeReportOutcome(r);
    return [
      describeReportOutcome(r),
      table(
        ['File', 'Key'],
        (['html', 'csv', 'json'] as const).map((k) => [k, r.keys[k]]),
        [],
      ),
      '',
      `Open: ${r.htmlUrl}`,
    ].join('\n');
  }
  const s = result as CampaignStatusReport;
  const calendar = calendarLines(s);
  if (s.waves.length === 0) return [`Campaign ${s.campaignId} has no wave yet.`, ...calendar].join('\n');
  const selections = s.waves.flatMap((w) =>
    w.selection
      ? [
          `  ${w.waveId}: ${exclusionsText(w.selection.excluded)} (of ${w.selection.directory}; seed ${w.selection.seed})`,
        ]
      : [],
  );
  return [
    `Campaign ${s.campaignId}: ${s.invited} invited (${s.emailed} emailed), ${s.answered} answered, return rate ${percent(s.returnRate)}`,
    // Right under the headline: what the coming reminders count by matters before the figures do.
    ...calendar,
    '',
    statusTable(s, departments),
    ...(selections.length > 0 ? ['', 'Left out of each wave:', ...selections] : []),
  ].join('\n');
}
