/*
 * `npm start`: the whole csat loop on this machine (local/stack.ts), data in .csat-local/.
 * Env: CSAT_PORT_BASE (default 4500; 0 for random ports), CSAT_DATA_DIR (default .csat-local/).
 */
import { relative } from 'node:path';
import { localDateOf } from '../functions/domain/calendar/index.ts';
import { exposureWarning, unofficialExposures } from '../functions/domain/calendar-exposure.ts';
import { findCampaign } from '../functions/domain/programme.ts';
import { periodOf } from '../functions/domain/report/period.ts';
import { SCHEDULE_HEAD, scheduleRows } from '../local/schedules.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_PORT_BASE,
  LocalStackError,
  portsFrom,
  startLocalStack,
} from '../local/stack.ts';
import { programme } from '../programme/index.ts';
import { table } from './cli/format.ts';

// The SDK warns that it will need Node 22 from 2027 (the Lambdas run 22+); on every start it only
// buries the banner. Set the variable to 'false' to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function portBase(): number {
  const raw = process.env.CSAT_PORT_BASE;
  if (raw === undefined || raw === '') return DEFAULT_PORT_BASE;
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 0 || base > 65_530) {
    console.error(`CSAT_PORT_BASE must be a port number (or 0 for random ports), not "${raw}"`);
    process.exit(2);
  }
  return base;
}

const dataDir = process.env.CSAT_DATA_DIR || DEFAULT_DATA_DIR;
const base = portBase();
let stack: Awaited<ReturnType<typeof startLocalStack>>;
try {
  stack = await startLocalStack({ dataDir, ports: portsFrom(base) });
} catch (e) {
  if (e instanceof LocalStackError) console.error(e.message);
  else if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    // Taken between the stack's check of its ports and its start.
    const port = (e as { port?: number }).port ?? `${base}–${base + 5}`;
    console.error(
      `port ${port} was taken while the local stack started: stop what uses it or set CSAT_PORT_BASE`,
    );
  } else console.error(e);
  process.exit(1);
}

const { info, firstWave } = stack;
const rel = relative(process.cwd(), info.dataDir);
const shown = rel === '' ? '.' : rel.startsWith('..') ? info.dataDir : rel;
const wave = firstWave
  ? `sent wave ${firstWave.waveId}: ${firstWave.invited} invitation(s) on their way`
  : 'the demo campaign already has a wave: nothing re-sent (delete the data folder to start over)';
// The demo reports by period (report.period): the one holding today holds the wave sent at start.
const demo = findCampaign(programme, 'demo');
const periodKind = demo?.report.period;
const periodLine =
  demo && periodKind
    ? `\n  ${`Report this ${periodKind}:`.padEnd(21)} npx csat report demo --period ${periodOf(periodKind, localDateOf(new Date(), demo.report.schedule.timeZone)).key}`
    : '';
const next = table(SCHEDULE_HEAD, scheduleRows(stack.schedules), [])
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n');
console.log(`
csat local stack is up (pid ${info.pid}, data in ${shown.replace(/\/$/, '')}/)
  ${wave}

  Mailbox      ${info.urls.mailbox}/
  Survey base  ${info.urls.survey}/s/{token}   (open a link from the mailbox)

  Schedules
${next}

  Run a report now:     npx csat report demo      (or: npm run csat -- report demo)${periodLine}
  Return so far:        npx csat status demo
  Dispatch a new wave:  npx csat dispatch demo

Ctrl-C stops everything; the data stays for the next start.`);
// Reminders the next 90 days count on a year without the official holiday notice (as cdk synth warns).
for (const exposure of unofficialExposures(programme, new Date())) {
  console.warn(`\nWARNING ${exposureWarning(exposure)}`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) {
    console.error('stopping anyway');
    process.exit(1);
  }
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  try {
    await stack.close();
    process.exit(0);
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
