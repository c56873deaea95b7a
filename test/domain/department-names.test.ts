import { describe, expect, it } from 'vitest';
import {
  departmentName,
  departmentNamesOf,
  departmentNamesOfAction,
} from '../../functions/domain/department-names.ts';
import { Campaign } from '../../functions/domain/programme.ts';
import { demoCampaign } from '../support/programme.ts';

describe('department display names (department-names.ts)', () => {
  const names = { 'north-region': { 'zh-CN': '北方大区', en: 'North region' } };

  it('should give the name in the reader language, and the id where the campaign names none', () => {
    expect(departmentName(names, 'north-region', 'en')).toBe('North region');
    expect(departmentName(names, 'north-region', 'zh-CN')).toBe('北方大区');
    expect(departmentName(names, 'west', 'en')).toBe('west');
    expect(departmentName(undefined, 'west', 'zh-CN')).toBe('west');
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString'])(
    'should read a department named %s as its id, never a prototype member',
    (id) => {
      expect(departmentName(names, id, 'en')).toBe(id);
      expect(departmentName(JSON.parse('{"__proto__":{"en":"x","zh-CN":"y"}}'), id, 'en')).toBe(
        id === '__proto__' ? 'x' : id,
      );
    },
  );

  it('should refuse names that are not in both languages or under a key DynamoDB cannot store', () => {
    const parse = (departments: unknown) => Campaign.safeParse({ ...demoCampaign, departments });
    expect(parse(names).success).toBe(true);
    expect(parse({ north: { en: 'North' } }).success).toBe(false);
    expect(parse({ north: { en: '', 'zh-CN': '北' } }).success).toBe(false);
    expect(parse(JSON.parse('{"constructor":{"en":"a","zh-CN":"b"}}')).success).toBe(false);
  });

  describe('an action’s department (departmentNamesOfAction)', () => {
    const renamed = { 'north-region': { 'zh-CN': '华北区', en: 'North China' } };
    const wave = { campaign: { departments: names } };
    const programme = departmentNamesOf([{ id: 'demo', departments: renamed }, { id: 'plain' }]);
    const nameOf = (campaignId: string, department: string, w?: typeof wave) =>
      departmentName(
        departmentNamesOfAction({ departmentNames: programme }, { campaignId, department }, w),
        department,
        'en',
      );

    it('should take the programme’s name now over the one the wave snapshotted, so a renamed department reads by its new name', () => {
      expect(nameOf('demo', 'north-region', wave)).toBe('North China');
      // A target action has no wave.
      expect(nameOf('demo', 'north-region')).toBe('North China');
    });

    it('should fall back to the wave’s name for a campaign or department the programme does not name, then the id', () => {
      expect(nameOf('plain', 'north-region', wave)).toBe('North region');
      expect(nameOf('gone', 'north-region', wave)).toBe('North region');
      expect(nameOf('gone', 'north-region')).toBe('north-region');
      expect(nameOf('demo', 'south-region', wave)).toBe('south-region');
    });

    it.each(['__proto__', 'constructor', 'hasOwnProperty'])(
      'should read a campaign or department named %s as unknown',
      (id) => {
        expect(nameOf(id, id, wave)).toBe(id);
        expect(nameOf('demo', id)).toBe(id);
      },
    );
  });
});
