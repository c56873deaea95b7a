/* Where report files live in the bucket, and which keys a report link may name. */
import type { Language } from '../language.ts';

/** Every report file lives under this prefix, and nothing else does: IAM and report links rely on it. */
export const REPORTS_PREFIX = 'reports/';

/** A report's files: one report.json (data, both languages' labels), the CSV and the HTML page. */
export interface ReportKeys {
  json: string;
  csv: string;
  html: string;
}

/**
 * The keys of a report's files for readers of `language` (issue 14: every file a recipient is sent is in
 * their language). The campaign's report language (`reportLanguage`) keeps the plain names
 * (`report.html`, `responses.csv`), so its links, bookmarks and scripts stay as they were; another
 * language puts its tag before the extension (`report.en.html`, `responses.en.csv`). report.json is
 * one, whatever the language: it carries every label in both.
 */
export function keysInLanguage(keys: ReportKeys, language: Language, reportLanguage: Language): ReportKeys {
  if (language === reportLanguage) return keys;
  const tagged = (key: string) => key.replace(/(\.[a-z]+)$/, `.${language}$1`);
  return { json: keys.json, csv: tagged(keys.csv), html: tagged(keys.html) };
}

/** Where a wave's report files live in the bucket. */
export function reportKeys(campaignId: string, waveId: string): ReportKeys {
  const prefix = `${REPORTS_PREFIX}${campaignId}/${waveId}`;
  return { json: `${prefix}/report.json`, csv: `${prefix}/responses.csv`, html: `${prefix}/report.html` };
}

/** At most S3's key length; segments of letters, digits, `_`, `.` and `-`, none of them `.` or `..`. */
const MAX_KEY_LENGTH = 1024;
const KEY_SEGMENT = /^[\w.-]+$/;

/**
 * Whether `key` names an object under reports/ that a report link may point at. Dot segments are refused
 * although S3 keys are literal: a browser or proxy would resolve them in the URL and fetch another key.
 */
export function isReportKey(key: string): boolean {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || !key.startsWith(REPORTS_PREFIX)) return false;
  const segments = key.slice(REPORTS_PREFIX.length).split('/');
  return segments.every((s) => KEY_SEGMENT.test(s) && s !== '.' && s !== '..');
}
