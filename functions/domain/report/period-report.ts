import { localDateOf } from '../calendar/working-days.ts';
import { CLEANING_FLAGS } from '../cleaning-flags.ts';
import type { Wave } from '../model.ts';
import type { Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf, isRequired } from '../questionnaire-defaults.ts';
import { own } from '../records.ts';
import { grade, pointsRange } from '../scoring.ts';
import { SEGMENTS, type Segment } from '../segments.ts';
import { returnRateTarget, satisfactionRateTarget } from '../targets.ts';
import { describeQuestionnaire } from './document.ts';
import type { Period } from './period.ts';
import type {
  GroupFigures,
  ItemStatistics,
  PeriodInput,
  PeriodReportDocument,
  Problem,
  RollupEntry,
  Targets,
  TrendPoint,
} from './period-types.ts';
import { RETURN_RATE_DEFINITIONS, returnRateMet, returnRate as returnRateOf } from './return-rate.ts';
import { byCodeUnits, type ChoiceStatistics } from './statistics.ts';
import {
  commentOrder,
  GRADE_NAMES,
  itemMeans,
  meanRaw,
  meanTotal,
  mergeTallies,
  type Tally,
} from './tally.ts';

export type {
  GroupFigures,
  InvitedBy,
  ItemStatistics,
  PeriodInput,
  PeriodReportDocument,
  PeriodStatistics,
  Problem,
  ReminderEffect,
  RollupEntry,
  Targets,
  TrendPoint,
} from './period-types.ts';

/*
 * The report of a period: every wave dispatched in it (a response belongs to its wave's period, however
 * late it came), from tallies that add up (tally.ts). One builder makes the whole campaign's report and
 * each department's: a department's is built from that department's tallies only, so nothing of another
 * department can reach it.
 */

/** The cohort of a wave: the local month (YYYY-MM) of its dispatch in the report's time zone. */
export const cohortOf = (wave: Pick<Wave, 'createdAt'>, timeZone: string): string =>
  localDateOf(new Date(wave.createdAt), timeZone).slice(0, 7);

/** Whether a cohort's waves belong to a period (whose days are whole months). */
export const inPeriod = (cohort: string, period: Pick<Period, 'first' | 'last'>): boolean =>
  cohort >= period.first.slice(0, 7) && cohort <= period.last.slice(0, 7);

/** How many items the problem ranking lists. */
export const PROBLEMS = 5;

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round4(part / whole));
const met = (value: number | null, target: number | null): boolean | null =>
  value === null || target === null ? null : value >= target;

/** Invitations of some waves, in one department or all, overall or in one segment. */
export function invitedOf(waves: Wave[], department: string | undefined, segment: Segment | null): number {
  let n = 0;
  for (const wave of waves) {
    const by = wave.invitedBy;
    if (!Array.isArray(by)) {
      // Waves from before invitedBy (or from before it was a list): only their total is known.
      if (department === undefined && segment === null) n += wave.invited;
      continue;
    }
    for (const counts of by) {
      if (department !== undefined && counts.department !== department) continue;
      n += segment === null ? counts.all : (counts.segments[segment] ?? 0);
    }
  }
  return n;
}

function figures(
  q: Questionnaire | null,
  tally: Tally,
  invited: number,
  targets: Pick<Targets, 'returnRate' | 'satisfactionRate' | 'index'>,
): GroupFigures {
  const total = meanTotal(tally);
  const raw = meanRaw(tally);
  const likertTarget = q?.scale.kind === 'likert' ? (q.scale.targetMean ?? null) : null;
  const returnRate = returnRateOf(tally.answered, invited);
  const satisfactionRate = ratio(tally.satisfied, tally.rated);
  return {
    invited,
    answered: tally.answered,
    cleaned: tally.cleaned,
    returnRate,
    returnRateTarget: targets.returnRate,
    returnRateMet: returnRateMet(tally.answered, invited, targets.returnRate),
    meanTotal: total,
    grade: total === null || !q ? null : grade(total, q.grades),
    indexMet: met(total, targets.index),
    meanRaw: raw,
    targetMet: met(raw, likertTarget),
    satisfactionRate,
    satisfactionRateMet: met(satisfactionRate, targets.satisfactionRate),
  };
}

/** The questionnaires of some waves, latest wave first, one per version. */
export function questionnairesOf(waves: Wave[]): Questionnaire[] {
  const sorted = [...waves].sort(
    (a, b) => byCodeUnits(b.createdAt, a.createdAt) || byCodeUnits(b.waveId, a.waveId),
  );
  const seen = new Set<string>();
  return sorted.flatMap((w) => {
    const key = `${w.questionnaire.id}@${w.questionnaire.version}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [w.questionnaire];
  });
}

function itemStatistics(questionnaires: Questionnaire[], tally: Tally): ItemStatistics[] {
  const latest = questionnaires[0];
  if (!latest) return [];
  const seen = new Set<string>();
  const out: ItemStatistics[] = [];
  const likertTarget = latest.scale.kind === 'likert' ? (latest.scale.targetMean ?? null) : null;
  for (const q of questionnaires) {
    for (const c of q.categories) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const item = own(tally.items, c.id);
      const means = itemMeans(item);
      const answers = item?.answers ?? 0;
      const levels = q.scale.levels.map((l) => l.id);
      out.push({
        id: c.id,
        label: c.label,
        weight: c.weight ?? null,
        required: isRequired(c),
        ...pointsRange(q, c.id),
        answers,
        meanPoints: means.points,
        meanPercent: means.percent,
        satisfactionRate: ratio(item?.satisfied ?? 0, answers),
        distribution: levels.map((level) => ({ level, count: own(item?.levels, level) ?? 0 })),
        dissatisfied: answers - (item?.satisfied ?? 0),
        targetMet: q === latest ? met(means.points, likertTarget) : null,
      });
    }
  }
  return out;
}

/** Items with answers below "satisfied": most such answers first, then the lowest mean, then questionnaire order. */
export function problemRanking(items: ItemStatistics[], count = PROBLEMS): Problem[] {
  return items
    .map((item, order) => ({ item, order }))
    .filter(({ item }) => item.dissatisfied > 0)
    .sort(
      (a, b) =>
        b.item.dissatisfied - a.item.dissatisfied ||
        (a.item.meanPercent ?? 100) - (b.item.meanPercent ?? 100) ||
        a.order - b.order,
    )
    .slice(0, count)
    .map(({ item }) => ({
      id: item.id,
      label: item.label,
      dissatisfied: item.dissatisfied,
      answers: item.answers,
      meanPercent: item.meanPercent,
      satisfactionRate: item.satisfactionRate,
    }));
}

const inScope = (department: string | undefined) => (e: RollupEntry) =>
  department === undefined || e.department === department;

/** The tally of the entries of one segment (null: all) in scope. */
const tallyOf = (entries: RollupEntry[], department: string | undefined, segment: Segment | null): Tally =>
  mergeTallies(
    entries
      .filter((e) => inScope(department)(e) && e.segment === segment)
      .sort((a, b) => byCodeUnits(a.cohort, b.cohort) || byCodeUnits(a.department, b.department))
      .map((e) => e.tally),
  );

/** Only the entries of a period's cohorts: a rollup day also holds late answers to earlier periods' waves. */
const ofPeriod = (entries: RollupEntry[], period: Period): RollupEntry[] =>
  entries.filter((e) => inPeriod(e.cohort, period));

/** Builds the period's report.json content (see PeriodReportDocument). Pure: the same input, the same output. */
export function buildPeriodReport(input: PeriodInput): PeriodReportDocument {
  const { campaign, period, department, now } = input;
  const waves = [...input.waves].sort(
    (a, b) => byCodeUnits(a.createdAt, b.createdAt) || byCodeUnits(a.waveId, b.waveId),
  );
  const entries = ofPeriod(input.entries, period);
  const questionnaires = questionnairesOf(waves);
  const q = questionnaires[0] ?? null;
  const targets: Targets = {
    returnRate: returnRateTarget(campaign, department),
    satisfactionRate: satisfactionRateTarget(campaign),
    index: campaign.targets?.index ?? null,
    itemMean: q?.scale.kind === 'likert' ? (q.scale.targetMean ?? null) : null,
  };
  const tally = tallyOf(entries, department, null);
  const overall = figures(q, tally, invitedOf(waves, department, null), targets);
  const categories = itemStatistics(questionnaires, tally);

  const departments =
    department === undefined
      ? [
          ...new Set([
            ...entries.map((e) => e.department),
            ...waves.flatMap((w) => (Array.isArray(w.invitedBy) ? w.invitedBy.map((d) => d.department) : [])),
          ]),
        ]
          .sort(byCodeUnits)
          .map((d) => ({
            department: d,
            ...figures(q, tallyOf(entries, d, null), invitedOf(waves, d, null), {
              ...targets,
              returnRate: returnRateTarget(campaign, d),
            }),
          }))
      : [];
  const segments = SEGMENTS.map((segment) => ({
    segment,
    ...figures(q, tallyOf(entries, department, segment), invitedOf(waves, department, segment), targets),
  })).filter((s) => s.invited > 0 || s.answered > 0);

  const trend: TrendPoint[] = [
    ...input.previous.map((p) => ({
      period: p.period,
      waves: p.waves,
      entries: ofPeriod(p.entries, p.period),
    })),
    { period, waves, entries },
  ].map((p) => {
    const f = figures(
      questionnairesOf(p.waves)[0] ?? q,
      tallyOf(p.entries, department, null),
      invitedOf(p.waves, department, null),
      targets,
    );
    return {
      period: p.period.key,
      invited: f.invited,
      answered: f.answered,
      returnRate: f.returnRate,
      meanTotal: f.meanTotal,
      grade: f.grade,
      satisfactionRate: f.satisfactionRate,
    };
  });

  const choices: ChoiceStatistics[] = q
    ? choiceQuestionsOf(q).map((o) => {
        const counts = own(tally.choices, o.id);
        return {
          id: o.id,
          answers: Object.values(counts ?? {}).reduce((s, n) => s + n, 0),
          distribution: o.options.map((x) => ({ option: x.id, count: own(counts, x.id) ?? 0 })),
        };
      })
    : [];

  return {
    schemaVersion: 2,
    kind: 'period',
    generatedAt: now.toISOString(),
    language: input.language,
    definitions: { ...PERIOD_DEFINITIONS },
    campaign: {
      id: input.campaignId,
      name: { 'zh-CN': campaign.name['zh-CN'], en: campaign.name.en },
      timeZone: campaign.report.schedule.timeZone,
    },
    period: {
      kind: period.kind,
      key: period.key,
      first: period.first,
      last: period.last,
      final:
        waves.every((w) => now.getTime() >= Date.parse(w.deadline)) &&
        localDateOf(now, campaign.report.schedule.timeZone) > period.last,
    },
    department: department ?? null,
    waves: waves.map((w) => ({
      id: w.waveId,
      createdAt: w.createdAt,
      deadline: w.deadline,
      invited: invitedOf([w], department, null),
      questionnaireVersion: w.questionnaire.version,
    })),
    questionnaire: q ? describeQuestionnaire(q) : null,
    targets,
    statistics: {
      ...overall,
      excluded: tally.excluded,
      cleaningFlags: CLEANING_FLAGS.map((flag) => ({ flag, count: tally.flags[flag] ?? 0 })),
      ratedAnswers: tally.rated,
      satisfiedAnswers: tally.satisfied,
      grades: GRADE_NAMES.map((g) => ({ grade: g, count: tally.grades[g] ?? 0 })),
      categories,
      choices,
      departments,
      segments,
      problems: problemRanking(categories),
      reminders: tally.afterReminders.map((answered, after) => ({ after, answered })),
      trend,
      commentCount: Object.values(tally.comments).reduce((s, n) => s + n, 0),
      commentLanguages: { 'zh-CN': tally.comments['zh-CN'] ?? 0, en: tally.comments.en ?? 0 },
      comments: [...tally.worst].sort(commentOrder),
    },
  };
}

const PERIOD_DEFINITIONS = {
  period:
    'The waves dispatched from period.first to period.last (local days in campaign.timeZone). A response belongs to the period of its wave, whenever it came.',
  invited: `${RETURN_RATE_DEFINITIONS.invited} Over the period: the sum of its waves’ (recorded at dispatch).`,
  answered: `${RETURN_RATE_DEFINITIONS.answered} Each against its own wave’s questionnaire.`,
  cleaned:
    'Of answered, responses flagged by the data-cleaning rules: kept, left out of every score and rate.',
  excluded: 'Responses that do not fit their wave’s questionnaire: in no figure.',
  returnRate: `${RETURN_RATE_DEFINITIONS.returnRate} Met when ≥ targets.returnRate.`,
  meanTotal:
    'Satisfaction index: mean of the scored responses’ totals (0–100), two decimals, graded with the latest questionnaire’s grades. Met when ≥ targets.index.',
  satisfactionRate:
    'Share of all rated item answers of scored responses at or above the questionnaire’s satisfiedFrom level, 0–1, four decimals. Met when ≥ targets.satisfactionRate (95 % unless the campaign sets it).',
  'categories[]':
    'Per item: answers, mean points (scale units) and mean percent (0–100), satisfaction rate, answers per level (best first), dissatisfied = answers below satisfiedFrom; Likert items against targets.itemMean.',
  'problems[]': 'Items with answers below satisfiedFrom: most such answers first, then lowest mean percent.',
  'reminders[]': 'Answers by how many reminders had been sent before them (after: 0 = the invitation alone).',
  'segments[]':
    'The same figures for the customers in each segment (active, new, key) when they were invited; a customer may be in several.',
  'departments[]':
    'The same figures per department (the customer’s department when invited), sorted by name.',
  'trend[]':
    'The same headline figures for the previous periods of the same kind, oldest first, then this one.',
  'comments[]':
    'The open answers of the lowest-scoring responses (at most 20), lowest total first; commentCount and commentLanguages count all of them.',
} as const;
