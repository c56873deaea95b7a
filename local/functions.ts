import { documentClient } from '../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../functions/adapters/dynamo-store.ts';
import { IMPORTS_PREFIX } from '../functions/domain/customers/import-file.ts';
import type { ActionsResponse } from '../functions/handlers/actions/index.ts';
import type { DispatchResponse } from '../functions/handlers/dispatch/index.ts';
import { dispatchResponseOfWave, inProgress } from '../functions/handlers/dispatch/response.ts';
import type { RemindResponse } from '../functions/handlers/remind/index.ts';
import type { ReportResponse } from '../functions/handlers/report/index.ts';
import { describeSweep } from '../functions/use-cases/action-sweep.ts';
import type { PeriodReportResult } from '../functions/use-cases/period-report.ts';
import { describeReportOutcome, type ReportOutcome } from '../functions/use-cases/report.ts';
import type { RunningBridge } from './http-bridge.ts';
import { lambdaContext } from './lambda-context.ts';
import type { LocalS3 } from './s3.ts';
import type { ScheduledJob, ScheduleTargets } from './schedules.ts';
import type { SesEventBridgeEvent } from './ses-server.ts';
import type { LocalQueue } from './sqs-server.ts';

/*
 * The deployed handlers, wired to the local emulators as the stack wires them in AWS: the survey page
 * behind the HTTP bridge, the send function on the send queue, the dispatch worker on the dispatch queue, the import function on the bucket's
 * notifications, SES events from the simulator, and the functions the schedules and the CLI invoke.
 */
type SesEventsModule = typeof import('../functions/handlers/ses-events/index.ts');

/** The functions the schedules, the control API and the tests invoke, with the events the deployed ones get. */
export interface LocalFunctions {
  dispatch(campaignId: string, scheduledTime?: string, smoke?: unknown): Promise<DispatchResponse>;
  /** A wave's report (the latest unless `waveId`) or, with `period` (2026-Q4, …), a period's. */
  report(campaignId: string, which?: { waveId?: string; period?: string }): Promise<ReportResponse>;
  remind(campaignId: string): Promise<RemindResponse>;
  /** The daily sweep of a campaign's corrective actions. */
  actions(campaignId: string): Promise<ActionsResponse>;
  /** What the programme's schedules invoke (schedules.ts). */
  schedules: ScheduleTargets;
}

/**
 * SES events may come before the handlers can load (they read the environment at import): the sink holds
 * them until `wireFunctions` hands it the ses-events handler.
 */
export function sesEventSink(log: (line: string) => void) {
  let load = (_: SesEventsModule) => {};
  const loaded = new Promise<SesEventsModule>((done) => {
    load = done;
  });
  return {
    load,
    onEvent: (event: SesEventBridgeEvent) =>
      loaded
        .then((fn) => fn.handler(event, lambdaContext('ses-events')))
        .then(({ outcome }) => log(`[ses-events] ${event['detail-type']}: ${outcome}`))
        .catch((e) => log(`[ses-events] failed: ${e instanceof Error ? e.message : e}`)),
  };
}

/** Loads the handlers (once the environment is set: they read it at import) and wires them up. */
export async function wireFunctions(targets: {
  bridge: RunningBridge;
  queue: LocalQueue;
  /** The dispatch task queue, which the dispatch worker consumes (lib/dispatch-fanout.ts). */
  dispatchQueue: LocalQueue;
  s3: LocalS3;
  sesEvents: ReturnType<typeof sesEventSink>;
  log: (line: string) => void;
}): Promise<LocalFunctions> {
  const { bridge, queue, dispatchQueue, s3, log } = targets;
  const [surveyPage, dispatchFn, workerFn, sendFn, reportFn, importFn, remindFn, sesEventsFn, actionsFn] =
    await Promise.all([
      import('../functions/handlers/survey-page/index.ts'),
      import('../functions/handlers/dispatch/index.ts'),
      import('../functions/handlers/dispatch-worker/index.ts'),
      import('../functions/handlers/send/index.ts'),
      import('../functions/handlers/report/index.ts'),
      import('../functions/handlers/import-customers/index.ts'),
      import('../functions/handlers/remind/index.ts'),
      import('../functions/handlers/ses-events/index.ts'),
      import('../functions/handlers/actions/index.ts'),
    ]);
  targets.sesEvents.load(sesEventsFn);
  bridge.setHandler((event, context) => surveyPage.handler(event, context));
  queue.consume((event) => sendFn.handler(event, lambdaContext('send')));
  // A task runs up to a chunk of a shard: the worker's deployed timeout, not the default minute.
  dispatchQueue.consume((event) => workerFn.handler(event, lambdaContext('dispatch-worker', 300_000)));
  // What the deployed bucket notification does (lib/stateless-stack.ts): same filter, same handler.
  s3.onObjectCreated({ prefix: IMPORTS_PREFIX, suffixes: ['.csv', '.json'] }, (event) => {
    importFn
      .handler(event, lambdaContext('import-customers'))
      .then(({ files }) => {
        for (const f of files) {
          if (f.outcome === 'imported') {
            log(
              `[import] ${f.key}: ${f.imported} imported, ${f.rejected} rejected; report in ${f.reportKey}`,
            );
          }
        }
      })
      .catch((e) => log(`[import] failed: ${e instanceof Error ? e.message : e}`));
  });

  // As `csat dispatch` does on AWS, the local dispatch follows the wave until the dispatch worker is
  // through with it (the local dispatch queue), and answers with its figures.
  const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
  const dispatch = async (
    campaignId: string,
    scheduledTime?: string,
    smoke?: unknown,
  ): Promise<DispatchResponse> => {
    const started = await dispatchFn.handler(
      {
        campaignId,
        ...(scheduledTime ? { scheduledTime } : {}),
        ...(smoke !== undefined ? { smoke } : {}),
      },
      lambdaContext('dispatch'),
    );
    if (!inProgress(started)) return started;
    await dispatchQueue.idle({ timeoutMs: 300_000 });
    const wave = await store.getWave(started.campaignId, started.waveId);
    return wave ? dispatchResponseOfWave(wave) : started;
  };
  const remind = (campaignId: string): Promise<RemindResponse> =>
    remindFn.handler({ campaignId }, lambdaContext('remind'));
  const actions = (campaignId: string): Promise<ActionsResponse> =>
    actionsFn.handler({ campaignId }, lambdaContext('actions'));
  return {
    dispatch,
    // The CLI's event, as the deployed function gets it: the handler checks it (a bad period is its 400).
    report: (campaignId, which = {}) =>
      reportFn.handler(
        {
          campaignId,
          // Passed as given, so the handler refuses an empty one rather than making another report.
          ...(which.waveId !== undefined ? { waveId: which.waveId } : {}),
          ...(which.period !== undefined ? { period: which.period } : {}),
        },
        lambdaContext('report'),
      ),
    remind,
    actions,
    schedules: {
      dispatch: (e) => dispatch(e.campaignId, e.scheduledTime),
      report: (e) => reportFn.handler(e, lambdaContext('report')),
      remind: (e) => remind(e.campaignId),
      actions: (e) => actions(e.campaignId),
    },
  };
}

/** The log line of a scheduled run's result. */
export function describeScheduledRun(job: ScheduledJob, result: unknown): string {
  const dispatched = result as DispatchResponse;
  return `[schedule] ${job.campaignId} ${job.kind}: ${
    job.kind === 'dispatch'
      ? `wave ${dispatched.waveId}, ${dispatched.invited} invited`
      : job.kind === 'remind'
        ? `${(result as RemindResponse).queued} reminders queued`
        : job.kind === 'actions'
          ? describeSweep(result as ActionsResponse)
          : 'period' in (result as ReportResponse)
            ? `period ${(result as PeriodReportResult).period} reported, ${(result as PeriodReportResult).emailed} emailed`
            : describeReportOutcome(result as ReportOutcome)
  }`;
}
