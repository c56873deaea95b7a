import type { Language } from './language.ts';

/*
 * The one place csat builds the Intl date formats its documents use for people (reports, emails, pages):
 * each language's locale (British English: the day before the month), and a cache, since building an
 * Intl.DateTimeFormat costs more than the rest of an email and a process needs few distinct ones.
 */

/** The locale whose conventions each language's documents follow. */
export const localeOf = (lang: Language): string => (lang === 'en' ? 'en-GB' : lang);

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The format of `options` in `lang`, built once. A zone Intl does not know (the programme's check should
 * have caught it) formats in UTC rather than failing the document.
 */
export function dateFormat(lang: Language, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(localeOf(lang), options);
    } catch {
      format = new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZone: 'UTC' });
    }
    if (formats.size >= 64) formats.clear();
    formats.set(key, format);
  }
  return format;
}
