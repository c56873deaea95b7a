/*
 * The rules that decide, one customer at a time, whether a wave may survey them: in the campaign's
 * audience, not unsubscribed or suppressed, not surveyed recently by another wave. Shared by the selection
 * in memory (../audience.ts) and the one over a directory of any size (plan.ts).
 */
import { localDateOf } from '../calendar/working-days.ts';
import type { Segment } from '../segments.ts';
import { isSmokeCustomer } from '../smoke.ts';
import { type KeyThresholds, type SegmentDates, segmentDates, segmentsOfCustomer } from './segments.ts';
import { type Audience, contactCutoff, type DirectoryCustomer, type ExclusionReason } from './types.ts';

export interface SelectionInput {
  audience: Audience;
  /** The wave's (scheduled) time: segments are judged on its local date, recency up to it. */
  at: Date;
  /** The campaign's time zone, for the wave's local date. */
  timeZone: string;
  /** The wave being selected: its own claims never count as "surveyed recently". */
  waveId: string;
  /** The sampling seed: `audience.seed`, else the wave id (see `waveSeed`). */
  seed: string;
}

export type Outcome = 'selected' | ExclusionReason;

/** The rules of one wave, ready to apply to customer after customer. */
export class Criteria {
  readonly dates: SegmentDates;
  private readonly atIso: string;
  private readonly cutoff: string;

  constructor(readonly input: SelectionInput) {
    this.atIso = input.at.toISOString();
    this.cutoff = contactCutoff(input.audience, input.at);
    this.dates = segmentDates(localDateOf(input.at, input.timeZone));
  }

  segments(c: DirectoryCustomer, key: KeyThresholds): Set<Segment> {
    return segmentsOfCustomer(c, this.dates, key);
  }

  /** In the campaign's audience; a smoke run's customers (smoke.ts) are in none, whatever its filters. */
  inAudience(c: DirectoryCustomer, segments: ReadonlySet<Segment>): boolean {
    const { audience } = this.input;
    return (
      !isSmokeCustomer(c) &&
      (!audience.departments || audience.departments.includes(c.department)) &&
      (!audience.tags || audience.tags.some((t) => c.tags?.includes(t))) &&
      (!audience.segments || audience.segments.some((s) => segments.has(s)))
    );
  }

  private surveyedByOther(c: DirectoryCustomer): boolean {
    return (
      c.lastSurveyedAt !== undefined &&
      c.lastSurveyedWave !== this.input.waveId &&
      c.lastSurveyedAt > this.cutoff
    );
  }

  /**
   * Whether the customer may be drawn: in the audience and not kept out by anything that happened before
   * the wave's time. What happens after it (an unsubscribe, a concurrent campaign's claim) removes a
   * customer from the selection but does not change whom the seed picks, so a retry draws the same sample.
   */
  inPool(c: DirectoryCustomer, segments: ReadonlySet<Segment>): boolean {
    const blockedBefore =
      (c.unsubscribedAt !== undefined && c.unsubscribedAt < this.atIso) ||
      (c.suppressedAt !== undefined && c.suppressedAt < this.atIso) ||
      (this.surveyedByOther(c) && c.lastSurveyedAt! < this.atIso);
    return this.inAudience(c, segments) && !blockedBefore;
  }

  /**
   * The customer's outcome, by the first reason that applies in the order notInAudience, unsubscribed,
   * suppressed, surveyedRecently, notSampled; `chosen` says whether the draw picked them.
   */
  outcome(c: DirectoryCustomer, segments: ReadonlySet<Segment>, chosen: boolean): Outcome {
    if (!this.inAudience(c, segments)) return 'notInAudience';
    if (c.unsubscribedAt !== undefined) return 'unsubscribed';
    if (c.suppressedAt !== undefined) return 'suppressed';
    if (this.surveyedByOther(c)) return 'surveyedRecently';
    return chosen ? 'selected' : 'notSampled';
  }
}
