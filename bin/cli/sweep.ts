/* `csat actions sweep <campaign>`: the daily sweep of a campaign's corrective actions, now. */
import { findCampaign } from '../../functions/domain/programme.ts';
import { describeSweep } from '../../functions/use-cases/action-sweep.ts';
import { programme } from '../../programme/index.ts';
import { type Io, type Options, targetOf, UsageError } from './io.ts';

export async function sweepCommand(args: string[], values: Options, io: Io): Promise<number> {
  const [campaignId, ...extra] = args;
  const others = [values.wave, values.period, values.format, values.email, values.out];
  if (others.some((v) => v !== undefined))
    throw new UsageError('actions sweep takes a campaign and --json, --stack, --region, --data-dir only');
  if (!campaignId) throw new UsageError('actions sweep needs a campaign, e.g. `csat actions sweep demo`');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!findCampaign(programme, campaignId)?.actions) {
    throw new UsageError(
      `no campaign "${campaignId}" with corrective actions in the programme (known: ${programme.campaigns
        .filter((c) => c.actions)
        .map((c) => c.id)
        .join(', ')})`,
    );
  }
  const result = await (await targetOf(values, io)).sweepActions(campaignId);
  io.stdout(values.json ? JSON.stringify(result, null, 2) : `Campaign ${describeSweep(result)}.`);
  return 0;
}
