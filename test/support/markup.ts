import { expect } from 'vitest';
import { XSS_IMG, XSS_SCRIPT } from '../domain/report-fixture.ts';

/*
 * For the report pages' tests: which tags a report.html may hold (nothing that runs, loads or links),
 * and the tags a page does hold, its CSS set aside.
 */

/** The tags of the wave's report.html. */
export const REPORT_TAGS: ReadonlySet<string> = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'header',
  'main',
  'footer',
  'section',
  'h1',
  'h2',
  'h3',
  'p',
  'div',
  'span',
  'b',
  'i',
  'small',
  'ul',
  'li',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'svg',
  'rect',
  'line',
]);

/** The tags of the period's report.html: the wave's (its charts are bars too). */
export const PERIOD_REPORT_TAGS: ReadonlySet<string> = REPORT_TAGS;

export const tagsOf = (html: string): string[] =>
  [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());

/** The markup with the <style> body removed, so CSS is not mistaken for markup. */
export const markup = (html: string): string => html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');

/** Asserts that a report page holds only `allowed` tags, loads nothing, and has the CSP that forbids loading. */
export function expectSelfContained(html: string, allowed: ReadonlySet<string>): void {
  const tags = tagsOf(markup(html));
  expect(tags.filter((t) => !allowed.has(t))).toEqual([]);
  expect(markup(html)).not.toMatch(/<[^>]*\s(src|href|xlink:href)\s*=/i);
  expect(html).not.toMatch(/url\(|@import/i);
  expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
}

/** Asserts that the report fixture's script and img comments show as text, never as markup or handlers. */
export function expectPayloadsEscaped(html: string): void {
  expect(html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(html).not.toContain(XSS_SCRIPT);
  expect(html).not.toContain(XSS_IMG);
  expect(markup(html)).not.toMatch(/<[^>]*\son\w+\s*=/i);
}
