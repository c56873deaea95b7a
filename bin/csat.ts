#!/usr/bin/env tsx
/*
 * `csat` ops CLI (`npx csat …`, `npm run csat -- …`): dispatch a wave, run a wave or period report,
 * show the return rate, import the customer directory, smoke-test a stack, against the running local
 * stack (found through .csat-local/stack.json) or, with --stack NAME, a deployed one (its CloudFormation
 * outputs name the functions and the table). The commands live in bin/cli/.
 * Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { actionsCommand } from './cli/actions.ts';
import { CSV_COLUMNS, campaignCommand, customersCommand } from './cli/commands.ts';
import { progressBar } from './cli/format.ts';
import { type Io, UsageError } from './cli/io.ts';
import { smokeCommand } from './cli/smoke.ts';
import { sweepCommand } from './cli/sweep.ts';

export { exclusionsText, progressBar, table } from './cli/format.ts';
export type { Io } from './cli/io.ts';
export type { ReportRequest } from './cli/target.ts';

const USAGE = `Usage: csat <command> <campaign> [options]
       csat customers import <file> [options]
       csat customers erase <id> | --email ADDRESS [options]
       csat customers export <id> | --email ADDRESS [--out FILE] [options]
       csat actions sweep <campaign> [options]
       csat actions list <campaign> [--status S] | show <id> [options]
       csat smoke [options]

Commands:
  dispatch <campaign>              send a new wave of the campaign now
  report <campaign> [--wave ID | --period KEY]
                                   write the report of the latest wave (or of --wave ID), or with
                                   --period the report of a month (2026-11), quarter (2026-Q4),
                                   half-year (2026-H2) or year (2026) over every wave dispatched in it,
                                   and email it (period reports: also to the department heads)
  remind <campaign>                send the reminders due today to customers who have not answered
  status <campaign>                invited, answered, return rate vs target, per wave and department
  actions sweep <campaign>         run the daily sweep of the campaign's corrective actions now: owner
                                   reminders, escalations, follow-ups, closes (working days only)
  customers import <file>          add or update customers (by id) from a CSV or JSON file; bad rows
                                   are listed and left out, and the exit code is 1 if there are any.
                                   CSV columns: ${CSV_COLUMNS}
  customers erase <id>             erase a customer on request: their directory item, who they were on
                                   their invitations (answers and scores stay, comments go), and every
                                   file under reports/ and imports/ that names them (rewritten); their
                                   address is suppressed for good. --email ADDRESS: every customer at it
  customers export <id>            everything held about a customer as JSON: directory item, invitations
                                   and answers, suppression status, files that mention them (--email too)
  actions list <campaign>          the campaign's corrective actions, oldest first: id, department,
                                   status, due date, overdue, reasons (--status S: only those in S)
  actions show <id>                one corrective action with its whole history
  smoke                            prove the stack's loop with SES's mailbox simulator: three test
                                   customers, a one-off wave to them only, the survey page, one answer,
                                   a report, bounce and complaint suppressions; removes all it made

Options:
  --json             machine-readable output on stdout
  --wave ID          report: the wave to report (default: the latest)
  --period KEY       report: the period to report, 2026-11, 2026-Q4, 2026-H2 or 2026
  --format FORMAT    csv or json: the import file's format (default: json for *.json, else csv)
  --campaign ID      smoke: the campaign whose questionnaire and sender the smoke wave uses
                     (default: the programme's first periodic campaign)
  --email ADDRESS    customers erase/export: the customer(s) at this address instead of an id
  --out FILE         customers export: write the JSON to FILE instead of stdout
  --status STATUS    actions list: open, acknowledged, resolved, verified, reopened or
                     closed-unverified
  --timeout SECONDS  smoke: how long to wait for the emails and the SES events (default 180)
  --stack NAME       talk to this deployed stack (CloudFormation stack name; env CSAT_STACK)
  --region REGION    region of the deployed stack (default: the AWS SDK's)
  --data-dir DIR     data folder of the local stack (default .csat-local/; env CSAT_DATA_DIR)
  -h, --help         this help

Without --stack, csat talks to the local stack that \`npm start\` runs.`;

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      stack: { type: 'string' },
      region: { type: 'string' },
      wave: { type: 'string' },
      period: { type: 'string' },
      format: { type: 'string' },
      campaign: { type: 'string' },
      timeout: { type: 'string' },
      email: { type: 'string' },
      out: { type: 'string' },
      status: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });

function terminalProgress(): Io['progress'] {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    if (total === 0) return;
    process.stderr.write(`\r${progressBar(done, total)}${done === total ? '\n' : ''}`);
  };
}

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: string[],
  io: Io = {
    stdout: (t) => process.stdout.write(`${t}\n`),
    stderr: (t) => process.stderr.write(`${t}\n`),
    env: process.env,
    progress: terminalProgress(),
  },
): Promise<number> {
  try {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const [command, ...args] = positionals;
    if (!command) throw new UsageError('a command is needed');
    if (command !== 'smoke' && (values.campaign !== undefined || values.timeout !== undefined))
      throw new UsageError('--campaign and --timeout go with smoke only');
    if (command === 'actions' && args[0] === 'sweep') return await sweepCommand(args.slice(1), values, io);
    if (command === 'actions') return await actionsCommand(args, values, io);
    if (values.status !== undefined) throw new UsageError('--status goes with actions list only');
    if (command === 'customers') return await customersCommand(args, values, io);
    if (command === 'smoke') return await smokeCommand(args, values, io);
    if (!['dispatch', 'report', 'remind', 'status'].includes(command))
      throw new UsageError(`unknown command "${command}"`);
    return await campaignCommand(command, args, values, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`csat: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`csat: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  // The SDK's notice that it will need Node 22 from 2027 would precede every answer; 'false' shows it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main(process.argv.slice(2));
}
