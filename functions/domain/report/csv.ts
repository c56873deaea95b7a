import { stringify } from 'csv-stringify/sync';
import type { Invitation, Wave } from '../model.ts';
import { choiceQuestionsOf } from '../questionnaire.ts';
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
 * department, language, answered at, total (0–100), the raw score (scales other than percent-of-weight),
 * grade, the level chosen per category (empty for an optional item left blank), the option per
 * single-choice question, the text per open question, and last what data cleaning flagged it for (empty
 * when it counts in the figures). Headers and
 * levels are in the report's language. UTF-8 with a byte-order mark so Excel reads Chinese correctly;
 * CRLF line ends (RFC 4180).
 */
export function responsesCsv(wave: Wave, invitations: Invitation[]): string {
  const q = wave.questionnaire;
  const language = wave.campaign.report.language;
  const w = words(language);
  const levelLabel = new Map<string, string>(q.scale.levels.map((l) => [l.id, l.label[language]]));
  const choiceQuestions = choiceQuestionsOf(q);
  // The score in the scale's own units gets a column where it differs from the 0–100 total.
  const rawColumn = q.scale.kind !== 'percent-of-weight';
  const header = [
    w.invitation,
    w.department,
    w.language,
    w.answeredAt,
    w.score,
    ...(rawColumn ? [q.scale.kind === 'likert' ? w.meanLikert : w.meanRawPoints] : []),
    w.grade,
    ...q.categories.map((c) => c.label[language]),
    ...choiceQuestions.map((o) => o.label[language]),
    ...q.openQuestions.map((o) => o.label[language]),
    w.cleaning,
  ];
  const rows = fittingResponses(q, invitations).map(({ invitation, response }) => [
    invitation.id,
    invitation.customer.department,
    response.language,
    response.answeredAt,
    String(response.total),
    ...(rawColumn ? [String(response.raw ?? '')] : []),
    response.grade,
    ...q.categories.map((c) => {
      const level = response.ratings[c.id] ?? '';
      return levelLabel.get(level) ?? level;
    }),
    ...choiceQuestions.map((o) => {
      const option = response.choices?.[o.id] ?? '';
      return o.options.find((x) => x.id === option)?.label[language] ?? option;
    }),
    ...q.openQuestions.map((o) => response.comments[o.id] ?? ''),
    (response.cleaning?.flags ?? []).map((f) => flagLabel(w, f)).join(w.cleanedJoin),
  ]);
  return stringify(
    [header, ...rows].map((row) => row.map(neutraliseCell)),
    { bom: true, record_delimiter: 'windows' },
  );
}
