/*
 * Every page is built from `html` templates: interpolated values are escaped unless they are markup
 * that another `html` template produced. So a value can only reach a page raw by going through this file,
 * and free text (customer names, comments) never needs remembering to escape.
 */

import { escapeHtml } from '../html.ts';

/** Markup that is already safe to put on a page. Only `html` and `raw` make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  // false, null and undefined render nothing, so `${cond && html`…`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` results pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted constant markup (the stylesheet). Never pass it anything a person typed. */
export const raw = (markup: string): SafeHtml => new SafeHtml(markup);
