import { type Language, toLanguage } from '../language.ts';

/*
 * One CSV cell of a directory file read as what its column holds (customers/import.ts): a number, a yes or
 * no, a list, a language. A cell that cannot be read gives the reason, which the import reports.
 */

export type CellKind = 'text' | 'language' | 'number' | 'boolean' | 'list';

/** Separates the items of a list cell (delivery_dates, tags): the comma already separates cells. */
export const LIST_SEPARATOR = ';';

const LANGUAGE_NAMES = new Map<string, Language>([
  ['chinese', 'zh-CN'],
  ['english', 'en'],
  ['中文', 'zh-CN'],
  ['简体中文', 'zh-CN'],
  ['汉语', 'zh-CN'],
  ['英文', 'en'],
  ['英语', 'en'],
]);

/**
 * The supported language a directory's value means, when it clearly means one: a zh or en tag
 * (zh, zh_CN, zh-Hans, EN, en-GB) or the language's name. Anything else is undefined, not the fallback:
 * a customer must not silently get a language the directory did not give.
 */
export function recogniseLanguage(value: string): Language | undefined {
  const v = value.trim().toLowerCase();
  if (/^(zh|en)([-_][a-z\d]{1,8})*$/.test(v)) return toLanguage(v);
  return LANGUAGE_NAMES.get(v);
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是']);
const FALSE = new Set(['false', 'no', 'n', '0', '否']);
// Plain decimals only: "1,234.5" or "1.234,5" would mean different things in different locales.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * The most significant digits of a number with a fraction that are sure to be kept: a JavaScript number
 * (a double, which JSON and DynamoDB's document client both go through) holds any decimal of 15
 * significant digits exactly, and no more in general (1234567.12345678901 would come back as
 * 1234567.123456789). Whole numbers are bounded by the customer schema instead (MAX_EXACT, customer.ts).
 */
export const KEPT_DIGITS = 15;

/** Significant digits of a plain decimal whose fraction is not all zeros; 0 for a whole number. */
function fractionalDigits(value: string): number {
  const [whole = '', fraction = ''] = value.replace(/^[+-]/, '').split('.');
  const kept = fraction.replace(/0+$/, '');
  if (kept === '') return 0;
  return `${whole}${kept}`.replace(/^0+/, '').length;
}

export function fromCell(kind: CellKind, value: string): { value: unknown } | { reason: string } {
  switch (kind) {
    case 'number':
      if (!DECIMAL.test(value))
        return { reason: 'must be a number such as 1234.5 (no thousands separators)' };
      return fractionalDigits(value) > KEPT_DIGITS
        ? { reason: `has more digits than are kept exactly (at most ${KEPT_DIGITS} significant digits)` }
        : { value: Number(value) };
    case 'boolean': {
      const v = value.toLowerCase();
      if (TRUE.has(v)) return { value: true };
      if (FALSE.has(v)) return { value: false };
      return { reason: 'must be true or false (yes/no and 1/0 work too)' };
    }
    case 'list':
      return {
        value: value
          .split(LIST_SEPARATOR)
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    default:
      return { value };
  }
}
