import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../functions/adapters/dynamo-store.ts';
import { findCampaign } from '../functions/domain/programme.ts';
import type { DispatchResponse } from '../functions/handlers/dispatch/index.ts';
import type { RemindResponse } from '../functions/handlers/remind/index.ts';
import type { ReportResponse } from '../functions/handlers/report/index.ts';
import { type CampaignStatusReport, getCampaignStatus } from '../functions/use-cases/status.ts';
import { loadDemoCustomers, programme } from '../programme/index.ts';
import { controlApi } from './control.ts';
import { ensureTable, type Running, startDynamo } from './dynamo.ts';
import { startEvents } from './events-server.ts';
import { describeScheduledRun, type LocalFunctions, sesEventSink, wireFunctions } from './functions.ts';
import { ControlError, startHttpBridge } from './http-bridge.ts';
import { busyPorts, busyPortsMessage, type Ports, portsFrom } from './ports.ts';
import { type LocalS3, startS3 } from './s3.ts';
import { type ScheduledJob, startSchedules } from './schedules.ts';
import { startSes } from './ses-server.ts';
import { startSqs } from './sqs-server.ts';
import {
  DEFAULT_DATA_DIR,
  isAlive,
  LocalStackError,
  readStackFile,
  STACK_FILE,
  type StackInfo,
  tokenSecretIn,
} from './stack-file.ts';

export { callControl, findLocalStack } from './control.ts';
export { DEFAULT_DATA_DIR, isAlive, LocalStackError, STACK_FILE, type StackInfo } from './stack-file.ts';

/*
 * The whole loop on one machine (DESIGN.md §4): dynalite, s3rver, the local SES endpoint, the local SQS
 * endpoint feeding the send handler and the dispatch worker, the HTTP bridge in front of the survey-page handler, and the
 * programme's schedules, all on 127.0.0.1, all data under one folder. The handlers and adapters are the
 * ones deployed to AWS; only the endpoints differ, given through the SDK's AWS_ENDPOINT_URL_* variables.
 * Handler modules read their environment once, at import, so a process holds one stack configuration:
 * a restart in the same process must reuse the data folder and ports (which is what keeps URLs stable).
 */
export const DEFAULT_PORT_BASE = 4500;
export { type Ports, portsFrom };
export const SEND_QUEUE = 'csat-send';
/** The dispatch task queue (lib/dispatch-fanout.ts), consumed by the dispatch worker. */
export const DISPATCH_QUEUE = 'csat-dispatch';
const TABLE = 'csat';
const BUCKET = 'csat-local';
/** The configuration set the local SES endpoint names on its events (the functions send without one). */
const SES_CONFIGURATION_SET = 'csat-local';
const REGION = 'us-east-1';
// s3rver accepts only its own key pair; the other emulators take any.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalStackOptions {
  dataDir?: string;
  ports?: Ports;
  /** Fire the programme's dispatch and report schedules (default true). */
  schedules?: boolean;
  /** Seed the demo customers and, if this campaign has no wave yet, dispatch one (default 'demo'). */
  firstWave?: string | false;
  /** How long a failed send waits before it is retried (default 10 s; SQS's is ≥ 6 × function timeout). */
  visibilityTimeoutMs?: number;
  /**
   * How long a dispatch task, failed or cut off by a crash, waits before it is run again (default 60 s:
   * longer than a local task takes, shorter than the deployed 30 minutes, for a quick resume).
   */
  dispatchVisibilityTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface LocalStack {
  info: StackInfo;
  ports: Ports;
  /** The wave dispatched at start, or undefined when the campaign already had one. */
  firstWave: DispatchResponse | undefined;
  schedules: ScheduledJob[];
  dispatch(campaignId: string, scheduledTime?: string): Promise<DispatchResponse>;
  /** A wave's report (the latest unless `waveId`) or, with `period` (2026-Q4, …), a period's. */
  report(campaignId: string, which?: { waveId?: string; period?: string }): Promise<ReportResponse>;
  /** Runs the campaign's reminder sweep now and waits until the queued reminders are sent. */
  remind(campaignId: string): Promise<RemindResponse>;
  status(campaignId: string): Promise<CampaignStatusReport>;
  /** Resolves once the dispatch and the send queue have nothing left to deliver. */
  idle(timeoutMs?: number): Promise<void>;
  /** Dead letters of both queues. */
  deadLetters(): number;
  close(): Promise<void>;
}

let appliedEnv: Record<string, string> | undefined;

/** Points this process's SDK clients and handlers at the local stack. */
function applyEnv(env: Record<string, string>): void {
  if (appliedEnv) {
    const changed = Object.keys(env).filter((k) => appliedEnv?.[k] !== env[k]);
    if (changed.length > 0) {
      throw new LocalStackError(
        `this process already ran a local stack with other settings (${changed.join(', ')}); the handlers keep the environment they were loaded with, so restart with the same data folder and ports or use a new process`,
      );
    }
  }
  appliedEnv = env;
  Object.assign(process.env, env);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
}

/** Starts the local stack; `close()` stops it, keeping its data. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const ports = options.ports ?? portsFrom(DEFAULT_PORT_BASE);
  const log = options.log ?? ((line: string) => console.log(line));
  const firstWaveCampaign = options.firstWave ?? 'demo';
  if (firstWaveCampaign && !findCampaign(programme, firstWaveCampaign)) {
    throw new LocalStackError(`no campaign "${firstWaveCampaign}" in the programme`);
  }
  await mkdir(dataDir, { recursive: true });
  const running = await readStackFile(dataDir);
  if (running && running.pid !== process.pid && isAlive(running.pid)) {
    throw new LocalStackError(
      `a local stack is already running on ${dataDir} (pid ${running.pid}, ${running.urls.survey}); stop it first`,
    );
  }
  const busy = await busyPorts(ports);
  if (busy.length > 0) throw new LocalStackError(busyPortsMessage(busy, ports));

  const started: Running[] = [];
  let stopSchedules = () => {};
  const stop = async () => {
    stopSchedules();
    // Newest first: the bridge and queue stop calling handlers before the emulators they use go away.
    for (const r of started.splice(0).reverse()) await r.close();
  };
  try {
    const secret = await tokenSecretIn(dataDir);
    // SES events wait for their handler, loaded once the environment below is set.
    const sesEvents = sesEventSink(log);
    const controlToken = randomBytes(24).toString('base64url');
    // Emulators first, the bridge last: `stop` closes in reverse, so requests stop before what they use.
    const emulators = await Promise.allSettled([
      startDynamo({ port: ports.dynamodb, path: join(dataDir, 'dynamodb') }),
      startS3({ port: ports.s3, directory: join(dataDir, 's3'), buckets: [BUCKET] }),
      // What the deployed EventBridge rule does with the simulator's bounces and complaints.
      startSes({
        port: ports.ses,
        directory: join(dataDir, 'mail'),
        configurationSet: SES_CONFIGURATION_SET,
        onEvent: sesEvents.onEvent,
      }),
    ]);
    for (const r of emulators) if (r.status === 'fulfilled') started.push(r.value);
    const failed = emulators.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [dynamo, s3, ses] = emulators.map((r) => (r as PromiseFulfilledResult<Running>).value) as [
      Running,
      LocalS3,
      Running,
    ];
    const sqs = await startSqs({
      port: ports.sqs,
      directory: join(dataDir, 'queue'),
      queues: [
        { name: SEND_QUEUE, visibilityTimeoutMs: options.visibilityTimeoutMs ?? 10_000, maxReceiveCount: 5 },
        // As deployed: one task per invocation, five receives to the dead letters. Four workers at once,
        // enough to overlap the shards' tasks on this machine.
        {
          name: DISPATCH_QUEUE,
          visibilityTimeoutMs: options.dispatchVisibilityTimeoutMs ?? 60_000,
          maxReceiveCount: 5,
          batchSize: 1,
          concurrency: 4,
        },
      ],
      onConsumerError: (e, name) =>
        log(
          `[${name === DISPATCH_QUEUE ? 'dispatch-worker' : 'send'}] a batch failed and will be retried: ${e instanceof Error ? e.name : 'error'}`,
        ),
    });
    started.push(sqs);
    // What a rule on the deployed bus would receive: logged, and kept in events/events.jsonl.
    const events = await startEvents({
      port: ports.events,
      directory: join(dataDir, 'events'),
      onEvent: (e) => log(`[event] ${e['detail-type']}`),
    });
    started.push(events);
    let ready = false;
    let control: ReturnType<typeof controlApi> | undefined;
    const bridge = await startHttpBridge({
      port: ports.http,
      control: {
        token: controlToken,
        handle: (req) => {
          // `control` is set before `ready`: the check is for the type checker.
          if (!ready || !control) throw new ControlError(503, 'the local stack is still starting');
          return control(req);
        },
      },
    });
    started.push(bridge);
    const queue = sqs.queue(SEND_QUEUE);
    const dispatchQueue = sqs.queue(DISPATCH_QUEUE);
    // Tasks queue send jobs, never the other way round: once the tasks are done, the jobs are all queued.
    const idle = async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      await dispatchQueue.idle({ timeoutMs });
      await queue.idle({ timeoutMs: Math.max(1, deadline - Date.now()) });
    };

    applyEnv({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
      TABLE_NAME: TABLE,
      BUCKET_NAME: BUCKET,
      SEND_QUEUE_URL: queue.url,
      DISPATCH_QUEUE_URL: dispatchQueue.url,
      TOKEN_SECRET: secret,
      PUBLIC_BASE_URL: bridge.url,
    });
    // A session token from the developer's shell would be sent along with the dummy keys.
    delete process.env.AWS_SESSION_TOKEN;

    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
    });
    await ensureTable(client, TABLE);
    const store = new DynamoStore(DynamoDBDocumentClient.from(client), TABLE);

    // Only now: the handler modules read the environment set above when they load.
    const fns: LocalFunctions = await wireFunctions({ bridge, queue, dispatchQueue, s3, sesEvents, log });
    const { dispatch, report, remind } = fns;
    control = controlApi(fns, () => idle(120_000));

    let firstWave: DispatchResponse | undefined;
    if (firstWaveCampaign) {
      await store.putCustomers(await loadDemoCustomers());
      if ((await store.listWaves(firstWaveCampaign)).length === 0) {
        firstWave = await dispatch(firstWaveCampaign);
      }
    }

    let jobs: ScheduledJob[] = [];
    if (options.schedules ?? true) {
      const schedules = startSchedules(programme.campaigns, fns.schedules, {
        onRun: (job, result) => log(describeScheduledRun(job, result)),
        onError: (job, e) =>
          log(`[schedule] ${job.campaignId} ${job.kind} failed: ${e instanceof Error ? e.message : e}`),
      });
      stopSchedules = schedules.stop;
      jobs = schedules.jobs;
    }

    const info: StackInfo = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir,
      region: REGION,
      tableName: TABLE,
      bucketName: BUCKET,
      queueUrl: queue.url,
      controlToken,
      urls: { survey: bridge.url, mailbox: ses.endpoint, control: `${bridge.url}/_local` },
      endpoints: {
        dynamodb: dynamo.endpoint,
        s3: s3.endpoint,
        ses: ses.endpoint,
        sqs: sqs.endpoint,
        events: events.endpoint,
      },
    };
    ready = true;
    // The control token is in it: readable by this user only.
    await writeFile(join(dataDir, STACK_FILE), JSON.stringify(info, null, 2), { mode: 0o600 });

    return {
      info,
      ports: {
        http: Number(new URL(bridge.url).port),
        ses: Number(new URL(ses.endpoint).port),
        dynamodb: Number(new URL(dynamo.endpoint).port),
        s3: Number(new URL(s3.endpoint).port),
        sqs: Number(new URL(sqs.endpoint).port),
        events: Number(new URL(events.endpoint).port),
      },
      firstWave,
      schedules: jobs,
      dispatch,
      report,
      remind: async (campaignId) => {
        const result = await remind(campaignId);
        await idle(120_000).catch(() => {});
        return result;
      },
      status: (campaignId) => getCampaignStatus({ store }, { campaignId }),
      idle: (timeoutMs = 60_000) => idle(timeoutMs),
      deadLetters: () => queue.deadLetters().length + dispatchQueue.deadLetters().length,
      async close() {
        await stop();
        const current = await readStackFile(dataDir).catch(() => undefined);
        if (current?.pid === process.pid) await rm(join(dataDir, STACK_FILE), { force: true });
      },
    };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
