import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvitedCustomer } from '../../functions/domain/model.ts';
import { loadProgramme, ProgrammeError } from '../../functions/domain/programme.ts';
import { addTo, dict, isPrototypeName, own, setOwn, slot } from '../../functions/domain/records.ts';
import { invitedByOf, mergeInvitedBy } from '../../functions/domain/report/rollup.ts';
import { SEGMENTS } from '../../functions/domain/segments.ts';
import { returnRateTarget } from '../../functions/domain/targets.ts';
import cnMainland from '../../programme/calendars/cn-mainland.json' with { type: 'json' };
import demoCampaign from '../../programme/campaigns/demo.json' with { type: 'json' };
import itssV1 from '../../programme/questionnaires/itss-satisfaction.v1.json' with { type: 'json' };

/*
 * Names from data (departments, tags, item ids) as keys: Object.prototype's own names among them, and any
 * other string. Every count must come out as a Map keyed by the same names would give it.
 */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'north', 'South region', ''), fc.string());

/** What the counts must be: a Map, which has no inherited keys. */
function counted(names: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

const untouched = () =>
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTOTYPE_NAMES].sort());

describe('records keyed by data (records.ts)', () => {
  it('should count any names as a Map does, in a record without a prototype or one parsed from JSON', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), (names) => {
        const fresh = dict<number>();
        // A record read back from the store or a file has Object.prototype, and may own `__proto__`.
        const parsed = JSON.parse('{"__proto__": 0, "toString": 0}') as Record<string, number>;
        for (const n of names) {
          addTo(fresh, n);
          addTo(parsed, n);
        }
        expect(new Map(Object.entries(fresh))).toEqual(counted(names));
        const expected = counted(['__proto__', 'toString', ...names]);
        for (const k of ['__proto__', 'toString']) expected.set(k, (expected.get(k) ?? 0) - 1);
        expect(new Map(Object.entries(parsed))).toEqual(expected);
        untouched();
      }),
    );
  });

  it('should read only own keys and make a slot once per name', () => {
    const plain: Record<string, number[]> = {};
    for (const n of PROTOTYPE_NAMES) {
      expect(own(plain, n)).toBeUndefined();
      slot(plain, n, () => []).push(1);
      slot(plain, n, () => []).push(2);
    }
    for (const n of PROTOTYPE_NAMES) expect(own(plain, n)).toEqual([1, 2]);
    setOwn(plain, '__proto__', [3]);
    expect(Object.keys(plain)).toContain('__proto__');
    expect(own(JSON.parse(JSON.stringify(plain)) as Record<string, number[]>, '__proto__')).toEqual([3]);
    expect(isPrototypeName('constructor')).toBe(true);
    expect(isPrototypeName('north')).toBe(false);
    untouched();
  });
});

describe('invitedByOf', () => {
  const customer = fc.record({
    department: name,
    segments: fc.subarray([...SEGMENTS]),
  });

  it('should count every department and segment whatever its name, in name order', () => {
    fc.assert(
      fc.property(fc.array(customer, { maxLength: 40 }), (rows) => {
        const customers = rows.map(
          (r, i): InvitedCustomer => ({
            id: `c${i}`,
            name: 'C',
            email: 'c@example.test',
            language: 'en',
            ...r,
          }),
        );
        const by = invitedByOf(customers);
        const departments = counted(rows.map((r) => r.department));
        expect(by.map((d) => d.department)).toEqual(
          [...departments.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        );
        for (const d of by) {
          expect(d.all).toBe(departments.get(d.department));
          for (const s of SEGMENTS) {
            const n = rows.filter((r) => r.department === d.department && r.segments.includes(s)).length;
            expect(d.segments[s] ?? 0).toBe(n);
          }
        }
        untouched();
      }),
    );
  });

  it('should add two parts of a wave up to the counts of the whole', () => {
    fc.assert(
      fc.property(fc.array(customer, { maxLength: 20 }), fc.array(customer, { maxLength: 20 }), (a, b) => {
        const of = (rows: typeof a) =>
          invitedByOf(
            rows.map((r, i) => ({ id: `c${i}`, name: 'C', email: 'c@x.test', language: 'en', ...r })),
          );
        expect(mergeInvitedBy(of(a), of(b))).toEqual(of([...a, ...b]));
      }),
    );
  });
});

describe('returnRateTarget', () => {
  it("should take a department's own target or the default, never an inherited member", () => {
    const campaign = {
      targets: { returnRate: { default: 0.3, departments: { hasOwnProperty: 0.5, toString: 0.4 } } },
    } as unknown as Parameters<typeof returnRateTarget>[0];
    const noDefault = { targets: { returnRate: { departments: {} } } } as unknown as typeof campaign;
    for (const n of PROTOTYPE_NAMES) {
      const target = returnRateTarget(campaign, n);
      expect(target).toBe(n === 'hasOwnProperty' ? 0.5 : n === 'toString' ? 0.4 : 0.3);
      expect(returnRateTarget(noDefault, n)).toBeNull();
    }
  });
});

describe('programme ids and keys the store cannot keep', () => {
  const Q_FILE = 'programme/questionnaires/q.json';
  const C_FILE = 'programme/campaigns/c.json';
  const load = (questionnaire: unknown, campaign: unknown) =>
    loadProgramme({
      calendars: { 'programme/calendars/cn-mainland.json': cnMainland },
      questionnaires: { [Q_FILE]: questionnaire },
      campaigns: { [C_FILE]: campaign },
    });
  const problemsOf = (questionnaire: unknown, campaign: unknown): string[] => {
    try {
      load(questionnaire, campaign);
    } catch (e) {
      if (e instanceof ProgrammeError) return e.problems;
      throw e;
    }
    return [];
  };

  it('should refuse an item or campaign id that is one of Object.prototype’s names', () => {
    const q = structuredClone(itssV1);
    q.categories[0]!.id = 'constructor';
    const c = { ...structuredClone(demoCampaign), id: 'constructor' };

    const problems = problemsOf(q, c);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^programme\/questionnaires\/q\.json: categories\[0\]\.id: is a name every JavaScript object/,
        ),
        expect.stringMatching(/^programme\/campaigns\/c\.json: id: is a name every JavaScript object/),
      ]),
    );
  });

  it('should refuse a target for a department the store cannot keep as a key, and take the others', () => {
    // As the file reads: JSON.parse makes `__proto__` an own key, which the schema would otherwise drop unseen.
    for (const department of ['__proto__', 'constructor']) {
      const c = JSON.parse(
        JSON.stringify(demoCampaign).replace('"north-region":0.1', `"north-region":0.1,"${department}":0.2`),
      ) as unknown;
      expect(problemsOf(itssV1, c)).toEqual([
        `${C_FILE}: targets.returnRate.departments: a department named constructor or __proto__ cannot have its own target: it takes the default`,
      ]);
    }
    const c = JSON.parse(
      JSON.stringify(demoCampaign).replace('"north-region":0.1', '"north-region":0.1,"hasOwnProperty":0.2'),
    ) as unknown;
    const campaign = load(itssV1, c).campaigns[0]!;
    expect(returnRateTarget(campaign, 'hasOwnProperty')).toBe(0.2);
    expect(returnRateTarget(campaign, 'toString')).toBe(0.3);
  });
});
