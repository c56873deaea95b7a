import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERIC_NAMES, type IamModel } from './guard.ts';
import { functionPolicies } from './template-policies.ts';

/*
 * Which grants of the synthesized roles the tests exercised. Every call a handler makes is checked
 * (test/iam/guard.ts) and any denial fails its test, so removing a grant a test exercised turns that
 * test red; a grant no test exercises is either not needed (least privilege: remove it) or not tested.
 * Grants the Lambda service uses on the function's behalf, not the code, are listed apart.
 */

export interface Used {
  fn: string;
  action: string;
  resource: string;
}

export interface Grant {
  fn: string;
  action: string;
  resource: string;
  /** Used by Lambda itself (logs, traces, the SQS event source, on-failure destinations), not the code. */
  byService: boolean;
  exercised: boolean;
}

type Statement = { Effect?: string; Action?: string | string[]; Resource?: string | string[] };

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

const SERVICE_ACTIONS =
  /^(logs|xray):|^sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility|GetQueueAttributes|GetQueueUrl)$/;

/** Every Allow grant (function, action, resource pattern) of the roles, and whether a test used it. */
export function grantCoverage(model: IamModel, used: readonly Used[]): Grant[] {
  // The queues the code sends to; SendMessage on any other is Lambda's (on-failure destinations).
  const codeQueue = /:\{(send|dispatch)-queue\}$/;
  const grants: Grant[] = [];
  for (const [fn, docs] of functionPolicies(model.templates, GENERIC_NAMES)) {
    for (const doc of docs) {
      for (const statement of doc.Statement as Statement[]) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of [statement.Action ?? []].flat()) {
          for (const resource of [statement.Resource ?? []].flat()) {
            const byService =
              SERVICE_ACTIONS.test(action) || (action === 'sqs:SendMessage' && !codeQueue.test(resource));
            const exercised = used.some(
              (u) => u.fn === fn && glob(action).test(u.action) && glob(resource).test(u.resource),
            );
            grants.push({ fn, action, resource, byService, exercised });
          }
        }
      }
    }
  }
  return grants;
}

/** The usage files each test file wrote, together. */
export async function readUsage(dir: string): Promise<Used[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const lists = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as Used[]),
  );
  return lists.flat();
}

/**
 * After a run: prints the grants of each role no test exercised (the ones the code would use; the
 * Lambda service's own are left out). Only a run of the whole suite sees every handler, so the list
 * means something only then; `CSAT_IAM_COVERAGE=strict` (set by .ci/run) fails the run on any.
 */
export async function reportGrantCoverage(model: IamModel, dir: string): Promise<void> {
  const used = await readUsage(dir);
  if (used.length === 0) return;
  const unexercised = grantCoverage(model, used).filter((g) => !g.byService && !g.exercised);
  const lines = unexercised.map((g) => `  - ${g.fn}: ${g.action} on ${g.resource}`);
  console.log(
    unexercised.length === 0
      ? "IAM: every grant the functions' code uses was exercised by a test (removing any turns a test red)"
      : `IAM: ${unexercised.length} grant(s) no test exercised in this run:\n${lines.join('\n')}`,
  );
  await writeFile(join(dir, '..', 'iam-coverage.json'), JSON.stringify(unexercised, null, 2));
  if (unexercised.length > 0 && process.env.CSAT_IAM_COVERAGE === 'strict') {
    // vitest reports an error thrown here but still exits 0, so the exit code is set as well.
    process.exitCode = 1;
    throw new Error('IAM: some grants are exercised by no test (see above): remove them or test them');
  }
}
