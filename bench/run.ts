/*
 * `npm run bench`: the figures issue 2 asks for, each beside a baseline measured in the same run on the
 * same emulators (machines here are noisy, so the ratio is the figure, not the milliseconds):
 *   - survey page GET and submit latency (p50/p99) vs a bare GetItem / PutItem round trip;
 *   - emails/s through the send handler vs a bare SendRawEmail loop at the same concurrency;
 *   - each Lambda's bundle size and cold init, loaded alone as Lambda loads it (bench/bundle-init.ts);
 *   - period reports of a quarter of 1 k, 100 k and 1 M responses: the report's time and peak memory
 *     against the smallest's, and responses.csv (bench/period.ts, bench/period-bench.ts);
 *   - dispatch of a wave over 10 k and 100 k customers: time per customer, peak heap of a task, the
 *     longest task (bench/dispatch.ts, bench/dispatch-bench.ts);
 *   - remind, the wave report and csat status over a wave of 5 k and 20 k invitations: peak heap flat
 *     (bench/memory.ts, bench/memory-bench.ts; alone: `npx tsx bench/memory-main.ts`).
 * The emulators run in a child process (bench/emulators.ts), as AWS's services run elsewhere.
 * Prints a table and writes bench/results/latest.json (`BENCH_CASES=survey npm run bench`: only the survey
 * page's GET and submit, into bench/results/survey.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/dynamo.ts';
import { BUNDLE_INIT_CAPTION, measureBundleInit } from './bundle-init.ts';
import { startBenchEmulators } from './env.ts';
import { median, percentile, table } from './stats.ts';

const N = Number(process.env.BENCH_N ?? 400);
const WARMUP = 30;
const BATCH = 10;

const emulators = await startBenchEmulators();

const { documentClient } = await import('../functions/adapters/dynamo-client.ts');
const { s3Client } = await import('../functions/adapters/s3-client.ts');
const { sesClient } = await import('../functions/adapters/ses-client.ts');
const { DynamoStore } = await import('../functions/adapters/dynamo-store.ts');
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { programme } = await import('../programme/index.ts');
const { currentQuestionnaire, findCampaign } = await import('../functions/domain/programme.ts');
const { invitationId, signToken } = await import('../functions/domain/token.ts');
const { ratingField } = await import('../functions/domain/form-fields.ts');
const { buildMime } = await import('../functions/adapters/mime.ts');
const { httpEvent, lambdaContext, sqsEvent, sqsRecord } = await import('../test/support/fixtures.ts');

await ensureTable(new DynamoDBClient({}), process.env.TABLE_NAME!);
await (await s3Client()).send(new CreateBucketCommand({ Bucket: process.env.BUCKET_NAME }));
const ddb = documentClient();
const store = new DynamoStore(ddb, process.env.TABLE_NAME!);
const secret = process.env.TOKEN_SECRET!;

const campaign = findCampaign(programme, 'demo')!;
const questionnaire = currentQuestionnaire(programme, campaign.questionnaire);
const now = new Date();
const wave = {
  campaignId: campaign.id,
  waveId: 'demo-bench',
  createdAt: now.toISOString(),
  deadline: new Date(now.getTime() + 14 * 86_400_000).toISOString(),
  campaign,
  questionnaire,
  invited: 0,
};
await store.putWave(wave);

async function seedInvitations(prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const customerId = `${prefix}-${i}`;
    const id = invitationId(wave.waveId, customerId);
    ids.push(id);
    await store.putInvitation({
      id,
      campaignId: wave.campaignId,
      waveId: wave.waveId,
      customer: {
        id: customerId,
        name: `客户 ${i}`,
        email: `${customerId}@example.com`,
        language: i % 2 ? 'en' : 'zh-CN',
        department: 'north-region',
      },
      createdAt: wave.createdAt,
      expiresAt: wave.deadline,
      sent: {},
    });
  }
  return ids;
}

const context = lambdaContext();

// The same API Gateway v2 events the tests use.
const get = (token: string) => httpEvent('GET /s/{token}', { token });
const post = (token: string, body: string) =>
  httpEvent('POST /s/{token}', { token, body, contentType: 'application/x-www-form-urlencoded' });

const results: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, n: N };
const rows: Array<Record<string, string | number>> = [];
const latencyRow = (name: string, samples: number[], baseline: number[], target: number) => {
  const ratio = median(samples) / median(baseline);
  rows.push({
    measure: name,
    p50_ms: median(samples),
    p99_ms: percentile(samples, 99),
    baseline_p50_ms: median(baseline),
    baseline_p99_ms: percentile(baseline, 99),
    ratio,
    target: `≤ ${target}×`,
    met: ratio <= target ? 'yes' : 'NO',
  });
  results[name] = {
    p50: median(samples),
    p99: percentile(samples, 99),
    baselineP50: median(baseline),
    baselineP99: percentile(baseline, 99),
    ratio,
    target,
  };
};

// --- Survey page GET vs bare GetItem --------------------------------------------------------------
const { handler: surveyPage } = await import('../functions/handlers/survey-page/index.ts');
const getIds = await seedInvitations('get', 50);
const getTokens = getIds.map((id) => signToken(secret, 'survey', id));
// Interleave the two so drift in the machine's load hits both alike.
const bareGet: number[] = [];
const pageGet: number[] = [];
for (let i = -WARMUP; i < N; i++) {
  const id = getIds[Math.abs(i) % getIds.length]!;
  let t = performance.now();
  await ddb.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `INV#${id}`, sk: 'INV' } }));
  const bare = performance.now() - t;
  t = performance.now();
  const res = (await surveyPage(get(getTokens[Math.abs(i) % getTokens.length]!), context)) as {
    statusCode: number;
  };
  const page = performance.now() - t;
  if (res.statusCode !== 200) throw new Error(`survey GET answered ${res.statusCode}`);
  if (i >= 0) {
    bareGet.push(bare);
    pageGet.push(page);
  }
}
latencyRow('survey GET', pageGet, bareGet, 1.5);

// --- Submit vs bare PutItem --------------------------------------------------------------------------
const postIds = await seedInvitations('post', N + WARMUP);
// Submit the form as a browser would: with the hidden fields the page itself renders.
const rendered = (await surveyPage(get(signToken(secret, 'survey', postIds[0]!)), context)) as {
  body: string;
};
const hidden = Object.fromEntries(
  [...rendered.body.matchAll(/<input[^>]*type="hidden"[^>]*>/g)].map((m) => [
    /name="([^"]*)"/.exec(m[0])?.[1] ?? '',
    /value="([^"]*)"/.exec(m[0])?.[1] ?? '',
  ]),
);
const form = new URLSearchParams({
  ...hidden,
  ...Object.fromEntries(questionnaire.categories.map((c) => [ratingField(c.id), 'satisfied'])),
}).toString();
const barePut: number[] = [];
const submit: number[] = [];
for (let i = 0; i < N + WARMUP; i++) {
  let t = performance.now();
  await ddb.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk: `BENCH#${i}`, sk: 'BENCH', payload: form },
    }),
  );
  const bare = performance.now() - t;
  t = performance.now();
  const res = (await surveyPage(post(signToken(secret, 'survey', postIds[i]!), form), context)) as {
    statusCode: number;
  };
  const took = performance.now() - t;
  if (res.statusCode !== 200) throw new Error(`survey POST answered ${res.statusCode}`);
  if (i >= WARMUP) {
    barePut.push(bare);
    submit.push(took);
  }
}
// Issue 13: with the answers' gsi2 key sharded (dynamo-keys.ts) the submit is still one conditional write.
latencyRow('survey submit', submit, barePut, 1.6);

// BENCH_CASES=survey: only the survey page's two cases (GET and submit), written to bench/results/survey.json.
if (process.env.BENCH_CASES === 'survey') {
  console.log(`\nSurvey page latency (n=${N}, emulators in a child process; ms per operation)\n`);
  console.log(table(rows));
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(join('bench', 'results', 'survey.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results/survey.json');
  emulators.kill('SIGTERM');
  process.exit(0);
}

// --- Send handler vs bare SendRawEmail -----------------------------------------------------------
const { handler: send } = await import('../functions/handlers/send/index.ts');
const sendIds = await seedInvitations('send', N + WARMUP);
const sampleMime = await buildMime({
  from: 'survey@example.com',
  to: 'bench@example.com',
  subject: 'bench',
  text: 'x'.repeat(2000),
  html: `<p>${'x'.repeat(6000)}</p>`,
  headers: {},
});
const jobs = (ids: string[]) => sqsEvent(...ids.map((id) => sqsRecord({ invitationId: id, step: 'invite' })));
await send(jobs(sendIds.slice(0, WARMUP)), context);
for (let i = 0; i < WARMUP; i++)
  await sesClient().send(new SendRawEmailCommand({ RawMessage: { Data: sampleMime } }));
// The handler sends a batch's records one at a time (paced by the SES quota: the local endpoint allows
// 1000/s), so the bare loop does too.
let t0 = performance.now();
for (let i = 0; i < N; i++)
  await sesClient().send(new SendRawEmailCommand({ RawMessage: { Data: sampleMime } }));
const bareRate = N / ((performance.now() - t0) / 1000);
t0 = performance.now();
const toSend = sendIds.slice(WARMUP);
for (let i = 0; i < toSend.length; i += BATCH) {
  const out = (await send(jobs(toSend.slice(i, i + BATCH)), context)) as { batchItemFailures: unknown[] };
  if (out.batchItemFailures.length > 0) throw new Error('send handler reported failures');
}
const handlerRate = N / ((performance.now() - t0) / 1000);
rows.push({
  measure: `send (batches of ${BATCH})`,
  p50_ms: 1000 / handlerRate,
  p99_ms: Number.NaN,
  baseline_p50_ms: 1000 / bareRate,
  baseline_p99_ms: Number.NaN,
  ratio: handlerRate / bareRate,
  target: '≥ 0.8× (emails/s, both one at a time)',
  met: handlerRate / bareRate >= 0.8 ? 'yes' : 'NO',
});
results.send = {
  emailsPerSecond: handlerRate,
  bareEmailsPerSecond: bareRate,
  ratio: handlerRate / bareRate,
  target: 0.8,
  batch: BATCH,
};

console.log(`\nLatency and throughput (n=${N}, emulators in a child process; ms per operation)\n`);
console.log(table(rows));

// --- Bundles: size and cold init, each loaded alone (bench/bundle-init.ts) ---------------------------
const bundleInit = await measureBundleInit();
results.bundles = bundleInit.results;
console.log(`\n${BUNDLE_INIT_CAPTION}`);
console.log(table(bundleInit.rows));

// --- Period reports at scale ---------------------------------------------------------------------------
const { HEAP_MB, periodBench, PERIOD_SIZES } = await import('./period-bench.ts');
console.log(
  `\nPeriod reports of a quarter (92 daily waves, 4 departments), ${PERIOD_SIZES.join(' / ')} responses: ` +
    'report = gatherPeriod (one rollup per day)\n + report.json/html of the campaign and each department + ' +
    `digests (median of 5); responses.csv lists every response. Each step in a fresh process, V8 heap\n capped at ${HEAP_MB} MB; peak_mb = its maxRSS.\n`,
);
const period = await periodBench();
console.log(table(period.rows));
results.periodReports = period.results;

// --- Dispatch at scale ---------------------------------------------------------------------------------
const { dispatchBench, DISPATCH_HEAP_MB, DISPATCH_SIZES } = await import('./dispatch-bench.ts');
console.log(
  `\nDispatch of a wave sampling 50 % of ${DISPATCH_SIZES.join(' / ')} customers (16 directory shards): the tick, ` +
    'then every task in one process,\n one at a time, heap capped at ' +
    `${DISPATCH_HEAP_MB} MB; "shards parallel" adds up the rounds, each as long as its slowest shard's chunks.\n`,
);
const dispatched = await dispatchBench();
console.log(table(dispatched.rows));
results.dispatch = dispatched.results;

// --- Bounded memory: remind, the wave report and csat status over a wave (issue 13) -----------------
const { MEMORY_CAPTION, memoryBench } = await import('./memory-bench.ts');
console.log(`\n${MEMORY_CAPTION}`);
const memory = await memoryBench();
console.log(table(memory.rows));
results.memory = memory.results;

await mkdir(join('bench', 'results'), { recursive: true });
await writeFile(join('bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwrote bench/results/latest.json');
emulators.kill('SIGTERM');
