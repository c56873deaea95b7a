/* The `csat` commands of a campaign (dispatch, report, remind, status) and `customers import`. */
import { readFile } from 'node:fs/promises';
import { COLUMNS, type ImportFormat } from '../../functions/domain/customers/import.ts';
import { findCampaign } from '../../functions/domain/programme.ts';
import { PeriodError, parsePeriod } from '../../functions/domain/report/period.ts';
import { programme } from '../../programme/index.ts';
import { erasureCommand } from './customers.ts';
import { human, importReport } from './format.ts';
import { type Io, type Options, targetOf, UsageError } from './io.ts';
import type { ReportRequest } from './target.ts';
import { untilDispatched } from './wait.ts';

export const CSV_COLUMNS = COLUMNS.map((c) => c.column).join(',');

/** The file as text; a spreadsheet's legacy encoding (GBK, Latin-1) would import garbled names. */
async function readImportFile(file: string): Promise<string> {
  const bytes = await readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not UTF-8 text: save it as "CSV UTF-8" (or re-encode it) and import again`);
  }
}

export async function customersCommand(args: string[], values: Options, io: Io): Promise<number> {
  const [sub, file, ...extra] = args;
  if (sub === 'erase' || sub === 'export') return erasureCommand(sub, args.slice(1), values, io);
  if (sub !== 'import')
    throw new UsageError(
      sub ? `unknown customers command "${sub}"` : 'customers needs import, erase or export',
    );
  if (values.email !== undefined || values.out !== undefined)
    throw new UsageError('--email and --out go with customers erase and export only');
  if (!file)
    throw new UsageError('customers import needs a file, e.g. `csat customers import customers.csv`');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.wave !== undefined) throw new UsageError('--wave goes with report only');
  if (values.period !== undefined) throw new UsageError('--period goes with report only');
  const format = values.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format is csv or json, not "${format}"`);

  // Read before looking for the stack: a wrong path should not need one.
  const text = await readImportFile(file);
  const target = await targetOf(values, io);
  const report = await target.importCustomers({
    text,
    format: format satisfies ImportFormat,
    ...(io.progress ? { onProgress: ({ done, total }) => io.progress?.(done, total) } : {}),
  });
  io.stdout(values.json ? JSON.stringify(report, null, 2) : importReport(report));
  return report.problems.length > 0 ? 1 : 0;
}

/** `--wave ID` or `--period KEY` (checked here, so a typo never reaches the stack), or neither. */
function reportRequest(values: Options): ReportRequest {
  if (values.wave !== undefined && values.period !== undefined) {
    throw new UsageError(
      '--wave and --period ask for different reports (a wave, a period): give one of them',
    );
  }
  if (values.period === undefined) return values.wave === undefined ? {} : { waveId: values.wave };
  try {
    return { period: parsePeriod(values.period).key };
  } catch (e) {
    if (e instanceof PeriodError) throw new UsageError(`--period: ${e.message}`);
    throw e;
  }
}

/** `csat dispatch|report|remind|status <campaign>`. */
export async function campaignCommand(
  command: string,
  args: string[],
  values: Options,
  io: Io,
): Promise<number> {
  const [campaignId, ...extra] = args;
  if (values.format !== undefined) throw new UsageError('--format goes with customers import only');
  if (values.email !== undefined || values.out !== undefined)
    throw new UsageError('--email and --out go with customers erase and export only');
  if (!campaignId) throw new UsageError(`${command} needs a campaign, e.g. \`csat ${command} demo\``);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.wave !== undefined && command !== 'report') throw new UsageError('--wave goes with report only');
  if (values.period !== undefined && command !== 'report')
    throw new UsageError('--period goes with report only');
  const which = reportRequest(values);
  if (!findCampaign(programme, campaignId)) {
    throw new UsageError(
      `no campaign "${campaignId}" in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
    );
  }

  const target = await targetOf(values, io);
  const result =
    command === 'dispatch'
      ? await untilDispatched(target, await target.dispatch(campaignId), io)
      : command === 'report'
        ? await target.report(campaignId, which)
        : command === 'remind'
          ? await target.remind(campaignId)
          : await target.status(campaignId);
  io.stdout(
    values.json
      ? JSON.stringify(result, null, 2)
      : human(command, result, findCampaign(programme, campaignId)?.departments),
  );
  return 0;
}
