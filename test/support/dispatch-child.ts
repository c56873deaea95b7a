/*
 * A dispatch that SIGKILLs itself at its n-th call to the table or a queue (dispatch-sigkill.test.ts): the
 * process dies there and then, with whatever it had in flight. Send jobs go to a file as they are queued,
 * as SQS would keep them; dispatch tasks die with the process (the rerun must resume without them).
 *   node --import tsx test/support/dispatch-child.ts <campaign json> <tick iso> <kill at> <jobs file>
 */
import { appendFileSync } from 'node:fs';
import { documentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import { DynamoSuppressions } from '../../functions/adapters/dynamo-suppressions.ts';
import type { Campaign } from '../../functions/domain/programme.ts';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { type DispatchDeps, dispatch } from '../../functions/use-cases/dispatch.ts';
import { runDispatchTask } from '../../functions/use-cases/dispatch-task.ts';
import { beforeEveryCall } from './every-call.ts';
import { itss } from './programme.ts';

const [campaignJson, tickIso, killAtArg, jobsFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const campaign = JSON.parse(campaignJson) as Campaign;
const tick = new Date(tickIso);
const killAt = Number(killAtArg);
let calls = 0;
const call = () => {
  if (++calls >= killAt) process.kill(process.pid, 'SIGKILL');
};
const store = new DynamoStore(documentClient(), process.env.TABLE_NAME!);
const mortal = beforeEveryCall(store, call);
const pending: DispatchTask[] = [];
const deps: DispatchDeps = {
  store: mortal,
  clock: { now: () => new Date(tick.getTime() + 3_000) },
  suppressions: {
    list: new DynamoSuppressions(documentClient(), process.env.TABLE_NAME!),
    secret: async () => process.env.TOKEN_SECRET!,
  },
  queue: {
    enqueue: async (jobs) => {
      call();
      appendFileSync(jobsFile, jobs.map((j) => `${JSON.stringify(j)}\n`).join(''));
    },
  },
  tasks: {
    enqueue: async (tasks) => {
      call();
      pending.push(...tasks);
    },
  },
};
await dispatch(deps, { campaign, questionnaire: itss, scheduledTime: tick });
while (pending.length > 0) await runDispatchTask(deps, pending.shift()!);
process.stdout.write(`${JSON.stringify({ calls })}\n`);
process.exit(0);
