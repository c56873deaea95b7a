/** Languages a person can read csat in. The first is the fallback. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/**
 * A text every person sees, in every supported language. Its schema is in language-schemas.ts, apart,
 * so that what only reads texts does not bundle zod.
 */
export type LocalizedText = { [L in Language]: string };

/** Maps anything a directory or browser may hold ("zh", "zh_CN", "en-GB", "EN") to a supported language. */
export function toLanguage(value: string | undefined | null): Language {
  const v = (value ?? '').trim().toLowerCase().replace('_', '-');
  if (v.startsWith('zh')) return 'zh-CN';
  if (v.startsWith('en')) return 'en';
  return DEFAULT_LANGUAGE;
}
