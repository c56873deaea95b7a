import { describe, expect, it } from 'vitest';
import type { Wave } from '../../functions/domain/model.ts';
import { summarizeActions } from '../../functions/domain/report/actions-summary.ts';
import { buildReport } from '../../functions/domain/report/document.ts';
import { reportEmail } from '../../functions/domain/report/email.ts';
import { reportHtml } from '../../functions/domain/report/html.ts';
import { isReportKey, keysInLanguage, reportKeys } from '../../functions/domain/report/keys.ts';
import {
  dateFor,
  dateTimeFor,
  languageName,
  shownDepartmentNames,
  timeZoneName,
  withDepartmentNames,
} from '../../functions/domain/report/people.ts';
import { periodDigestEmail } from '../../functions/domain/report/period-email.ts';
import { periodReportHtml } from '../../functions/domain/report/period-html.ts';
import { fixtureActions, REPORT_NOW } from '../support/report-actions.ts';
import { periodReport } from './period-fixture.ts';
import { reportInvitations, reportWave } from './report-fixture.ts';

/* Issue 14 item 7: dates, time zones, languages and departments as people name them, not as ids. */

const NAMES = {
  North: { 'zh-CN': '北方大区', en: 'North region' },
  South: { 'zh-CN': '南方大区', en: 'South region' },
  West: { 'zh-CN': '西方大区', en: 'West region' },
};

const named = (language: 'zh-CN' | 'en'): Wave => {
  const wave = reportWave({ language });
  return { ...wave, campaign: { ...wave.campaign, departments: NAMES } };
};

describe('dates, time zones and languages for people (people.ts)', () => {
  it('should write a moment in the reader’s language and the campaign’s time zone', () => {
    // Arrange: 04:45 UTC is 12:45 in Shanghai.
    const at = '2026-12-02T04:45:00.000Z';
    // Act / Assert
    expect(dateTimeFor(at, 'Asia/Shanghai', 'zh-CN')).toBe('2026年12月2日 12:45');
    expect(dateTimeFor(at, 'Asia/Shanghai', 'en')).toBe('2 December 2026, 12:45');
    expect(dateTimeFor(at, 'Europe/Berlin', 'en')).toBe('2 December 2026, 05:45');
    // Late in the evening UTC is already the next day in Shanghai.
    expect(dateFor('2026-12-02T17:00:00.000Z', 'Asia/Shanghai', 'zh-CN')).toBe('2026年12月3日');
  });

  it('should name time zones as people do, never by their IANA id', () => {
    expect(timeZoneName('Asia/Shanghai', 'zh-CN')).toBe('中国标准时间');
    expect(timeZoneName('Asia/Shanghai', 'en')).toBe('China Standard Time');
    expect(timeZoneName('UTC', 'en')).toBe('UTC');
    expect(timeZoneName('Etc/UTC', 'zh-CN')).toBe('协调世界时');
    expect(timeZoneName('Europe/Berlin', 'en')).toBe('Central European Time');
  });

  it('should name languages in the reader’s language, whatever the value', () => {
    expect(languageName('en', 'zh-CN')).toBe('英文');
    expect(languageName('zh-CN', 'zh-CN')).toBe('中文');
    expect(languageName('en', 'en')).toBe('English');
    expect(languageName('zh-CN', 'en')).toBe('Chinese');
    expect(languageName('constructor' as 'en', 'en')).toBe('constructor');
  });
});

describe('report keys per language (keys.ts)', () => {
  const keys = reportKeys('demo', 'demo-20261202T0445');

  it('should keep the plain names for the report language and tag the others, with one report.json', () => {
    // Act
    const same = keysInLanguage(keys, 'zh-CN', 'zh-CN');
    const en = keysInLanguage(keys, 'en', 'zh-CN');
    // Assert
    expect(same).toEqual(keys);
    expect(en).toEqual({
      json: 'reports/demo/demo-20261202T0445/report.json',
      csv: 'reports/demo/demo-20261202T0445/responses.en.csv',
      html: 'reports/demo/demo-20261202T0445/report.en.html',
    });
    expect(keysInLanguage(keys, 'zh-CN', 'en').html).toBe(
      'reports/demo/demo-20261202T0445/report.zh-CN.html',
    );
  });

  it('should give keys that a report link may name', () => {
    for (const key of Object.values(keysInLanguage(keys, 'en', 'zh-CN'))) expect(isReportKey(key)).toBe(true);
    for (const key of Object.values(keysInLanguage(keys, 'zh-CN', 'en'))) expect(isReportKey(key)).toBe(true);
  });
});

describe('department display names in reports', () => {
  const now = new Date('2025-04-10T10:00:00Z');

  it('should carry only the names of the departments a report shows', () => {
    // Act
    const names = shownDepartmentNames(NAMES, ['North', 'Nameless', 'North']);
    const report = withDepartmentNames(
      {
        campaign: { departments: undefined },
        department: 'South',
        statistics: { departments: [], comments: [] },
      },
      NAMES,
    );
    // Assert: West is never shown, so never named; Nameless has no name to carry.
    expect(JSON.parse(JSON.stringify(names))).toEqual({ North: NAMES.North });
    expect(report.campaign.departments).toEqual({ South: NAMES.South });
  });

  it('should show departments by their names in report.html, in either language', () => {
    // Arrange
    const en = buildReport(named('en'), reportInvitations(named('en')), now);
    const zh = buildReport(named('zh-CN'), reportInvitations(named('zh-CN')), now);
    // Act
    const enHtml = reportHtml(en);
    const zhHtml = reportHtml(zh);
    // Assert
    expect(en.campaign.departments).toEqual({ North: NAMES.North, South: NAMES.South });
    expect(enHtml).toContain('<th scope="row">North region</th>');
    expect(enHtml).toContain('South region · Chinese · Total 40.00 (D)');
    expect(zhHtml).toContain('<th scope="row">北方大区</th>');
    expect(zhHtml).toContain('南方大区 · 中文 · 总分 40.00 (D)');
    expect(zhHtml).not.toMatch(/<t[dh][^>]*>(North|South)<\/t[dh]>/);
  });

  it('should head report.html and the digest with the wave’s date and name the time zone', () => {
    // Arrange
    const zh = buildReport(named('zh-CN'), reportInvitations(named('zh-CN')), now);
    const en = buildReport(named('en'), reportInvitations(named('en')), now);
    // Act
    const zhHtml = reportHtml(zh);
    const enHtml = reportHtml(en);
    const email = reportEmail({
      report: zh,
      from: { name: '客户服务部', address: 'survey@example.com' },
      managers: ['m@example.com'],
      htmlUrl: 'https://example.com/r/1',
      csvUrl: 'https://example.com/r/2',
      linksExpireAt: new Date('2025-04-17T10:00:00Z'),
      now,
    });
    // Assert: 01:00 UTC is 09:00 in Shanghai; the wave id only in small print.
    expect(zhHtml).toContain('2025年4月1日 09:00发出的批次');
    expect(zhHtml).toContain('（时间为中国标准时间）'.replace('（', '(').replace('）', ')'));
    expect(zhHtml).not.toContain('Asia/Shanghai');
    expect(zhHtml).toContain('<p class="note">批次编号: demo-20250401T0100</p>');
    expect(enHtml).toContain('Wave sent 1 April 2025, 09:00');
    expect(enHtml).toContain('Deadline 15 April 2025, 09:00');
    expect(enHtml).toContain('(times in China Standard Time)');
    expect(email.text).toContain('2025年4月1日 09:00发出的批次');
    expect(email.text).toContain('链接有效期至 2025年4月17日 18:00 (中国标准时间)');
    expect(email.text).toContain('北方大区');
    expect(email.text).not.toContain('Asia/Shanghai');
    expect(email.text).not.toContain('批次 demo-');
  });

  it('should name the departments of the period report’s actions, __proto__ and constructor included', () => {
    // Arrange: the actions of Sales, __proto__ and constructor; Sales and constructor have names.
    const names = JSON.parse(
      '{"Sales":{"zh-CN":"销售部","en":"Sales department"},"constructor":{"zh-CN":"建设部","en":"Construction"}}',
    );
    const report = withDepartmentNames(
      { ...periodReport({ language: 'zh-CN' }), actions: summarizeActions(fixtureActions(), REPORT_NOW) },
      names,
    );
    // Act
    const html = periodReportHtml(report);
    const digest = periodDigestEmail({
      report,
      from: { name: '客户服务部', address: 'survey@example.com' },
      to: ['m@example.com'],
      htmlUrl: 'https://example.com/r/1',
      csvUrl: 'https://example.com/r/2',
      linksExpireAt: new Date('2025-05-08T03:00:00Z'),
      now: new Date('2025-05-01T03:00:00Z'),
    });
    // Assert
    expect(Object.keys(report.campaign.departments ?? {})).toEqual(
      expect.arrayContaining(['Sales', 'constructor']),
    );
    for (const text of [html, digest.text, digest.html]) {
      expect(text).toContain('销售部');
      expect(text).toContain('建设部');
      expect(text).toContain('__proto__');
    }
    expect(html).not.toMatch(/<t[dh][^>]*>(Sales|constructor)<\/t[dh]>/);
  });
});
