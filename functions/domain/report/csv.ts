import { stringify } from 'csv-stringify/sync';
import type { Invitation, Wave } from '../model.ts';
import { fittingResponses } from './statistics.ts';
import { flagLabel, words } from './text.ts';

/*
 * A spreadsheet opens a cell that starts with one of these as a formula (or as the start of one), so
 * text a customer typed could run as one on a manager's machine (CSV injection). OWASP's advice: start
 * such a cell with a quote, which the spreadsheet shows as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as text no spreadsheet runs as a formula. */
export const neutraliseCell = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/**
 * responses.csv: one row per response that fits the questionnaire, oldest first: invitation id,
 * department, language, answered at, total, grade, the level chosen per category, the text per open
 * question, and last what data cleaning flagged it for (empty when it counts in the figures). Headers and
 * levels are in the report's language. UTF-8 with a byte-order mark so Excel reads Chinese correctly;
 * CRLF line ends (RFC 4180).
 */
export function responsesCsv(wave: Wave, invitations: Invitation[]): string {
  const q = wave.questionnaire;
  const language = wave.campaign.report.language;
  const w = words(language);
  const levelLabel = new Map(q.scale.levels.map((l) => [l.id, l.label[language]]));
  const header = [
    w.invitation,
    w.department,
    w.language,
    w.answeredAt,
    w.score,
    w.grade,
    ...q.categories.map((c) => c.label[language]),
    ...q.openQuestions.map((o) => o.label[language]),
    w.cleaning,
  ];
  const rows = fittingResponses(q, invitations).map(({ invitation, response }) => [
    invitation.id,
    invitation.customer.department,
    response.language,
    response.answeredAt,
    String(response.total),
    response.grade,
    ...q.categories.map((c) => {
      const level = response.ratings[c.id] ?? '';
      return levelLabel.get(level) ?? level;
    }),
    ...q.openQuestions.map((o) => response.comments[o.id] ?? ''),
    (response.cleaning?.flags ?? []).map((f) => flagLabel(w, f)).join(w.cleanedJoin),
  ]);
  return stringify(
    [header, ...rows].map((row) => row.map(neutraliseCell)),
    { bom: true, record_delimiter: 'windows' },
  );
}
