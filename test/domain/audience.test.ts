import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Audience, segmentsOf } from '../../functions/domain/audience.ts';
import {
  AT,
  arbAudience,
  arbDirectory,
  arbSeed,
  customer,
  DAY_MS,
  daysBefore,
  ids,
  select,
  WAVE,
} from '../support/audience.ts';

describe('Function: selectAudience', () => {
  it('should count every left-out customer once, by the first reason that applies', () => {
    const list = [
      customer({ id: 'a', department: 'north-region' }),
      customer({ id: 'b', unsubscribedAt: daysBefore(100) }),
      customer({ id: 'c', suppressedAt: daysBefore(5) }),
      customer({ id: 'd', lastSurveyedAt: daysBefore(10), lastSurveyedWave: 'other-20250821T0100' }),
      customer({ id: 'e', lastSurveyedAt: daysBefore(31), lastSurveyedWave: 'other-20250731T0100' }),
      // Claimed by this very wave on an earlier run: a retry keeps them.
      customer({ id: 'f', lastSurveyedAt: AT.toISOString(), lastSurveyedWave: WAVE }),
      customer({ id: 'g', department: 'north-region', unsubscribedAt: daysBefore(1) }),
      customer({ id: 'h' }),
    ];

    const s = select({ departments: ['east-region'] }, list);

    expect(ids(s.selected)).toEqual(['e', 'f', 'h']);
    expect(s.excluded).toEqual({
      notInAudience: 2,
      unsubscribed: 1,
      suppressed: 1,
      surveyedRecently: 1,
      notSampled: 0,
    });
    expect(s.outcomes.get('g')).toBe('notInAudience');
  });

  it('should honour a campaign own frequency: 7 days lets in a customer surveyed 10 days ago', () => {
    const list = [customer({ id: 'd', lastSurveyedAt: daysBefore(10), lastSurveyedWave: 'x' })];

    expect(ids(select({ minDaysBetweenSurveys: 7 }, list).selected)).toEqual(['d']);
    expect(ids(select({}, list).selected)).toEqual([]);
  });

  it('should take the union of segments and filter by tags', () => {
    const list = [
      customer({ id: 'active', lastInteractionAt: '2025-08-01', tags: ['steel'] }),
      customer({ id: 'new', registeredAt: '2025-08-20', tags: ['steel', 'vip'] }),
      customer({ id: 'old', registeredAt: '2020-01-01', lastInteractionAt: '2020-01-01', tags: ['steel'] }),
      customer({ id: 'untagged', lastInteractionAt: '2025-08-01' }),
    ];

    const s = select({ segments: ['active', 'new'], tags: ['steel'] }, list);

    expect(ids(s.selected)).toEqual(['active', 'new']);
    expect(s.excluded.notInAudience).toBe(2);
  });

  it('should judge segments on the wave date in the campaign time zone', () => {
    // 16:30 UTC on 31 August is already 1 September in Shanghai: a registration on 2 August is 30 days back.
    const list = [customer({ id: 'x', registeredAt: '2025-08-02' })];
    const at = new Date('2025-08-31T16:30:00.000Z');

    expect(ids(select({ segments: ['new'] }, list, { at, timeZone: 'Asia/Shanghai' }).selected)).toEqual([
      'x',
    ]);
    expect(ids(select({ segments: ['new'] }, list, { at, timeZone: 'UTC' }).selected)).toEqual(['x']);
    const later = new Date('2025-09-01T16:30:00.000Z');
    expect(select({ segments: ['new'] }, list, { at: later, timeZone: 'Asia/Shanghai' }).selected).toEqual(
      [],
    );
  });

  it('should add every key customer on top of a fixed sample', () => {
    const plain = Array.from({ length: 5 }, (_, i) => customer({ id: `p${i}` }));
    const keys = [customer({ id: 'k1', key: true }), customer({ id: 'k2', key: true })];

    const s = select({ sample: { method: 'fixed', size: 2 } }, [...plain, ...keys]);

    expect(s.selected).toHaveLength(4);
    expect(ids(s.selected)).toEqual(expect.arrayContaining(['k1', 'k2']));
    expect(s.excluded.notSampled).toBe(3);
  });

  it('should draw the same sample when a sampled customer unsubscribed or was claimed elsewhere after the wave time', () => {
    const list = Array.from({ length: 20 }, (_, i) => customer({ id: `q${i}` }));
    const audience: Audience = { sample: { method: 'random', percent: 50 } };
    const first = select(audience, list);
    const [x, y] = first.selected;

    const later = list.map((c) =>
      c.id === x!.id
        ? { ...c, unsubscribedAt: new Date(AT.getTime() + 1000).toISOString() }
        : c.id === y!.id
          ? { ...c, lastSurveyedAt: AT.toISOString(), lastSurveyedWave: 'other-20250831T0100' }
          : c,
    );
    const again = select(audience, later);

    expect(ids(again.selected)).toEqual(ids(first.selected).filter((id) => id !== x!.id && id !== y!.id));
    expect(again.excluded).toMatchObject({ unsubscribed: 1, surveyedRecently: 1, notSampled: 10 });
  });
});

describe('Properties: selectAudience', () => {
  // No retry's customers (unsubscribed after the wave time, or claimed by this wave): so every selected
  // customer must be subscribed and not surveyed within the frequency.
  const directories = arbDirectory({ retries: false });

  it('should pick the same customers for the same seed and directory, in any order', () => {
    fc.assert(
      fc.property(directories, arbAudience, arbSeed, (directory, audience, seed) => {
        const a = select(audience, directory, { seed });
        const b = select(audience, [...directory].reverse(), { seed });
        expect(ids(b.selected)).toEqual(ids(a.selected));
        expect(b.excluded).toEqual(a.excluded);
      }),
    );
  });

  it('should account for every customer, always include key customers and never break a rule', () => {
    fc.assert(
      fc.property(directories, arbAudience, arbSeed, (directory, audience, seed) => {
        const s = select(audience, directory, { seed });
        const total = s.selected.length + Object.values(s.excluded).reduce((x, y) => x + y, 0);
        expect(total).toBe(directory.length);
        const cutoff = new Date(AT.getTime() - (audience.minDaysBetweenSurveys ?? 30) * DAY_MS).toISOString();
        for (const c of s.selected) {
          expect(c.unsubscribedAt).toBeUndefined();
          expect(c.suppressedAt).toBeUndefined();
          expect(c.lastSurveyedAt === undefined || c.lastSurveyedAt <= cutoff).toBe(true);
        }
        // A key customer of the audience who may be surveyed is never sampled out.
        const segments = segmentsOf(directory, '2025-08-31');
        for (const c of directory) {
          if (segments.get(c.id)!.has('key')) expect(s.outcomes.get(c.id)).not.toBe('notSampled');
        }
      }),
    );
  });
});
