/* Where report files live in the bucket, and which keys a report link may name. */
/** Every report file lives under this prefix, and nothing else does: IAM and report links rely on it. */
export const REPORTS_PREFIX = 'reports/';

/** Where a wave's report files live in the bucket. */
export function reportKeys(campaignId: string, waveId: string): { json: string; csv: string; html: string } {
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
