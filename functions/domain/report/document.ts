import { minGroupSizeOf } from '../anonymity.ts';
import type { CleaningRule } from '../cleaning.ts';
import type { Language, LocalizedText } from '../language.ts';
import type { Invitation, Wave } from '../model.ts';
import type { Grades, Questionnaire, ScaleKind } from '../questionnaire.ts';
import { choiceQuestionsOf, isRequired } from '../questionnaire-defaults.ts';
import { shownDepartmentNames } from './people.ts';
import { EMAILED_DEFINITION, RETURN_RATE_DEFINITIONS } from './return-rate.ts';
import { WAVE_COMMENTS, WaveTally } from './wave-tally.ts';
import type { ShownWaveStatistics } from './withholding.ts';

export { isReportKey, keysInLanguage, REPORTS_PREFIX, type ReportKeys, reportKeys } from './keys.ts';

/**
 * The content of report.json. Everything but `generatedAt` follows from the wave and its invitations,
 * in a fixed order, so regenerating a report yields the same bytes apart from that one field.
 * Readers check `schemaVersion` before anything else.
 */
export interface ReportDocument {
  schemaVersion: 1;
  generatedAt: string;
  /** The language the managers read the report in (campaign.report.language). */
  language: Language;
  /** How each figure is computed, for whoever reads the file without this code. */
  definitions: Record<string, string>;
  /**
   * `departments`: the display names (campaign.departments) of the departments the report shows, by id;
   * a department without one reads as its id.
   */
  campaign: {
    id: string;
    name: LocalizedText;
    timeZone: string;
    departments?: Record<string, LocalizedText>;
  };
  wave: { id: string; createdAt: string; deadline: string };
  questionnaire: {
    id: string;
    version: number;
    title: LocalizedText;
    /** How ratings are worth something (questionnaire.ts `Scale`). */
    scaleKind: ScaleKind;
    /** A likert scale's target mean; null when there is none. */
    targetMean: number | null;
    /** Each level's worth, by scale kind: `percent` of the weight, fixed `points`, or Likert `value`. */
    levels: Array<{ id: string; label: LocalizedText; percent?: number; points?: number; value?: number }>;
    satisfiedFrom: string;
    /** `weight` on percent-of-weight scales, `points` per level on points-table scales. */
    categories: Array<{
      id: string;
      label: LocalizedText;
      weight?: number;
      points?: Record<string, number>;
      required: boolean;
    }>;
    choiceQuestions: Array<{
      id: string;
      label: LocalizedText;
      options: Array<{ id: string; label: LocalizedText }>;
    }>;
    openQuestions: Array<{ id: string; label: LocalizedText }>;
    grades: Grades;
  };
  /** The data-cleaning rules of the campaign as the wave snapshotted it; null when it had none. */
  cleaning: { rules: CleaningRule[] } | null;
  /**
   * Present for an anonymous campaign: no customer is named anywhere, and every department (and comment
   * of one) with fewer than `minGroupSize` responses is withheld (report/withholding.ts).
   */
  anonymous?: { minGroupSize: number };
  statistics: ShownWaveStatistics;
}

const DEFINITIONS = {
  ...RETURN_RATE_DEFINITIONS,
  emailed: EMAILED_DEFINITION,
  cleaned:
    'Of answered, responses flagged by the data-cleaning rules (see cleaning): kept and listed in responses.csv, left out of every score and rate.',
  cleaningFlags:
    'Flagged responses per flag: straight-lining, too-fast, unverifiable-timing (a timing rule could not be checked: the form carried no genuine opening time). One response may have several.',
  excluded:
    'Responses that do not fit the questionnaire the wave sent (other version, unknown level); kept out of every figure and of responses.csv.',
  meanTotal:
    'Satisfaction index: mean of the unflagged responses’ total scores, 0–100, two decimals. A total is Σ weight × level percent (percent-of-weight); (Σ points − lowest possible) / (highest − lowest) × 100 (fixed-points, points-table); (mean value − lowest) / (highest − lowest) × 100 (likert); each over the items the customer answered.',
  meanRaw:
    'Mean of the responses’ scores in the scale’s own units: Σ points (percent-of-weight, fixed-points, points-table) or the mean level value (likert), two decimals.',
  targetMet: 'Likert scales with a targetMean: whether meanRaw reaches it; otherwise null.',
  grade: 'Grade of meanTotal under the questionnaire’s grade thresholds.',
  satisfactionRate:
    'Share of all rated item answers (unflagged responses × answered categories) at or above the level questionnaire.satisfiedFrom, as a fraction 0–1 (four decimals).',
  'categories[].meanPoints':
    'Mean points of the item in the scale’s units (0–weight, points, or Likert value), two decimals; over the responses that rated it.',
  'categories[].meanPercent':
    'meanPoints on 0–100: as a percentage of the item’s weight (percent-of-weight), else (meanPoints − worst) / (best − worst) × 100; two decimals.',
  'categories[].distribution': 'Answers per level, in scale order (best first).',
  'choices[]': 'Single-choice questions (not scored): answers per option, in the question’s order.',
  'departments[]':
    'The same figures per department of the customers as they were when invited, sorted by name.',
  'comments[]': 'Open answers in question order, lowest total score first.',
} as const;

const OMITTED_DEFINITIONS = {
  commentsOmitted: `Comments not listed in comments[]: each open question lists the ${WAVE_COMMENTS} of the lowest totals (then oldest first); responses.csv has every comment.`,
} as const;

const ANONYMOUS_DEFINITIONS = {
  withheld:
    'Anonymous campaign: departments with fewer than anonymous.minGroupSize responses (and, when that is only one, the next smallest too, so the totals cannot give it away) are not named nor shown: statistics.withheldDepartments says only how many, and their comments are left out, and with fewer responses in the whole wave no comment is shown (commentsWithheld); the totals count every response. Responses carry no customer and are dated by their UTC day only.',
} as const;

/* DynamoDB does not keep the order of a map's keys, so every object read from the wave is rebuilt here. */
const localized = (t: LocalizedText): LocalizedText => ({ 'zh-CN': t['zh-CN'], en: t.en });

const orderedRule = (r: CleaningRule): CleaningRule =>
  r.kind === 'too-fast'
    ? { kind: r.kind, minSeconds: r.minSeconds }
    : { kind: r.kind, ...(r.withinSeconds === undefined ? {} : { withinSeconds: r.withinSeconds }) };

/** The questionnaire as report.json describes it: ids, labels, levels, grades, in a fixed key order. */
export function describeQuestionnaire(q: Questionnaire): ReportDocument['questionnaire'] {
  return {
    id: q.id,
    version: q.version,
    title: localized(q.title),
    scaleKind: q.scale.kind,
    targetMean: q.scale.kind === 'likert' ? (q.scale.targetMean ?? null) : null,
    levels: q.scale.levels.map((l) => ({
      id: l.id,
      label: localized(l.label),
      ...('percent' in l && { percent: l.percent }),
      ...('points' in l && { points: l.points }),
      ...('value' in l && { value: l.value }),
    })),
    satisfiedFrom: q.scale.satisfiedFrom,
    categories: q.categories.map((c) => ({
      id: c.id,
      label: localized(c.label),
      ...(c.weight !== undefined && { weight: c.weight }),
      ...(c.points && { points: Object.fromEntries(q.scale.levels.map((l) => [l.id, c.points![l.id]!])) }),
      required: isRequired(c),
    })),
    choiceQuestions: choiceQuestionsOf(q).map((o) => ({
      id: o.id,
      label: localized(o.label),
      options: o.options.map((x) => ({ id: x.id, label: localized(x.label) })),
    })),
    openQuestions: q.openQuestions.map((o) => ({ id: o.id, label: localized(o.label) })),
    grades: { A: q.grades.A, B: q.grades.B, C: q.grades.C, D: q.grades.D },
  };
}

/** Builds report.json's content for a wave from its invitations. */
export function buildReport(
  wave: Wave,
  invitations: Iterable<Invitation>,
  generatedAt: Date,
): ReportDocument {
  const tally = new WaveTally(wave.questionnaire, minGroupSizeOf(wave.campaign));
  for (const invitation of invitations) tally.addInvitation(invitation);
  return waveReport(wave, tally, generatedAt);
}

/**
 * report.json's content for a wave from the tally of its invitations (WaveTally, made with the
 * campaign's minGroupSizeOf), however many there were.
 */
export function waveReport(wave: Wave, tally: WaveTally, generatedAt: Date): ReportDocument {
  const q = wave.questionnaire;
  const minGroupSize = minGroupSizeOf(wave.campaign);
  const statistics = tally.shown();
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    language: wave.campaign.report.language,
    definitions: {
      ...DEFINITIONS,
      ...(minGroupSize === undefined ? {} : ANONYMOUS_DEFINITIONS),
      ...(statistics.commentsOmitted ? OMITTED_DEFINITIONS : {}),
    },
    campaign: {
      id: wave.campaignId,
      name: localized(wave.campaign.name),
      timeZone: wave.campaign.report.schedule.timeZone,
      departments: shownDepartmentNames(wave.campaign.departments, [
        ...statistics.departments.map((d) => d.department),
        ...statistics.comments.map((c) => c.department),
      ]),
    },
    wave: { id: wave.waveId, createdAt: wave.createdAt, deadline: wave.deadline },
    questionnaire: describeQuestionnaire(q),
    cleaning: wave.campaign.cleaning ? { rules: wave.campaign.cleaning.rules.map(orderedRule) } : null,
    ...(minGroupSize === undefined ? {} : { anonymous: { minGroupSize } }),
    statistics,
  };
}

/** report.json's bytes: indented for people who open it, with a final newline. */
export const reportJson = (report: ReportDocument): string => `${JSON.stringify(report, null, 2)}\n`;
