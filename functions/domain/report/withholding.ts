/*
 * Small-group suppression for anonymous campaigns (domain/anonymity.ts): a breakdown (department, segment,
 * comments) of fewer than `minGroupSize` responses is withheld and shown as such; totals still count it.
 * The rule lives here so that report.json, responses.csv, report.html and the digests all apply it alike.
 */
import { isWithheld, withheldNote } from '../anonymity.ts';
import type { WaveStatistics } from './statistics.ts';

/** The wave's figures as an anonymous campaign's report shows them. */
export interface ShownWaveStatistics extends WaveStatistics {
  /** How many departments were withheld (not named, no figures, no comments), and why. */
  withheldDepartments?: { count: number; note: string };
  /** Set when the comments are withheld: the whole wave has fewer responses than `minGroupSize`. */
  commentsWithheld?: string;
}

/** What a report says in place of a withheld breakdown, in its language (`template`: words(lang).withheld). */
export const withheldText = (template: string, minGroupSize: number): string =>
  template.replace('{n}', String(minGroupSize));

/**
 * The names of the groups to withhold, from the number of responses in each: every group with fewer than
 * `minGroupSize` (none when it is undefined: the campaign is not anonymous). When that is exactly one
 * group and others are shown, the next smallest (fewest responses, then name) is withheld too: the totals
 * minus the shown groups would otherwise give the one withheld group's figures.
 */
export function withheldGroups(
  responses: ReadonlyMap<string, number>,
  minGroupSize: number | undefined,
): Set<string> {
  const hidden = new Set([...responses].filter(([, n]) => isWithheld(n, minGroupSize)).map(([name]) => name));
  if (hidden.size === 1) {
    const next = [...responses]
      .filter(([name, n]) => !hidden.has(name) && n > 0)
      .sort(([a, m], [b, n]) => m - n || (a < b ? -1 : a > b ? 1 : 0))[0];
    if (next) hidden.add(next[0]);
  }
  return hidden;
}

/**
 * The wave's statistics without the departments withheldGroups picks (answered, flagged ones included):
 * they are not named, only counted (withheldDepartments), and their comments are left out; no comments at
 * all when the whole wave has fewer responses than `minGroupSize`. The totals stay as they are. Unchanged
 * when `minGroupSize` is undefined (not an anonymous campaign).
 */
export function withholdSmallGroups(
  s: WaveStatistics,
  minGroupSize: number | undefined,
): ShownWaveStatistics {
  if (minGroupSize === undefined) return s;
  const note = withheldNote(minGroupSize);
  const hidden = withheldGroups(new Map(s.departments.map((d) => [d.department, d.answered])), minGroupSize);
  const withholdComments = isWithheld(s.answered, minGroupSize);
  return {
    ...s,
    departments: s.departments.filter((d) => !hidden.has(d.department)),
    ...(hidden.size > 0 ? { withheldDepartments: { count: hidden.size, note } } : {}),
    comments: withholdComments ? [] : s.comments.filter((c) => !hidden.has(c.department)),
    ...(withholdComments ? { commentsWithheld: note } : {}),
  };
}
