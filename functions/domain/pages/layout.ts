import { LANGUAGES, type Language } from '../language.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { TEXTS } from './texts.ts';

/*
 * Mobile first: one column, 16px+ text, 48px tap targets, visible focus, light and dark. The stylesheet is
 * a constant so the Content-Security-Policy can allow exactly it by hash (`styleHash` in the handler) and
 * no inline script or style attribute can ever run.
 */
export const STYLESHEET = [
  ':root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#4a4a4a;--accent:#0b57d0;--err:#b3261e;--line:#8e918f}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#141414;--muted:#b8b8b8;--accent:#8ab4f8;--err:#f2b8b5;--line:#8e918f}}',
  '*{box-sizing:border-box}',
  'body{margin:0;font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}',
  'header,main{max-width:40rem;margin:0 auto;padding:1rem}',
  'header{display:flex;justify-content:flex-end;padding-bottom:0}',
  'header button{width:auto;min-height:3rem;padding:.75rem 0;background:none;color:var(--accent);font-weight:400;text-decoration:underline}',
  'h1{font-size:1.5rem;line-height:1.3;margin:.5rem 0 1rem}',
  'h2{font-size:1.2rem;margin:0 0 .5rem}',
  'a{color:var(--accent)}',
  'a,.opt{display:inline-block;min-height:3rem;padding:.75rem 0}',
  'fieldset{border:1px solid var(--line);border-radius:.5rem;margin:0 0 1.25rem;padding:.75rem 1rem 1rem}',
  'legend{font-weight:600;padding:0 .25rem}',
  '.hint,.note{color:var(--muted);margin:.25rem 0 .5rem}',
  '.opt{display:flex;align-items:center;gap:.75rem;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.5rem;margin-top:.5rem;cursor:pointer}',
  '.opt input{width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:var(--accent)}',
  '.opt:has(input:checked){border:2px solid var(--accent)}',
  '.opt:focus-within{outline:3px solid var(--accent);outline-offset:2px}',
  '.field{margin:0 0 1.25rem}',
  '.field label{display:block;font-weight:600;margin-bottom:.25rem}',
  '.field label.opt{display:flex;margin-bottom:0}',
  'textarea{display:block;width:100%;min-height:8rem;font:inherit;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.5rem;background:var(--bg);color:inherit}',
  '[aria-invalid=true]{border:2px solid var(--err)}',
  '.error{color:var(--err);font-weight:600;margin:.25rem 0}',
  '.summary{border:3px solid var(--err);border-radius:.5rem;padding:1rem;margin:0 0 1.5rem}',
  '.summary ul{margin:0;padding-left:1.25rem}',
  '.req{color:var(--err)}',
  'button{font:inherit;font-weight:600;min-height:3rem;width:100%;padding:.75rem 1.5rem;border:0;border-radius:.5rem;background:var(--accent);color:var(--bg);cursor:pointer}',
  '@media (min-width:40rem){button{width:auto}}',
  ':focus-visible{outline:3px solid var(--accent);outline-offset:2px}',
  'section+section{border-top:1px solid var(--line);margin-top:2rem;padding-top:1rem}',
  'table{border-collapse:collapse;width:100%}',
  'th,td{text-align:left;vertical-align:top;padding:.375rem .5rem .375rem 0;border-bottom:1px solid var(--line)}',
  'dt{font-weight:600}dd{margin:0 0 .5rem}',
  '.text{white-space:pre-wrap;overflow-wrap:anywhere}',
  '.done{border:3px solid var(--accent);border-radius:.5rem;padding:1rem;font-weight:600}',
].join('');

export interface LayoutOptions {
  language: Language;
  title: string;
  body: SafeHtml;
  /**
   * Offer the other languages: `true`, links that reload this page (`?lang=`); `{ form }`, submit buttons of
   * that form (by id) naming the language in SWITCH_LANGUAGE_FIELD, so what was filled in comes along.
   * `submit` names the form's own submit, which a hidden button ahead of them repeats (see below).
   */
  languageSwitch?: boolean | { form: string; submit: string };
}

/** The field a language-switch button sends, valued with the language to show the form in. */
export const SWITCH_LANGUAGE_FIELD = 'switchLang';

export function layout({ language, title, body, languageSwitch }: LayoutOptions): string {
  const others = LANGUAGES.filter((l) => l !== language);
  /*
   * Buttons outside their form, tied to it by `form=`: they work without JavaScript and skip validation.
   * A form's default button (the one Enter in a field presses) is its first submit button in the document,
   * so a hidden copy of its own submit comes first: Enter sends the answers, never switches the language.
   */
  const ownSubmit =
    typeof languageSwitch === 'object' &&
    html`<button type="submit" form="${languageSwitch.form}" hidden tabindex="-1">${languageSwitch.submit}</button>`;
  const nav =
    languageSwitch &&
    html`<header>${ownSubmit}<nav aria-label="${TEXTS[language].languages}">${others.map((l) =>
      languageSwitch === true
        ? html`<a href="?lang=${l}" hreflang="${l}" lang="${l}" aria-label="${TEXTS[l].switchTo}">${TEXTS[l].languageName}</a>`
        : html`<button type="submit" form="${languageSwitch.form}" name="${SWITCH_LANGUAGE_FIELD}" value="${l}" formnovalidate lang="${l}" aria-label="${TEXTS[l].switchTo}">${TEXTS[l].languageName}</button>`,
    )}</nav></header>`;
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${raw(STYLESHEET)}</style>
</head>
<body>
${nav}<main>
${body}
</main>
</body>
</html>
`.value;
}

/** A page shown to someone whose language we don't (or mustn't seem to) know: Chinese first, English below. */
export function bilingualLayout(content: (language: Language) => { title: string; body: SafeHtml }): string {
  const parts = LANGUAGES.map((l) => ({ language: l, ...content(l) }));
  const title = parts.map((p) => p.title).join(' · ');
  const body = parts.map(
    (p) => html`<section lang="${p.language}">
<h1>${p.title}</h1>
${p.body}
</section>
`,
  );
  return layout({ language: parts[0]!.language, title, body: html`${body}` });
}
