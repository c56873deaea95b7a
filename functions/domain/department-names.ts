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
