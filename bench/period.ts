/*
 * Period reports at scale, for `npm run bench` (bench/run.ts starts it once per mode and size, each in a
 * process of its own so the peak memory it prints is that step's alone). The data: a quarter (2026-Q3)
 * of a campaign that dispatches a wave every day (an event-triggered campaign does), N responses spread
 * over its 92 waves, four departments, segments, reminders and comments, answered up to 13 days after
 * each wave — all from a deterministic generator, so every mode sees the same answers.
 *
 *   seed N    puts the waves in DynamoDB and the rollup of every answer day in S3, as the report function
 *             leaves them once the days are closed (rollupEntries over the generated answers of each day).
 *   report N  what a period report reads and writes apart from responses.csv: gatherPeriod (the waves,
 *             one rollup per day), report.json / report.html of the campaign and of each department, the
 *             digests through SES. RUNS times in one process: the median is the figure.
 *   csv N     responses.csv (writePeriodResponses), the raw export that lists every response: its pages
 *             come from the generator instead of DynamoDB (dynalite keeps its data in memory, and 1 M
 *             answers do not fit), through the real CSV writer and multipart uploads to S3.
 *
 * The emulators' endpoints and the table and bucket names come from the environment (bench/run.ts).
 * Prints one line of JSON.
 */
import { composeMime } from '../functions/adapters/mime.ts';
import { S3Blobs } from '../functions/adapters/s3-blobs.ts';
import { sesClient } from '../functions/adapters/ses-client.ts';
import { SesMailer } from '../functions/adapters/ses-mailer.ts';
import { startOfLocalDate } from '../functions/domain/calendar/working-days.ts';
import type { Language } from '../functions/domain/language.ts';
import type { Invitation, InvitedCustomer, Wave } from '../functions/domain/model.ts';
import type { SurveyStore } from '../functions/domain/ports.ts';
import { currentQuestionnaire, findCampaign } from '../functions/domain/programme.ts';
import { addDays, daysFrom } from '../functions/domain/report/period.ts';
import {
  type DayRollup,
  invitedByOf,
  ROLLUP_SCHEMA,
  rollupEntries,
} from '../functions/domain/report/rollup.ts';
import { byCodeUnits } from '../functions/domain/report/statistics.ts';
import { score } from '../functions/domain/scoring.ts';
import { invitationId } from '../functions/domain/token.ts';
import {
  gatherPeriod,
  periodDocument,
  publishPeriodReport,
  rollupKey,
  writePeriodResponses,
} from '../functions/use-cases/period-report.ts';
import { programme } from '../programme/index.ts';
import { median } from './stats.ts';

export const PERIOD = '2026-Q3';
const FIRST_DAY = '2026-07-01';
const WAVE_DAYS = 92;
const ANSWER_DAYS = 14;
const TIME_ZONE = 'Asia/Shanghai';
const DEPARTMENTS = ['north-region', 'south-region', 'east-region', 'west-region'];
/** A DynamoDB query page holds up to 1 MB: about this many answered invitations. */
const PAGE = 1000;
const RUNS = 5;
/**
 * 10:00 on 14 Oct in Shanghai, the day of the quarter's last deadline (30 Sep + 14 days): every answer is
 * in (the generator's last come on 13 Oct) and every day before is closed, but the period is not, so the
 * report reads the rollup of every day — the case that grows with a period's length. (A closed period's
 * report reads one rollup of the whole period: use-cases/period-report.ts.)
 */
const NOW = new Date('2026-10-14T02:00:00.000Z');

const [mode, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
if (!['seed', 'report', 'csv'].includes(mode ?? '') || !Number.isInteger(size) || size < WAVE_DAYS) {
  throw new Error(`usage: period.ts seed|report|csv N (N ≥ ${WAVE_DAYS}), not ${process.argv.slice(2)}`);
}

const demo = findCampaign(programme, 'demo')!;
const questionnaire = currentQuestionnaire(programme, demo.questionnaire);
const campaignId = `bench-${size}`;
const campaign: Wave['campaign'] = {
  ...demo,
  id: campaignId,
  report: {
    ...demo.report,
    period: 'quarter',
    departmentHeads: [
      { department: 'north-region', email: 'north@example.com', language: 'en' },
      { department: 'south-region', email: 'south@example.com' },
    ],
  },
};

/** A well-mixed 32-bit hash of two integers (the generator's only source of variety). */
function hash(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + salt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const waveDays = [...daysFrom(FIRST_DAY, addDays(FIRST_DAY, WAVE_DAYS - 1))];
/** Responses per wave: N spread evenly; a quarter more are invited and never answer. */
const answeredOf = (w: number): number => Math.floor(size / WAVE_DAYS) + (w < size % WAVE_DAYS ? 1 : 0);
const invitedOf = (w: number): number => Math.ceil((answeredOf(w) * 4) / 3);

const waves: Wave[] = waveDays.map((day, w) => {
  const createdAt = new Date(startOfLocalDate(day, TIME_ZONE).getTime() + 9 * 3600_000); // 09:00 local
  return {
    campaignId,
    waveId: `${campaignId}-${day.replaceAll('-', '')}`,
    createdAt: createdAt.toISOString(),
    deadline: new Date(createdAt.getTime() + ANSWER_DAYS * 86_400_000).toISOString(),
    campaign,
    questionnaire,
    invited: invitedOf(w),
    invitedBy: invitedByOf(customers(w, invitedOf(w))),
  };
});
const wavesById = new Map(waves.map((w) => [w.waveId, w]));

function customer(w: number, i: number): InvitedCustomer {
  const segments = [
    ...(i % 3 === 0 ? (['active'] as const) : []),
    ...(i % 5 === 0 ? (['key'] as const) : []),
    ...(i % 7 === 0 ? (['new'] as const) : []),
  ];
  const language: Language = hash(w, i, 1) % 3 === 0 ? 'en' : 'zh-CN';
  return {
    id: `c${w}-${i}`,
    name: `客户 ${w}-${i}`,
    email: `c${w}-${i}@example.com`,
    language,
    department: DEPARTMENTS[i % DEPARTMENTS.length]!,
    ...(segments.length > 0 ? { segments: [...segments] } : {}),
  };
}

function* customers(w: number, count: number): Iterable<InvitedCustomer> {
  for (let i = 0; i < count; i++) yield customer(w, i);
}

/** Days after its wave a response comes: most in the first days, some after each reminder. */
const OFFSETS = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13];
const offsetOf = (w: number, i: number): number => OFFSETS[hash(w, i, 2) % OFFSETS.length]!;
/** Levels weighted towards satisfied, a share of unhappy customers that moves with the department. */
const LEVELS = questionnaire.scale.levels.map((l) => l.id);
const WEIGHTS = [30, 35, 20, 10, 5];
const levelOf = (h: number): string => {
  let r = h % 100;
  for (const [k, weight] of WEIGHTS.entries()) {
    if (r < weight) return LEVELS[k] ?? LEVELS[0]!;
    r -= weight;
  }
  return LEVELS[0]!;
};
const COMMENTS: Record<Language, string[]> = {
  'zh-CN': ['交货太慢了', '服务很好，谢谢', '价格偏高', '技术支持响应及时'],
  en: ['Delivery was late', 'Great service, thanks', 'Too expensive', 'Support answered quickly'],
};

function answered(w: number, i: number): Invitation {
  const wave = waves[w]!;
  const who = customer(w, i);
  const offset = offsetOf(w, i);
  const day = addDays(waveDays[w]!, offset);
  const start = offset === 0 ? 9 * 3600 + 60 : 0; // not before the 09:00 dispatch
  const second = start + (hash(w, i, 3) % (86_400 - start));
  const answeredAt = new Date(startOfLocalDate(day, TIME_ZONE).getTime() + second * 1000).toISOString();
  const ratings = Object.fromEntries(
    questionnaire.categories.map((c, k) => [c.id, levelOf(hash(w, i, 10 + k) + (i % 4) * 3)]),
  );
  const h = hash(w, i, 4);
  const comments: Record<string, string> =
    h % 10 === 0 ? { suggestions: COMMENTS[who.language][h % COMMENTS[who.language].length]! } : {};
  const created = new Date(wave.createdAt).getTime();
  return {
    id: invitationId(wave.waveId, who.id),
    campaignId,
    waveId: wave.waveId,
    customer: who,
    createdAt: wave.createdAt,
    expiresAt: wave.deadline,
    sent: {
      invite: wave.createdAt,
      ...(offset >= 3 ? { 'remind-1': new Date(created + 3 * 86_400_000).toISOString() } : {}),
      ...(offset >= 7 ? { 'remind-2': new Date(created + 7 * 86_400_000).toISOString() } : {}),
    },
    response: {
      answeredAt,
      ratings,
      comments,
      ...score(questionnaire, ratings),
      language: who.language,
      questionnaireVersion: questionnaire.version,
    },
  };
}

/** Every response answered on a local day, in answer order (then invitation id), as the store lists them. */
function answersOn(day: string): Invitation[] {
  const out: Invitation[] = [];
  for (let w = 0; w < waves.length; w++) {
    const since = waveDays[w]!;
    if (since > day || addDays(since, ANSWER_DAYS - 1) < day) continue;
    for (let i = 0; i < answeredOf(w); i++) {
      if (addDays(since, offsetOf(w, i)) === day) out.push(answered(w, i));
    }
  }
  return out.sort(
    (a, b) => byCodeUnits(a.response!.answeredAt, b.response!.answeredAt) || byCodeUnits(a.id, b.id),
  );
}

/** Every day a wave of the quarter can be answered on, up to the day of the last deadline. */
const answerDays = [...daysFrom(FIRST_DAY, addDays(waveDays.at(-1)!, ANSWER_DAYS))];

const { documentClient } = await import('../functions/adapters/dynamo-client.ts');
const { DynamoStore } = await import('../functions/adapters/dynamo-store.ts');
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const blobs = new S3Blobs(process.env.BUCKET_NAME!);
const clock = { now: () => NOW };

const peakMb = () => process.resourceUsage().maxRSS / 1024;

if (mode === 'seed') {
  const t = performance.now();
  for (const wave of waves) await store.putWave(wave);
  let responses = 0;
  let bytes = 0;
  for (const day of answerDays) {
    const answers = answersOn(day);
    responses += answers.length;
    const rollup: DayRollup = {
      schemaVersion: ROLLUP_SCHEMA,
      campaignId,
      day,
      responses: answers.length,
      entries: rollupEntries(wavesById, answers, TIME_ZONE),
    };
    const text = `${JSON.stringify(rollup)}\n`;
    bytes += Buffer.byteLength(text);
    await blobs.put(rollupKey(campaignId, day), text, 'application/json');
  }
  if (responses !== size) throw new Error(`generated ${responses} responses, not ${size}`);
  console.log(
    JSON.stringify({
      responses,
      rollups: answerDays.length,
      rollupMb: bytes / 1024 / 1024,
      seedMs: performance.now() - t,
      peakMb: peakMb(),
    }),
  );
} else if (mode === 'report') {
  let rollupsRead = 0;
  const counting = Object.create(blobs) as S3Blobs;
  counting.find = (key: string) => {
    if (key.includes('/rollups/')) rollupsRead += 1;
    return blobs.find(key);
  };
  const deps = {
    store,
    blobs: counting,
    clock,
    mailer: new SesMailer(sesClient(), {}),
    compose: composeMime,
    links: { secret: async () => process.env.TOKEN_SECRET!, baseUrl: process.env.PUBLIC_BASE_URL! },
  };
  const gather: number[] = [];
  const publish: number[] = [];
  const total: number[] = [];
  let answered = 0;
  let departments = 0;
  let reads = 0;
  for (let run = 0; run <= RUNS; run++) {
    rollupsRead = 0;
    const t0 = performance.now();
    const figures = await gatherPeriod(deps, { campaignId, period: PERIOD });
    const t1 = performance.now();
    const overall = periodDocument(figures, { now: NOW });
    const result = await publishPeriodReport(deps, figures, overall);
    const t2 = performance.now();
    // The rollups were all there: a report of closed days reads no response at all.
    if (figures.rolledUp.length > 0 || figures.liveResponses > 0 || figures.fromPeriodRollups.length > 0) {
      throw new Error(
        `rolled up ${figures.rolledUp.length} days, read ${figures.liveResponses} responses and ` +
          `${figures.fromPeriodRollups.length} period rollups`,
      );
    }
    reads = rollupsRead;
    answered = overall.statistics.answered;
    departments = result.departments.length;
    if (run === 0) continue; // warm-up: module loading and the first connections
    gather.push(t1 - t0);
    publish.push(t2 - t1);
    total.push(t2 - t0);
  }
  if (answered !== size) throw new Error(`the report counts ${answered} responses, not ${size}`);
  console.log(
    JSON.stringify({
      answered,
      departments,
      rollups: reads,
      gatherMs: median(gather),
      publishMs: median(publish),
      reportMs: median(total),
      reportMsSamples: total,
      peakMb: peakMb(),
    }),
  );
} else {
  // The answered-invitation pages of the store, generated a day at a time in answer order.
  const generated = Object.create(store) as SurveyStore;
  generated.answeredPages = async function* (_campaign, from, to) {
    for (const day of answerDays) {
      const answers = answersOn(day).filter(
        (a) => a.response!.answeredAt >= from && a.response!.answeredAt < to,
      );
      for (let k = 0; k < answers.length; k += PAGE) yield answers.slice(k, k + PAGE);
    }
  };
  const figures = await gatherPeriod({ store, blobs, clock }, { campaignId, period: PERIOD });
  const overall = periodDocument(figures, { now: NOW });
  const t = performance.now();
  const read = await writePeriodResponses({ store: generated, blobs, clock }, figures, {
    language: campaign.report.language,
    departments: overall.statistics.departments.map((d) => d.department),
  });
  const csvMs = performance.now() - t;
  const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
  const { s3Client } = await import('../functions/adapters/s3-client.ts');
  const head = await (await s3Client()).send(
    new HeadObjectCommand({
      Bucket: process.env.BUCKET_NAME!,
      Key: `reports/${campaignId}/${PERIOD}/responses.csv`,
    }),
  );
  if (read !== size) throw new Error(`responses.csv read ${read} responses, not ${size}`);
  console.log(
    JSON.stringify({ rows: read, csvMs, csvMb: (head.ContentLength ?? 0) / 1024 / 1024, peakMb: peakMb() }),
  );
}
