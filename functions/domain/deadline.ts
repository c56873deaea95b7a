import { dateFormat } from './date-format.ts';
import type { Language } from './language.ts';

/*
 * The one sentence that tells a customer until when they can answer (issue 14): the invitation, each
 * reminder and the survey page print it alike, from the wave's deadline in the campaign's dispatch time
 * zone. The weekday, the 24-hour time and the zone's name leave no doubt across languages and zones:
 *   en     Please answer by Wednesday 16 December 2026, 20:02 (China Standard Time).
 *   zh-CN  请于 2026年12月16日（星期三）20:02（中国标准时间）前作答。
 */

/** The deadline's format: en-GB for the day before the month; the parts are put in order below. */
const formatOf = (lang: Language, timeZone: string): Intl.DateTimeFormat =>
  dateFormat(lang, {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: lang === 'en' ? 'long' : 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'long',
  });

/** The deadline as a date, time and zone in `lang` ("Wednesday 16 December 2026, 20:02 (China Standard Time)"). */
export function deadlineWhen(deadlineIso: string, timeZone: string, lang: Language): string {
  const at = new Date(deadlineIso);
  if (Number.isNaN(at.getTime())) return deadlineIso;
  const parts = formatOf(lang, timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const [weekday, year, month, day] = [part('weekday'), part('year'), part('month'), part('day')];
  const time = `${part('hour')}:${part('minute')}`;
  const zone = part('timeZoneName');
  return lang === 'zh-CN'
    ? `${year}年${month}月${day}日（${weekday}）${time}（${zone}）`
    : `${weekday} ${day} ${month} ${year}, ${time} (${zone})`;
}

/** The sentence asking to answer by the deadline, the same in every email and page that shows it. */
export function deadlineText(deadlineIso: string, timeZone: string, lang: Language): string {
  const when = deadlineWhen(deadlineIso, timeZone, lang);
  return lang === 'zh-CN' ? `请于 ${when}前作答。` : `Please answer by ${when}.`;
}
