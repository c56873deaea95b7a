/*
 * `csat smoke [--stack NAME]`: proves a stack's loop end to end with SES's mailbox simulator (three
 * customers, a one-off wave to them only, the survey page, one answer stored once, the reports, bounce
 * and complaint suppressions), then removes everything it made, also after a failure. Exit code 1 when a
 * step or the cleanup failed. How smoke customers and waves stay apart from real ones: domain/smoke.ts.
 */
import { randomBytes } from 'node:crypto';
import { findCampaign } from '../../functions/domain/programme.ts';
import { programme } from '../../programme/index.ts';
import { type Io, type Options, targetOf, UsageError } from './io.ts';
import {
  cleanup,
  dispatchWave,
  emptyPeriodReport,
  openSurveyPage,
  putCustomers,
  type Removed,
  SmokeFailure,
  type SmokeRun,
  submitAnswer,
  waitForSends,
  waitForSuppressions,
  waveReport,
} from './smoke-steps.ts';

export const SMOKE_STEPS = [
  ['customers', 'put 3 smoke customers into the directory', putCustomers],
  ['dispatch', 'dispatch a one-off wave to them only', dispatchWave],
  ['send', 'send step emailed all 3', waitForSends],
  ['survey-page', 'survey page opens through the signed link', openSurveyPage],
  ['answer', 'answer stored exactly once', submitAnswer],
  ['wave-report', 'report of the smoke wave written to S3', waveReport],
  ['period-report', 'report of an empty period written to S3', emptyPeriodReport],
  ['suppressions', 'bounce and complaint suppress their customers', waitForSuppressions],
] as const satisfies ReadonlyArray<readonly [string, string, (run: SmokeRun) => Promise<string>]>;
export type SmokeStepId = (typeof SMOKE_STEPS)[number][0] | 'cleanup';
type StepId = (typeof SMOKE_STEPS)[number][0];

export interface SmokeStepResult {
  step: SmokeStepId;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** What the step saw (passed) or why it failed. */
  detail?: string;
  ms: number;
}

export interface SmokeReport {
  ok: boolean;
  runId: string;
  campaignId: string;
  target: string;
  steps: SmokeStepResult[];
  removed?: Removed;
}

/** Test seams: a fault injected before a step proves a failing run still cleans up. */
export interface SmokeHooks {
  beforeStep?: (step: StepId) => void | Promise<void>;
}

const DEFAULT_TIMEOUT_S = 180;

const line = (r: SmokeStepResult): string => {
  const took = r.status === 'skipped' ? '' : ` (${(r.ms / 1000).toFixed(1)} s)`;
  if (r.status === 'passed') return `✓ ${r.title}: ${r.detail}${took}`;
  if (r.status === 'failed') return `✗ ${r.title}: ${r.detail}${took}`;
  return `- ${r.title}: skipped (a step before failed)`;
};

const removedText = (r: Removed): string =>
  `removed ${r.customers} customer(s), ${r.waves} wave(s), ${r.invitations} invitation(s) (${r.responses} response(s)), ${r.reportFiles} report file(s)`;

/** The campaign a smoke wave borrows questionnaire and sender from: --campaign, or the first periodic one. */
function smokeCampaignOf(values: Options): string {
  if (values.campaign !== undefined) {
    const campaign = findCampaign(programme, values.campaign);
    if (!campaign) {
      throw new UsageError(
        `no campaign "${values.campaign}" in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
      );
    }
    if (campaign.trigger)
      throw new UsageError(`--campaign: ${campaign.id} is event-triggered; name a periodic one`);
    return campaign.id;
  }
  const periodic = programme.campaigns.find((c) => !c.trigger);
  if (!periodic) throw new UsageError('the programme has no periodic campaign for a smoke wave');
  return periodic.id;
}

function timeoutOf(values: Options): number {
  if (values.timeout === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout is a number of seconds, not "${values.timeout}"`);
  return seconds * 1000;
}

export async function smokeCommand(
  args: string[],
  values: Options,
  io: Io,
  hooks: SmokeHooks = {},
): Promise<number> {
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
  for (const option of ['wave', 'period', 'format'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not go with smoke`);
  }
  const campaignId = smokeCampaignOf(values);
  const timeoutMs = timeoutOf(values);
  const target = await targetOf(values, io);
  const run: SmokeRun = {
    runId: randomBytes(6).toString('hex'),
    campaignId,
    target,
    timeoutMs,
    reportKeys: new Set(),
  };
  const report: SmokeReport = {
    ok: true,
    runId: run.runId,
    campaignId,
    target: target.data.description,
    steps: [],
  };
  const show = (r: SmokeStepResult) => {
    report.steps.push(r);
    if (!values.json) io.stdout(line(r));
  };
  if (!values.json) io.stdout(`csat smoke of ${report.target}: run ${run.runId}, campaign ${campaignId}`);

  try {
    for (const [step, title, action] of SMOKE_STEPS) {
      if (!report.ok) {
        show({ step, title, status: 'skipped', ms: 0 });
        continue;
      }
      const started = Date.now();
      try {
        await hooks.beforeStep?.(step);
        const detail = await action(run);
        show({ step, title, status: 'passed', detail, ms: Date.now() - started });
      } catch (e) {
        report.ok = false;
        // A SmokeFailure says what the step saw; anything else is the stack's (or the SDK's) message.
        const detail =
          e instanceof SmokeFailure ? e.message : `${e instanceof Error ? e.message : String(e)}`;
        show({ step, title, status: 'failed', detail, ms: Date.now() - started });
      }
    }
  } finally {
    const started = Date.now();
    const title = 'cleanup: everything the run made removed';
    try {
      const { removed, problems } = await cleanup(run);
      report.removed = removed;
      if (problems.length > 0) report.ok = false;
      show({
        step: 'cleanup',
        title,
        status: problems.length > 0 ? 'failed' : 'passed',
        detail:
          problems.length > 0
            ? `${removedText(removed)}; left: ${problems.join('; ')}`
            : removedText(removed),
        ms: Date.now() - started,
      });
    } catch (e) {
      report.ok = false;
      show({
        step: 'cleanup',
        title,
        status: 'failed',
        detail: e instanceof Error ? e.message : String(e),
        ms: Date.now() - started,
      });
    }
  }
  io.stdout(
    values.json
      ? JSON.stringify(report, null, 2)
      : report.ok
        ? `Smoke test passed: ${report.target} works end to end.`
        : 'Smoke test FAILED (see ✗ above).',
  );
  return report.ok ? 0 : 1;
}
