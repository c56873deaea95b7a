#!/usr/bin/env tsx
/*
 * `csat` ops CLI (`npx csat …`, `npm run csat -- …`): dispatch a wave, run a report, show the return
 * rate, against the running local stack (found through .csat-local/stack.json) or, with --stack NAME,
 * a deployed one (its CloudFormation outputs name the functions and the table).
 * Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../functions/adapters/dynamo-store.ts';
import { findCampaign } from '../functions/domain/programme.ts';
import type { DepartmentTally, Tally } from '../functions/domain/status.ts';
import type { DispatchResponse } from '../functions/handlers/dispatch/index.ts';
import type { ReportResponse } from '../functions/handlers/report/index.ts';
import { describeReportOutcome, isSkipped } from '../functions/use-cases/report.ts';
import { type CampaignStatusReport, getCampaignStatus } from '../functions/use-cases/status.ts';
import { callControl, DEFAULT_DATA_DIR, findLocalStack } from '../local/stack.ts';
import { programme } from '../programme/index.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: csat <command> <campaign> [options]

Commands:
  dispatch <campaign>              send a new wave of the campaign now
  report <campaign> [--wave ID]    write the report (of the latest wave unless --wave) and email it
  status <campaign>                invited, answered and return rate, per wave and department

Options:
  --json             machine-readable output on stdout
  --stack NAME       talk to this deployed stack (CloudFormation stack name; env CSAT_STACK)
  --region REGION    region of the deployed stack (default: the AWS SDK's)
  --data-dir DIR     data folder of the local stack (default .csat-local/; env CSAT_DATA_DIR)
  -h, --help         this help

Without --stack, csat talks to the local stack that \`npm start\` runs.`;

class UsageError extends Error {}

/** Where the commands run: the local stack or a deployed one. */
interface Target {
  dispatch(campaignId: string): Promise<DispatchResponse>;
  report(campaignId: string, waveId?: string): Promise<ReportResponse>;
  status(campaignId: string): Promise<CampaignStatusReport>;
}

async function localTarget(dataDir: string): Promise<Target> {
  const info = await findLocalStack(dataDir);
  const store = new DynamoStore(
    DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: info.endpoints.dynamodb,
        region: info.region,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }),
    ),
    info.tableName,
  );
  return {
    dispatch: (id) => callControl<DispatchResponse>(info, 'POST', `dispatch/${encodeURIComponent(id)}`),
    report: (id, waveId) =>
      callControl<ReportResponse>(info, 'POST', `report/${encodeURIComponent(id)}`, waveId ? { waveId } : {}),
    status: (id) => getCampaignStatus({ store }, { campaignId: id }),
  };
}

async function deployedTarget(stackName: string, region: string | undefined): Promise<Target> {
  // Loaded only here: the local path needs neither client.
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const config = region ? { region } : {};
  const { Stacks } = await new CloudFormationClient(config).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const output = (key: string): string => {
    const value = outputs[key];
    if (!value)
      throw new Error(
        `stack ${stackName} has no output ${key}; is it a csat stack, deployed from this version?`,
      );
    return value;
  };
  const lambda = new LambdaClient(config);
  const invoke = async <T>(functionName: string, event: unknown): Promise<T> => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const payload: unknown = out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload) || 'null') : null;
    if (out.FunctionError) {
      const p = payload as { errorType?: string; errorMessage?: string } | null;
      throw new Error(
        `${functionName} failed: ${p?.errorType ?? out.FunctionError}: ${p?.errorMessage ?? ''}`,
      );
    }
    return payload as T;
  };
  const store = new DynamoStore(DynamoDBDocumentClient.from(new DynamoDBClient(config)), output('TableName'));
  return {
    dispatch: (campaignId) => invoke(output('DispatchFunctionName'), { campaignId }),
    report: (campaignId, waveId) =>
      invoke(output('ReportFunctionName'), { campaignId, ...(waveId ? { waveId } : {}) }),
    status: (campaignId) => getCampaignStatus({ store }, { campaignId }),
  };
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)} %`;

/** A plain aligned table: text columns left, numbers right. */
export function table(head: string[], rows: string[][], right: number[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function statusTable(status: CampaignStatusReport): string {
  const head = ['Wave', 'Department', 'Invited', 'Answered', 'Return'];
  const row = (wave: string, department: string, t: Tally) => [
    wave,
    department,
    String(t.invited),
    String(t.answered),
    percent(t.returnRate),
  ];
  const rows: string[][] = [];
  const block = (label: string, departments: DepartmentTally[], total: Tally) => {
    departments.forEach((d, i) => {
      rows.push(row(i === 0 ? label : '', d.department, d));
    });
    rows.push(row(departments.length === 0 ? label : '', 'all', total));
  };
  for (const w of status.waves) block(w.waveId, w.departments, w);
  if (status.waves.length > 1) block('all waves', status.departments, status);
  return table(head, rows, [2, 3, 4]);
}

function human(command: string, result: unknown): string {
  if (command === 'dispatch') {
    const r = result as DispatchResponse;
    const what =
      r.created > 0
        ? `${r.created} new invitation(s) queued`
        : 'already dispatched for this tick: no new invitations';
    return `Wave ${r.waveId} of ${r.campaignId}: ${r.invited} invited, ${what}.`;
  }
  if (command === 'report') {
    const r = result as ReportResponse;
    // Only a scheduled run skips, but a function that answers so should not print `undefined`s.
    if (isSkipped(r)) return describeReportOutcome(r);
    return [
      describeReportOutcome(r),
      table(
        ['File', 'Key'],
        (['html', 'csv', 'json'] as const).map((k) => [k, r.keys[k]]),
        [],
      ),
      '',
      `Open: ${r.htmlUrl}`,
    ].join('\n');
  }
  const s = result as CampaignStatusReport;
  if (s.waves.length === 0) return `Campaign ${s.campaignId} has no wave yet.`;
  return [
    `Campaign ${s.campaignId}: ${s.invited} invited, ${s.answered} answered, return rate ${percent(s.returnRate)}`,
    '',
    statusTable(s),
  ].join('\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: string[],
  io: Io = {
    stdout: (t) => process.stdout.write(`${t}\n`),
    stderr: (t) => process.stderr.write(`${t}\n`),
    env: process.env,
  },
): Promise<number> {
  try {
    let parsed: ReturnType<typeof parse>;
    const parse = () =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          json: { type: 'boolean', default: false },
          stack: { type: 'string' },
          region: { type: 'string' },
          wave: { type: 'string' },
          'data-dir': { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    try {
      parsed = parse();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const [command, campaignId, ...extra] = positionals;
    if (!command) throw new UsageError('a command is needed');
    if (!['dispatch', 'report', 'status'].includes(command))
      throw new UsageError(`unknown command "${command}"`);
    if (!campaignId) throw new UsageError(`${command} needs a campaign, e.g. \`csat ${command} demo\``);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.wave !== undefined && command !== 'report')
      throw new UsageError('--wave goes with report only');
    if (!findCampaign(programme, campaignId)) {
      throw new UsageError(
        `no campaign "${campaignId}" in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
      );
    }

    const stackName = values.stack ?? io.env.CSAT_STACK;
    const target = stackName
      ? await deployedTarget(stackName, values.region)
      : await localTarget(values['data-dir'] ?? io.env.CSAT_DATA_DIR ?? DEFAULT_DATA_DIR);
    const result =
      command === 'dispatch'
        ? await target.dispatch(campaignId)
        : command === 'report'
          ? await target.report(campaignId, values.wave)
          : await target.status(campaignId);
    io.stdout(values.json ? JSON.stringify(result, null, 2) : human(command, result));
    return 0;
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
