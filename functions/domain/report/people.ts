import { dateFormat } from '../date-format.ts';
import { type DepartmentNames, departmentName } from '../department-names.ts';
import type { Language, LocalizedText } from '../language.ts';
import { dict, own, setOwn } from '../records.ts';

/*
 * Dates, time zones and languages as the people who read a report name them (issue 14): "2026年12月2日
 * 12:45" / "2 December 2026, 12:45" in the campaign's time zone, "中国标准时间" / "China Standard Time"
 * rather than `Asia/Shanghai`, "英文" / "English" rather than `en`. Ids stay in report.json and the CSV.
 */

const dayFormat = (lang: Language, timeZone: string) =>
  dateFormat(lang, { timeZone, year: 'numeric', month: 'long', day: 'numeric' });

const timeFormat = (lang: Language, timeZone: string) =>
  dateFormat(lang, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "2026年12月2日" / "2 December 2026": the day of `iso` in `timeZone`. */
export const dateFor = (iso: string | Date, timeZone: string, lang: Language): string =>
  dayFormat(lang, timeZone).format(new Date(iso));

/** "2026年12月2日 12:45" / "2 December 2026, 12:45": `iso` in `timeZone`, to the minute. */
export function dateTimeFor(iso: string | Date, timeZone: string, lang: Language): string {
  const when = new Date(iso);
  const date = dayFormat(lang, timeZone).format(when);
  const time = timeFormat(lang, timeZone).format(when);
  return lang === 'zh-CN' ? `${date} ${time}` : `${date}, ${time}`;
}

/** Zones whose generic name reads as an offset ("GMT+00:00"): people call them UTC. */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Zulu']);

/** A zone's generic name can change with its history (metazones): names are those of this time on. */
const NAMED_AT = new Date('2026-01-01T00:00:00Z');

/** "中国标准时间" / "China Standard Time": the name people use for a time zone, not its IANA id. */
export function timeZoneName(timeZone: string, lang: Language, at: Date = NAMED_AT): string {
  if (UTC_ZONES.has(timeZone)) return lang === 'zh-CN' ? '协调世界时' : 'UTC';
  const parts = dateFormat(lang, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

const LANGUAGE_NAMES: Record<Language, Record<Language, string>> = {
  'zh-CN': { 'zh-CN': '中文', en: '英文' },
  en: { 'zh-CN': 'Chinese', en: 'English' },
};

/** A language as the reader names it: "中文" / "英文" in Chinese, "Chinese" / "English" in English. */
export const languageName = (language: Language, reader: Language): string =>
  own(LANGUAGE_NAMES[reader], language) ?? String(language);

/**
 * The display names (campaign.departments) of the departments a report shows, for its document to carry:
 * only those, so an anonymous campaign's report names no department it withholds. Ids without a name
 * are left out (they read as themselves).
 */
export function shownDepartmentNames(
  names: DepartmentNames | undefined,
  shown: Iterable<string>,
): Record<string, LocalizedText> {
  const out = dict<LocalizedText>();
  for (const id of shown) {
    const name = own(names, id);
    if (name) setOwn(out, id, { 'zh-CN': name['zh-CN'], en: name.en });
  }
  return out;
}

/** A department of a report as its reader names it (department-names.ts), from the names it carries. */
export const departmentLabel = (
  report: { campaign: { departments?: DepartmentNames | undefined } },
  id: string,
  lang: Language,
): string => departmentName(report.campaign.departments, id, lang);

/**
 * A report as it is published: its campaign carries the display names of the departments it shows, after
 * withholding (an anonymous campaign's report names no department it withholds): its departments, its
 * comments', its actions' and its own scope.
 */
export function withDepartmentNames<
  T extends {
    campaign: { departments?: Record<string, LocalizedText> | undefined };
    department?: string | null;
    statistics: { departments: Array<{ department: string }>; comments: Array<{ department: string }> };
    actions?: { departments: Array<{ department: string }> } | null;
  },
>(report: T, names: DepartmentNames | undefined): T {
  const shown = [
    ...(typeof report.department === 'string' ? [report.department] : []),
    ...report.statistics.departments.map((d) => d.department),
    ...report.statistics.comments.map((c) => c.department),
    ...(report.actions?.departments ?? []).map((a) => a.department),
  ];
  return { ...report, campaign: { ...report.campaign, departments: shownDepartmentNames(names, shown) } };
}
