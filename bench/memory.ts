/*
 * Bounded memory (issue 13), for `npm run bench`: remind, the wave report and `csat status` over one wave
 * of N invitations on the emulators, each step in a process of its own (bench/memory-bench.ts starts it
 * once per mode and size) so the peak it prints is that step's alone.
 *
 *   seed N    puts a wave of N invitations in DynamoDB (every email out 3 working days ago, so every
 *             unanswered one is due its first reminder; 40 % answered, a tenth of those with a comment, in
 *             eight departments), as dispatch and the survey leave them.
 *   remind N  the reminder sweep of the wave: the jobs go to a queue that only counts them.
 *   report N  the wave report: report.json, report.html, responses.csv (streamed to S3), the digest (SES).
 *   status N  `csat status` of the campaign.
 *
 * The heap is sampled every few milliseconds (after a full collection at the start, with --expose-gc):
 * peak_heap_mb is the most it held, above what it held before the step began. Prints one line of JSON.
 */
import { composeMime } from '../functions/adapters/mime.ts';
import { S3Blobs } from '../functions/adapters/s3-blobs.ts';
import { sesClient } from '../functions/adapters/ses-client.ts';
import { SesMailer } from '../functions/adapters/ses-mailer.ts';
import type { Invitation, SendJob, Wave } from '../functions/domain/model.ts';
import { currentQuestionnaire, findCampaign } from '../functions/domain/programme.ts';
import { score } from '../functions/domain/scoring.ts';
import { invitationId } from '../functions/domain/token.ts';
import { remind } from '../functions/use-cases/remind.ts';
import { generateReport, type ReportResult } from '../functions/use-cases/report.ts';
import { getCampaignStatus } from '../functions/use-cases/status.ts';
import { programme } from '../programme/index.ts';

const [mode, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
if (!['seed', 'remind', 'report', 'status'].includes(mode ?? '') || !Number.isInteger(size) || size < 1) {
  throw new Error(`usage: memory.ts seed|remind|report|status N, not ${process.argv.slice(2)}`);
}

const { documentClient } = await import('../functions/adapters/dynamo-client.ts');
const { DynamoStore } = await import('../functions/adapters/dynamo-store.ts');
const { DynamoSuppressions } = await import('../functions/adapters/dynamo-suppressions.ts');
const table = process.env.TABLE_NAME!;
const store = new DynamoStore(documentClient(), table);

const demo = findCampaign(programme, 'demo')!;
const questionnaire = currentQuestionnaire(programme, demo.questionnaire);
const campaignId = `memory-${size}`;
const campaign: Wave['campaign'] = {
  ...demo,
  id: campaignId,
  report: { ...demo.report, managers: ['managers@example.com'], departmentHeads: [] },
};
/** Wed 4 Mar 2026, 09:00 in Shanghai; the sweep runs on Mon 16 Mar 10:00, more than 3 working days later. */
const CREATED = '2026-03-04T01:00:00.000Z';
const NOW = new Date('2026-03-16T02:00:00.000Z');
const wave: Wave = {
  campaignId,
  waveId: `${campaignId}-20260304T0100`,
  createdAt: CREATED,
  deadline: '2026-03-25T01:00:00.000Z',
  campaign,
  questionnaire,
  invited: size,
};
const DEPARTMENTS = Array.from({ length: 8 }, (_, k) => `department-${k}`);
const LEVELS = questionnaire.scale.levels.map((l) => l.id);

function invitation(i: number): Invitation {
  const customerId = `m${size}-${i}`;
  const base: Invitation = {
    id: invitationId(wave.waveId, customerId),
    campaignId,
    waveId: wave.waveId,
    customer: {
      id: customerId,
      name: `客户 ${i}`,
      email: `${customerId}@example.com`,
      language: i % 3 === 0 ? 'en' : 'zh-CN',
      department: DEPARTMENTS[i % DEPARTMENTS.length]!,
    },
    createdAt: CREATED,
    expiresAt: wave.deadline,
    sent: { invite: CREATED },
  };
  if (i % 5 >= 2) return base;
  const ratings = Object.fromEntries(
    questionnaire.categories.map((c, k) => [c.id, LEVELS[(i * 7 + k * 3) % LEVELS.length]!]),
  );
  const answeredAt = new Date(Date.parse(CREATED) + 3_600_000 + ((i * 7919) % (8 * 86_400)) * 1000);
  return {
    ...base,
    response: {
      answeredAt: answeredAt.toISOString(),
      ratings,
      comments: i % 10 === 0 ? { suggestions: `送货太慢了 ${i}`.repeat(3) } : {},
      ...score(questionnaire, ratings),
      language: base.customer.language,
      questionnaireVersion: questionnaire.version,
    },
  };
}

/** The heap's peak above its level at the start, sampled every 2 ms. */
function heapSampler(): () => number {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 2);
  return () => {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return (peak - start) / 1024 / 1024;
  };
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;

if (mode === 'seed') {
  const t = performance.now();
  await store.putWave(wave);
  const CONCURRENCY = 16;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < size) await store.putInvitation(invitation(next++));
    }),
  );
  console.log(JSON.stringify({ seedMs: performance.now() - t }));
} else {
  const stop = heapSampler();
  const t = performance.now();
  let measured = { ms: 0, peakHeapMb: 0 };
  const done = () => {
    measured = { ms: performance.now() - t, peakHeapMb: stop() };
  };
  let out: Record<string, number> = {};
  if (mode === 'remind') {
    let queued = 0;
    const result = await remind(
      {
        store,
        queue: {
          enqueue: async (jobs: SendJob[]) => {
            queued += jobs.length;
          },
        },
        clock: { now: () => NOW },
        calendars: programme.calendars,
        suppressions: {
          list: new DynamoSuppressions(documentClient(), table),
          secret: async () => process.env.TOKEN_SECRET!,
        },
      },
      { campaign },
    );
    done();
    const expected = Array.from({ length: size }, (_, i) => i % 5 >= 2).filter(Boolean).length;
    if (queued !== expected || result.queued !== expected)
      throw new Error(`remind queued ${queued}, not ${expected}`);
    out = { queued };
  } else if (mode === 'report') {
    const result = (await generateReport(
      {
        store,
        blobs: new S3Blobs(process.env.BUCKET_NAME!),
        mailer: new SesMailer(sesClient(), {}),
        compose: composeMime,
        clock: { now: () => NOW },
        links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: 'https://survey.example.test' },
      },
      { campaignId, waveId: wave.waveId },
    )) as ReportResult;
    done();
    // Read back after the measure: the check holds the whole file, the report never did.
    const csv = await new S3Blobs(process.env.BUCKET_NAME!).find(result.keys.csv);
    const rows = (csv ?? '').split('\r\n').length - 2;
    const expected = Array.from({ length: size }, (_, i) => i % 5 < 2).filter(Boolean).length;
    if (rows !== expected) throw new Error(`responses.csv has ${rows} rows, not ${expected}`);
    out = { csvRows: rows };
  } else {
    const status = await getCampaignStatus({ store }, { campaignId });
    done();
    if (status.invited !== size) throw new Error(`status counts ${status.invited} invited, not ${size}`);
    out = { invited: status.invited };
  }
  console.log(JSON.stringify({ ...out, ...measured, peakRssMb: rssMb() }));
}
