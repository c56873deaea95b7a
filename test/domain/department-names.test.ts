import { describe, expect, it } from 'vitest';
import { departmentName } from '../../functions/domain/department-names.ts';
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
});
