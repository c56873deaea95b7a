import { isWithheld } from '../anonymity.ts';
import { CLEANING_FLAGS, type CleaningFlag, isFlagged } from '../cleaning-flags.ts';
import { type Invitation, wasEmailed } from '../model.ts';
import type { GradeName, Questionnaire } from '../questionnaire.ts';
import { choiceQuestionsOf, isRequired } from '../questionnaire-defaults.ts';
import { grade, isSatisfied, itemPercent, points, pointsRange } from '../scoring.ts';
import { returnRate } from './return-rate.ts';
import {
  byCodeUnits,
  type CategoryStatistics,
  fitsQuestionnaire,
  type GroupStatistics,
  type ReportComment,
  responseComments,
  type WaveStatistics,
} from './statistics.ts';
import { type ShownWaveStatistics, withheldGroups, withholdSmallGroups } from './withholding.ts';

/*
 * A wave's statistics (statistics.ts `WaveStatistics`) added up an invitation at a time, so a report
 * reads a wave of any size a page at a time and holds only sums: counts per department, per category
 * level and per choice, and the comments of the lowest totals (WAVE_COMMENTS per open question). The
 * sums do not depend on the order the invitations come in: the same wave gives the same bytes.
 */

/** How many comments a wave report quotes per open question: those of the lowest totals. */
export const WAVE_COMMENTS = 20;

const GRADE_NAMES: GradeName[] = ['A', 'B', 'C', 'D', 'E'];

const round = (n: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
};
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 4));

/** A sum of floating-point numbers with its rounding error carried along (Neumaier), near-exact in any order. */
class Sum {
  private sum = 0;
  private carry = 0;
  add(x: number): void {
    const t = this.sum + x;
    this.carry += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.carry;
  }
}

/** What a group (the wave, one department) adds up. */
interface Group {
  invited: number;
  emailed: number;
  /** Responses that fit, flagged or not. */
  answered: number;
  cleaned: number;
  /** Fit and not flagged: the scored responses. */
  counted: number;
  total: Sum;
  raw: Sum;
  rated: number;
  satisfied: number;
}

const emptyGroup = (): Group => ({
  invited: 0,
  emailed: 0,
  answered: 0,
  cleaned: 0,
  counted: 0,
  total: new Sum(),
  raw: new Sum(),
  rated: 0,
  satisfied: 0,
});

/** The comments of every department together: the scope of a wave that withholds none. */
const ALL = Symbol('all departments');

/** Lowest total first, then time of answer and invitation: which comments a report keeps and its order. */
const lowestFirst = (a: ReportComment, b: ReportComment): number =>
  a.total - b.total || byCodeUnits(a.answeredAt, b.answeredAt) || byCodeUnits(a.invitationId, b.invitationId);

/** One open question's comments of one department (or of all): the lowest kept, and how many there were. */
interface Kept {
  comments: ReportComment[];
  count: number;
}

/**
 * The running statistics of one wave. Add its invitations (addInvitation; an anonymous wave's responses
 * as the answered invitations anonymity.ts makes of them, and its unanswered ones as counts, addUnanswered),
 * then read `statistics` or `shown`.
 */
export class WaveTally {
  private readonly q: Questionnaire;
  private readonly overall = emptyGroup();
  private readonly departments = new Map<string, Group>();
  private withResponse = 0;
  private readonly flags = new Map<CleaningFlag, number>();
  private readonly grades = new Map<GradeName, number>();
  /** Answers per category and level. */
  private readonly levels = new Map<string, Map<string, number>>();
  private readonly choices = new Map<string, Map<string, number>>();
  /** Per department (or ALL when nothing is withheld), per open question. */
  private readonly comments = new Map<string | typeof ALL, Map<string, Kept>>();
  /** The earliest and latest answer time of the responses that fit. */
  private first: string | undefined;
  private last: string | undefined;

  /**
   * `minGroupSize`: an anonymous campaign's (anonymity.ts `minGroupSizeOf`), whose small departments are
   * withheld: its comments are then kept per department, so that those of withheld ones can be left out.
   */
  constructor(
    questionnaire: Questionnaire,
    private readonly minGroupSize?: number,
  ) {
    this.q = questionnaire;
  }

  private group(department: string): Group {
    let g = this.departments.get(department);
    if (!g) {
      g = emptyGroup();
      this.departments.set(department, g);
    }
    return g;
  }

  /** Invitations no response was matched to (an anonymous wave's): counted as invited and emailed. */
  addUnanswered(department: string, invited: number, emailed: number): void {
    for (const g of [this.overall, this.group(department)]) {
      g.invited += invited;
      g.emailed += emailed;
    }
  }

  addInvitation(invitation: Invitation): void {
    const department = invitation.customer.department;
    const groups = [this.overall, this.group(department)];
    const emailed = wasEmailed(invitation) ? 1 : 0;
    for (const g of groups) {
      g.invited += 1;
      g.emailed += emailed;
    }
    const response = invitation.response;
    if (!response) return;
    this.withResponse += 1;
    const q = this.q;
    if (!fitsQuestionnaire(q, response)) return;
    for (const g of groups) g.answered += 1;
    if (this.first === undefined || response.answeredAt < this.first) this.first = response.answeredAt;
    if (this.last === undefined || response.answeredAt > this.last) this.last = response.answeredAt;
    if (isFlagged(response)) {
      for (const g of groups) g.cleaned += 1;
      for (const flag of new Set(response.cleaning?.flags ?? []))
        this.flags.set(flag, (this.flags.get(flag) ?? 0) + 1);
      return;
    }
    let rated = 0;
    let satisfied = 0;
    for (const c of q.categories) {
      const level = response.ratings[c.id];
      if (level === undefined) continue;
      rated += 1;
      if (isSatisfied(q, level)) satisfied += 1;
      const counts = this.levels.get(c.id) ?? new Map<string, number>();
      this.levels.set(c.id, counts);
      counts.set(level, (counts.get(level) ?? 0) + 1);
    }
    for (const g of groups) {
      g.counted += 1;
      g.total.add(response.total);
      g.raw.add(response.raw ?? response.total);
      g.rated += rated;
      g.satisfied += satisfied;
    }
    this.grades.set(response.grade, (this.grades.get(response.grade) ?? 0) + 1);
    for (const o of choiceQuestionsOf(q)) {
      const option = response.choices?.[o.id];
      if (option === undefined) continue;
      const counts = this.choices.get(o.id) ?? new Map<string, number>();
      this.choices.set(o.id, counts);
      counts.set(option, (counts.get(option) ?? 0) + 1);
    }
    const scope = this.minGroupSize === undefined ? ALL : department;
    for (const comment of responseComments(q, invitation, response)) this.keep(scope, comment);
  }

  private keep(scope: string | typeof ALL, comment: ReportComment): void {
    const questions = this.comments.get(scope) ?? new Map<string, Kept>();
    this.comments.set(scope, questions);
    const kept = questions.get(comment.questionId) ?? { comments: [], count: 0 };
    questions.set(comment.questionId, kept);
    kept.count += 1;
    kept.comments.push(comment);
    // Trimmed once in a while, not at every comment: sorting WAVE_COMMENTS more now and then is cheaper.
    if (kept.comments.length >= 2 * WAVE_COMMENTS)
      kept.comments = kept.comments.sort(lowestFirst).slice(0, WAVE_COMMENTS);
  }

  /** The answer times the responses that fit were given between (undefined without any). */
  answeredBetween(): { first: string; last: string } | undefined {
    return this.first === undefined || this.last === undefined
      ? undefined
      : { first: this.first, last: this.last };
  }

  /** Responses that fit, per department that has any: what responses.csv withholds by. */
  answeredByDepartment(): Map<string, number> {
    return new Map([...this.departments].filter(([, g]) => g.answered > 0).map(([d, g]) => [d, g.answered]));
  }

  private groupStatistics(g: Group): GroupStatistics {
    const q = this.q;
    const meanTotal = g.counted === 0 ? null : round(g.total.value / g.counted, 2);
    const meanRaw = g.counted === 0 ? null : round(g.raw.value / g.counted, 2);
    const target = q.scale.kind === 'likert' ? q.scale.targetMean : undefined;
    return {
      invited: g.invited,
      emailed: g.emailed,
      answered: g.answered,
      cleaned: g.cleaned,
      returnRate: returnRate(g.answered, g.invited),
      meanTotal,
      meanRaw,
      targetMet: target === undefined || meanRaw === null ? null : meanRaw >= target,
      grade: meanTotal === null ? null : grade(meanTotal, q.grades),
      satisfactionRate: ratio(g.satisfied, g.rated),
    };
  }

  private categoryStatistics(): CategoryStatistics[] {
    const q = this.q;
    return q.categories.map((c) => {
      const counts = this.levels.get(c.id);
      const sum = new Sum();
      let n = 0;
      let satisfied = 0;
      const distribution = q.scale.levels.map((l) => {
        const count = counts?.get(l.id) ?? 0;
        if (count > 0) {
          sum.add(points(q, c.id, l.id) * count);
          n += count;
          if (isSatisfied(q, l.id)) satisfied += count;
        }
        return { level: l.id, count };
      });
      const mean = n === 0 ? 0 : sum.value / n;
      return {
        id: c.id,
        weight: c.weight ?? null,
        required: isRequired(c),
        ...pointsRange(q, c.id),
        answers: n,
        meanPoints: n === 0 ? null : round(mean, 2),
        meanPercent: n === 0 ? null : round(itemPercent(q, c.id, mean), 2),
        satisfactionRate: ratio(satisfied, n),
        distribution,
      };
    });
  }

  /** The comments to quote, leaving out `hidden` departments': per question, the lowest WAVE_COMMENTS. */
  private quoted(hidden: ReadonlySet<string>): { comments: ReportComment[]; omitted: number } {
    const comments: ReportComment[] = [];
    let omitted = 0;
    for (const o of this.q.openQuestions) {
      const of: ReportComment[] = [];
      let count = 0;
      for (const [scope, questions] of this.comments) {
        if (scope !== ALL && hidden.has(scope)) continue;
        const kept = questions.get(o.id);
        if (!kept) continue;
        of.push(...kept.comments);
        count += kept.count;
      }
      const shown = of.sort(lowestFirst).slice(0, WAVE_COMMENTS);
      comments.push(...shown);
      omitted += count - shown.length;
    }
    return { comments, omitted };
  }

  /** The wave's statistics (before any withholding), comments per question capped at WAVE_COMMENTS. */
  statistics(hidden: ReadonlySet<string> = new Set()): WaveStatistics {
    const q = this.q;
    const overall = this.groupStatistics(this.overall);
    const { comments, omitted } = this.quoted(hidden);
    return {
      ...overall,
      excluded: this.withResponse - this.overall.answered,
      cleaningFlags: CLEANING_FLAGS.map((flag) => ({ flag, count: this.flags.get(flag) ?? 0 })),
      ratedAnswers: this.overall.rated,
      satisfiedAnswers: this.overall.satisfied,
      grades: GRADE_NAMES.map((g) => ({ grade: g, count: this.grades.get(g) ?? 0 })),
      categories: this.categoryStatistics(),
      choices: choiceQuestionsOf(q).map((o) => {
        const counts = this.choices.get(o.id);
        const distribution = o.options.map((x) => ({ option: x.id, count: counts?.get(x.id) ?? 0 }));
        return { id: o.id, answers: distribution.reduce((n, d) => n + d.count, 0), distribution };
      }),
      departments: [...this.departments.keys()]
        .sort(byCodeUnits)
        .map((department) => ({ department, ...this.groupStatistics(this.departments.get(department)!) })),
      comments,
      ...(omitted > 0 ? { commentsOmitted: omitted } : {}),
    };
  }

  /**
   * The statistics as the report shows them (withholding.ts): an anonymous wave's small departments
   * withheld, and the comments quoted from the departments shown only. `statistics()` when the campaign
   * is not anonymous.
   */
  shown(): ShownWaveStatistics {
    const { minGroupSize } = this;
    if (minGroupSize === undefined) return this.statistics();
    const answered = new Map([...this.departments].map(([d, g]) => [d, g.answered]));
    const hidden = withheldGroups(answered, minGroupSize);
    const s = withholdSmallGroups(this.statistics(hidden), minGroupSize);
    // No comment at all: none is left out for being beyond the cap either.
    if (isWithheld(s.answered, minGroupSize)) {
      const { commentsOmitted: _, ...rest } = s;
      return rest;
    }
    return s;
  }
}

/** A wave's statistics from all its invitations at once (statistics.ts `WaveStatistics`). */
export function waveStatistics(
  wave: { questionnaire: Questionnaire },
  invitations: Iterable<Invitation>,
): WaveStatistics {
  const tally = new WaveTally(wave.questionnaire);
  for (const invitation of invitations) tally.addInvitation(invitation);
  return tally.statistics();
}
