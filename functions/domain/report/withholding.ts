/*
 * Small-group suppression for anonymous campaigns (domain/anonymity.ts): a breakdown (department, segment,
 * comments) of fewer than `minGroupSize` responses is withheld and shown as such; totals still count it.
 * The rule lives here so that report.json, responses.csv, report.html and the digests all apply it alike.
 */
import { isWithheld, withheldNote } from '../anonymity.ts';
import type { DepartmentStatistics, ReportComment, WaveStatistics } from './statistics.ts';

/** A breakdown that was withheld: its name, and why (`withheld: fewer than 5 responses`). */
export interface WithheldGroup {
  department: string;
  withheld: string;
}

export const isWithheldGroup = (d: object): d is WithheldGroup => 'withheld' in d;

/** The wave's figures as an anonymous campaign's report shows them. */
export interface ShownWaveStatistics extends Omit<WaveStatistics, 'departments'> {
  departments: Array<DepartmentStatistics | WithheldGroup>;
  /** Set when the comments are withheld: the whole wave has fewer responses than `minGroupSize`. */
  commentsWithheld?: string;
}

/** What a report says in place of a withheld breakdown, in its language (`template`: words(lang).withheld). */
export const withheldText = (template: string, minGroupSize: number): string =>
  template.replace('{n}', String(minGroupSize));

/**
 * The names of the groups to withhold, from the number of responses in each: every group with fewer than
 * `minGroupSize` (none when it is undefined: the campaign is not anonymous).
 */
export function withheldGroups(
  responses: ReadonlyMap<string, number>,
  minGroupSize: number | undefined,
): Set<string> {
  return new Set([...responses].filter(([, n]) => isWithheld(n, minGroupSize)).map(([name]) => name));
}

/**
 * The wave's statistics with every department of fewer than `minGroupSize` responses (answered, flagged
 * ones included) replaced by a WithheldGroup, each comment of such a department carrying the note in
 * place of its department, and no comments at all when the whole wave has fewer responses than that.
 * The totals stay as they are. Unchanged when `minGroupSize` is undefined (not an anonymous campaign).
 */
export function withholdSmallGroups(
  s: WaveStatistics,
  minGroupSize: number | undefined,
): ShownWaveStatistics {
  if (minGroupSize === undefined) return s;
  const note = withheldNote(minGroupSize);
  const hidden = withheldGroups(new Map(s.departments.map((d) => [d.department, d.answered])), minGroupSize);
  const comments: ReportComment[] = s.comments.map((c) =>
    hidden.has(c.department) ? { ...c, department: note } : c,
  );
  const withholdComments = isWithheld(s.answered, minGroupSize);
  return {
    ...s,
    departments: s.departments.map((d) =>
      hidden.has(d.department) ? { department: d.department, withheld: note } : d,
    ),
    comments: withholdComments ? [] : comments,
    ...(withholdComments ? { commentsWithheld: note } : {}),
  };
}
