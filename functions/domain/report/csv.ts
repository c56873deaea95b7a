import { stringify } from 'csv-stringify/sync';
import { minGroupSizeOf } from '../anonymity.ts';
import { type DepartmentNames, departmentName } from '../department-names.ts';
import type { Language } from '../language.ts';
import type { Invitation, Wave } from '../model.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf } from '../questionnaire-defaults.ts';
import { questionnairesOf } from './period-report.ts';
import { byAnswerTime, type CountedResponse, fitsQuestionnaire } from './statistics.ts';
import { flagLabel, languageName, words } from './text.ts';
import { withheldGroups } from './withholding.ts';

/*
 * A spreadsheet opens a cell that starts with one of these as a formula (or as the start of one), so
 * text a customer typed could run as one on a manager's machine (CSV injection). OWASP's advice: start
 * such a cell with a quote, which the spreadsheet shows as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as text no spreadsheet runs as a formula. */
export const neutraliseCell = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** Items of some questionnaires (latest first): the latest's in its order, then those only older ones had. */
function itemsOf<T extends { id: string }>(
  questionnaires: Questionnaire[],
  items: (q: Questionnaire) => T[],
): T[] {
  const seen = new Set<string>();
  return questionnaires.flatMap((q) =>
    items(q).filter((item) => {
      if (seen.has(item.id)) return false;
      seen.add(item.id);
      return true;
    }),
  );
}

/**
 * The columns of responses.csv for responses to some questionnaires (latest first), from the invitation
 * id on: the header, and a response's cells on its own questionnaire, empty in the columns of items that
 * questionnaire does not have.
 */
function responseColumns(
  questionnaires: Questionnaire[],
  language: Language,
  departments: DepartmentNames | undefined,
): { header: string[]; cells: (q: Questionnaire, counted: CountedResponse) => string[] } {
  const w = words(language);
  const categories = itemsOf(questionnaires, (q) => q.categories);
  const choiceQuestions = itemsOf(questionnaires, choiceQuestionsOf);
  const openQuestions = itemsOf(questionnaires, (q) => q.openQuestions);
  // The score in the scale's own units gets a column where it differs from the 0–100 total.
  const rawScale = questionnaires.find((q) => q.scale.kind !== 'percent-of-weight')?.scale;
  const header = [
    w.invitation,
    w.department,
    w.departmentId,
    w.language,
    w.answeredAt,
    w.score,
    ...(rawScale ? [rawScale.kind === 'likert' ? w.meanLikert : w.meanRawPoints] : []),
    w.grade,
    ...categories.map((c) => c.label[language]),
    ...choiceQuestions.map((o) => o.label[language]),
    ...openQuestions.map((o) => o.label[language]),
    w.cleaning,
  ];
  const cells = (q: Questionnaire, { invitation, response }: CountedResponse): string[] => {
    const has = (items: Array<{ id: string }>, id: string): boolean => items.some((x) => x.id === id);
    return [
      invitation.id,
      departmentName(departments, invitation.customer.department, language),
      invitation.customer.department,
      languageName(response.language, language),
      response.answeredAt,
      String(response.total),
      ...(rawScale ? [String(response.raw ?? '')] : []),
      response.grade,
      ...categories.map((c) => {
        const level = has(q.categories, c.id) ? (response.ratings[c.id] ?? '') : '';
        return q.scale.levels.find((l) => l.id === level)?.label[language] ?? level;
      }),
      ...choiceQuestions.map((o) => {
        const own = choiceQuestionsOf(q).find((x) => x.id === o.id);
        const option = own ? (response.choices?.[o.id] ?? '') : '';
        return own?.options.find((x) => x.id === option)?.label[language] ?? option;
      }),
      ...openQuestions.map((o) => (has(q.openQuestions, o.id) ? (response.comments[o.id] ?? '') : '')),
      (response.cleaning?.flags ?? []).map((f) => flagLabel(w, f)).join(w.cleanedJoin),
    ];
  };
  return { header, cells };
}

/** Rows as CSV: every cell neutralised, UTF-8 with a byte-order mark so Excel reads Chinese, CRLF (RFC 4180). */
const csvOf = (rows: string[][], bom = true): string =>
  stringify(
    rows.map((row) => row.map(neutraliseCell)),
    { bom, record_delimiter: 'windows' },
  );

/**
 * responses.csv: one row per response that fits the questionnaire, oldest first: invitation id, the
 * department's display name (campaign.departments; its id without one) and its id (for analysis: names
 * may change, ids do not), the answer's language by name, answered at, total (0–100), the raw score (scales other than percent-of-weight),
 * grade, the level chosen per category (empty for an optional item left blank), the option per
 * single-choice question, the text per open question, and last what data cleaning flagged it for (empty
 * when it counts in the figures). Headers and
 * levels are in the report's language. UTF-8 with a byte-order mark so Excel reads Chinese correctly;
 * CRLF line ends (RFC 4180).
 */
export function responsesCsv(
  wave: Wave,
  invitations: Invitation[],
  language: Language = wave.campaign.report.language,
): string {
  const q = wave.questionnaire;
  const fitting = new Map<string, number>();
  for (const { customer, response } of invitations)
    if (response && fitsQuestionnaire(q, response))
      fitting.set(customer.department, (fitting.get(customer.department) ?? 0) + 1);
  const writer = waveResponsesWriter(wave, withheldGroups(fitting, minGroupSizeOf(wave.campaign)), language);
  return writer.head + writer.rows(invitations);
}

/**
 * responsesCsv written a page of answered invitations at a time (any number of them in bounded memory):
 * `head` is the byte-order mark and the header row; `rows` turns answered invitations (in answer order,
 * as the store's answeredPages gives them) into rows, leaving out responses that do not fit the wave's
 * questionnaire and, in an anonymous campaign, those of `withheld` departments (withholding.ts: counted
 * by the responses that fit, per department that has any). head + rows(page 1) + rows(page 2)… is
 * responsesCsv of all of them.
 */
export function waveResponsesWriter(
  wave: Wave,
  withheld: ReadonlySet<string>,
  language: Language = wave.campaign.report.language,
): { head: string; rows: (answered: Iterable<Invitation>) => string } {
  const q = wave.questionnaire;
  const { header, cells } = responseColumns([q], language, wave.campaign.departments);
  return {
    head: csvOf([header], true),
    rows: (answered) => {
      const rows: CountedResponse[] = [];
      for (const invitation of answered) {
        const response = invitation.response;
        if (!response || withheld.has(invitation.customer.department) || !fitsQuestionnaire(q, response))
          continue;
        rows.push({ invitation, response });
      }
      rows.sort(byAnswerTime);
      return rows.length === 0
        ? ''
        : csvOf(
            rows.map((c) => cells(q, c)),
            false,
          );
    },
  };
}

/**
 * A period's responses.csv, written a page of responses at a time (any number of them in bounded memory):
 * `head` is the byte-order mark and the header row; `rows` turns answered invitations (in answer order,
 * as the store's answeredPages gives them) into rows, leaving out other waves' and, with a department,
 * other departments'. The columns: the wave id, then those of responsesCsv for the questionnaire of the
 * period's latest wave followed by items only older versions had (a response leaves the columns of items
 * its own questionnaire lacks empty); only responses that fit their own wave's questionnaire. Headers
 * and levels in `language`. head + rows(page 1) + rows(page 2)… is periodResponsesCsv of all of them.
 */
export function periodResponsesWriter(
  waves: Wave[],
  options: {
    language: Language;
    department?: string | undefined;
    /** Display names of departments (campaign.departments of the latest wave). */
    departmentNames?: DepartmentNames | undefined;
    /** An anonymous campaign's withheld departments (period-withholding.ts): their rows are left out. */
    withheld?: { departments: ReadonlySet<string> } | undefined;
  },
): { head: string; rows: (answered: Iterable<Invitation>) => string } {
  const { department, language, withheld } = options;
  // A withheld department's own file lists none of its rows.
  const none = department !== undefined && withheld?.departments.has(department) === true;
  const { header, cells } = responseColumns(questionnairesOf(waves), language, options.departmentNames);
  const byId = new Map(waves.map((w) => [w.waveId, w]));
  return {
    head: csvOf([[words(language).wave, ...header]], true),
    rows: (answered) => {
      const rows: Array<{ wave: Wave; counted: CountedResponse }> = [];
      for (const invitation of answered) {
        const wave = byId.get(invitation.waveId);
        const response = invitation.response;
        if (
          none ||
          !wave ||
          !response ||
          (department !== undefined && invitation.customer.department !== department)
        )
          continue;
        if (withheld?.departments.has(invitation.customer.department)) continue;
        if (fitsQuestionnaire(wave.questionnaire, response))
          rows.push({ wave, counted: { invitation, response } });
      }
      rows.sort((a, b) => byAnswerTime(a.counted, b.counted));
      return csvOf(
        rows.map(({ wave, counted }) => [wave.waveId, ...cells(wave.questionnaire, counted)]),
        false,
      );
    },
  };
}

/** periodResponsesWriter's file of some answered invitations at once (in any order). */
export function periodResponsesCsv(
  waves: Array<{ wave: Wave; invitations: Invitation[] }>,
  options: { language: Language; department?: string; departmentNames?: DepartmentNames },
): string {
  const writer = periodResponsesWriter(
    waves.map((x) => x.wave),
    options,
  );
  return writer.head + writer.rows(waves.flatMap((x) => x.invitations));
}
