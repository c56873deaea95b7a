import * as z from 'zod';

/** Languages a person can read csat in. The first is the fallback. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** A text every person sees, in every supported language. */
export const LocalizedText = z.strictObject({
  'zh-CN': z.string().trim().min(1),
  en: z.string().trim().min(1),
});
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Maps anything a directory or browser may hold ("zh", "zh_CN", "en-GB", "EN") to a supported language. */
export function toLanguage(value: string | undefined | null): Language {
  const v = (value ?? '').trim().toLowerCase().replace('_', '-');
  if (v.startsWith('zh')) return 'zh-CN';
  if (v.startsWith('en')) return 'en';
  return DEFAULT_LANGUAGE;
}
