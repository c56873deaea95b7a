/*
 * A campaign's targets (Campaign.targets) with their defaults. Apart from the programme's schemas, so that
 * the reports do not bundle zod.
 */
import type { Campaign } from './programme.ts';
import { own } from './records.ts';

/** Seed 000: 95 % of the answers at "basically satisfied" or better. */
export const DEFAULT_SATISFACTION_RATE_TARGET = 0.95;

/** A campaign's satisfaction-rate target: its own, else seed 000's 95 %. */
export const satisfactionRateTarget = (campaign: Campaign): number =>
  campaign.targets?.satisfactionRate ?? DEFAULT_SATISFACTION_RATE_TARGET;

/**
 * A campaign's return-rate target for a department: its own, else the campaign's default, else none. The
 * department is the directory's name, so only an own key of the targets counts (a department called
 * `hasOwnProperty` is not Object.prototype's method, records.ts).
 */
export function returnRateTarget(campaign: Campaign, department?: string): number | null {
  const targets = campaign.targets?.returnRate;
  const mine = department === undefined ? undefined : own(targets?.departments, department);
  return mine ?? targets?.default ?? null;
}
