import { Cron } from 'croner';
import { actionsSweepSchedule } from '../functions/domain/actions/sweep.ts';
import { type Campaign, reminderSchedule, type Schedule } from '../functions/domain/programme.ts';

/*
 * EventBridge Scheduler, locally: the same cron expressions and time zones the stack deploys, read from
 * the same programme, invoking the same handlers with the same event shapes (`scheduledTime` is the
 * schedule's tick, as `<aws.scheduler.scheduled-time>` is in AWS).
 */
export interface ScheduleTargets {
  dispatch(event: { campaignId: string; scheduledTime: string }): Promise<unknown>;
  report(event: { campaignId: string; trigger: 'schedule' }): Promise<unknown>;
  remind(event: { campaignId: string }): Promise<unknown>;
  /** The daily sweep of a campaign's corrective actions. */
  actions(event: { campaignId: string }): Promise<unknown>;
}

export type ScheduleKind = 'dispatch' | 'report' | 'remind' | 'actions';

export interface ScheduledJob {
  campaignId: string;
  kind: ScheduleKind;
  cron: string;
  timeZone: string;
  /** The next tick after `after` (default now). */
  nextRun(after?: Date): Date | null;
  /** Fires the job now, as its schedule would. */
  trigger(): Promise<void>;
}

export interface RunningSchedules {
  jobs: ScheduledJob[];
  stop(): void;
}

export interface ScheduleHooks {
  onRun?: (job: ScheduledJob, result: unknown) => void;
  onError?: (job: ScheduledJob, error: unknown) => void;
}

/**
 * The croner form of a programme cron. `?` means "no specific value" to EventBridge but "the current
 * value" to croner, so it becomes `*` (the programme never restricts both day fields).
 */
export function toCronerPattern(cron: string): string {
  return cron
    .trim()
    .split(/\s+/)
    .map((f) => (f === '?' ? '*' : f))
    .join(' ');
}

/** The EventBridge Scheduler `scheduled-time` of a tick: the minute, in UTC, without milliseconds. */
export function scheduledTimeOf(tick: Date): string {
  return new Date(Math.floor(tick.getTime() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
}

/**
 * Starts one croner job per campaign dispatch, report, (if it sends reminders) reminder and (if it has
 * corrective actions) actions schedule.
 */
export function startSchedules(
  campaigns: readonly Campaign[],
  targets: ScheduleTargets,
  hooks: ScheduleHooks = {},
): RunningSchedules {
  const crons: Cron[] = [];
  const jobs: ScheduledJob[] = [];
  for (const campaign of campaigns) {
    const schedules: Array<[ScheduleKind, Schedule | undefined]> = [
      ['dispatch', campaign.dispatch],
      ['report', campaign.report.schedule],
      ['remind', reminderSchedule(campaign)],
      ['actions', actionsSweepSchedule(campaign)],
    ];
    for (const [kind, schedule] of schedules) {
      if (!schedule) continue;
      let job: ScheduledJob;
      const cron = new Cron(
        toCronerPattern(schedule.cron),
        // protect: a slow run is not overlapped by the next tick, as one schedule target invocation at a time.
        { timezone: schedule.timeZone, mode: '5-part', protect: true, unref: true },
        async () => {
          try {
            const result =
              kind === 'dispatch'
                ? await targets.dispatch({
                    campaignId: campaign.id,
                    scheduledTime: scheduledTimeOf(new Date()),
                  })
                : kind === 'report'
                  ? await targets.report({ campaignId: campaign.id, trigger: 'schedule' })
                  : kind === 'remind'
                    ? await targets.remind({ campaignId: campaign.id })
                    : await targets.actions({ campaignId: campaign.id });
            hooks.onRun?.(job, result);
          } catch (e) {
            hooks.onError?.(job, e);
          }
        },
      );
      job = {
        campaignId: campaign.id,
        kind,
        cron: schedule.cron,
        timeZone: schedule.timeZone,
        nextRun: (after) => cron.nextRun(after),
        trigger: () => cron.trigger(),
      };
      crons.push(cron);
      jobs.push(job);
    }
  }
  return {
    jobs,
    stop: () => {
      for (const c of crons) c.stop();
    },
  };
}

/** `2026-12-04 18:00` in `timeZone`: when a job runs next, as its schedule reads. */
export function localTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The schedules as rows for `npm start`'s table: campaign, kind, cron, time zone, next run there. */
export function scheduleRows(jobs: readonly ScheduledJob[], now = new Date()): string[][] {
  return jobs.map((j) => {
    const next = j.nextRun(now);
    return [j.campaignId, j.kind, j.cron, j.timeZone, next ? localTime(next, j.timeZone) : '–'];
  });
}

export const SCHEDULE_HEAD = ['Campaign', 'Runs', 'Cron', 'Time zone', 'Next (local time)'];
