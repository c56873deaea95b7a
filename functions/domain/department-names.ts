import type { CorrectiveAction } from './actions/model.ts';
import type { Language, LocalizedText } from './language.ts';
import { own } from './records.ts';

/*
 * Departments as people read them (issue 14). A customer's file names a department by an id
 * (`north-region`); the campaign's `departments` gives it a display name per language, which every
 * document shown to a person uses — reports, CSVs, digests, alerts, status. An id without a name reads as
 * itself. Ids come from customers' files, so the names are read with an own-property check (records.ts).
 */

/** Display names by department id, as a campaign's `departments` holds them. */
export type DepartmentNames = Readonly<Record<string, LocalizedText>>;

/** The department's name in `lang`, or its id when the campaign gives it no name. */
export function departmentName(names: DepartmentNames | undefined, id: string, lang: Language): string {
  return own(names, id)?.[lang] ?? id;
}

/** A campaign's display names as the programme configures them now (undefined: a campaign it does not hold). */
export type DepartmentNamesLookup = (campaignId: string) => DepartmentNames | undefined;

/** The lookup over a programme's campaigns. */
export function departmentNamesOf(
  campaigns: readonly { id: string; departments?: DepartmentNames | undefined }[],
): DepartmentNamesLookup {
  const byId = new Map(campaigns.map((c) => [c.id, c.departments]));
  return (campaignId) => byId.get(campaignId);
}

/** The first of `sources` that names department `id` (e.g. the programme's names now, then a wave's). */
const namesOf = (id: string, ...sources: (DepartmentNames | undefined)[]): DepartmentNames | undefined =>
  sources.find((names) => own(names, id) !== undefined);

/**
 * The display names an action's emails and page give its department: the programme's as configured now,
 * so a renamed department reads by its new name in every later reminder, escalation and page view (a name
 * stored when the action opened would go stale for the action's whole life, rounds and reopens included);
 * for a campaign or department the programme no longer names, the wave's snapshot (response actions);
 * else the id.
 */
export const departmentNamesOfAction = (
  deps: { departmentNames: DepartmentNamesLookup },
  action: Pick<CorrectiveAction, 'campaignId' | 'department'>,
  wave: { campaign: { departments?: DepartmentNames | undefined } } | undefined,
): DepartmentNames | undefined =>
  namesOf(action.department, deps.departmentNames(action.campaignId), wave?.campaign.departments);
