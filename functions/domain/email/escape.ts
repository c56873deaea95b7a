const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Makes any text safe in HTML element content and in quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/**
 * Collapses line breaks and runs of blanks: a name or title that carries a newline must not break a
 * header, a greeting line or the layout of the text part.
 */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
