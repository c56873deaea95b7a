/* The schemas of language.ts's types, for the programme's files; apart, so that what reads texts does not bundle zod. */
import * as z from 'zod';
import {
  LANGUAGES,
  type Language as LanguageType,
  type LocalizedText as LocalizedTextType,
} from './language.ts';

export const Language = z.enum(LANGUAGES) satisfies z.ZodType<LanguageType>;

/** A text every person sees, in every supported language. */
export const LocalizedText = z.strictObject({
  'zh-CN': z.string().trim().min(1),
  en: z.string().trim().min(1),
}) satisfies z.ZodType<LocalizedTextType>;
