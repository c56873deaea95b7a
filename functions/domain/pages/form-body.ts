/*
 * Reading a posted HTML form, strictly: a browser never sends a malformed or repeated field, so anything
 * of the kind is refused as a whole rather than guessed at. (URLSearchParams would keep a bad `%zz`
 * literally and let a repeated field silently win.)
 */

export type FormBodyProblem = 'unparseable' | 'duplicate-field' | 'too-large' | 'unsupported-type';

/** The request body is not a form we accept. Nothing has been read from the store or changed. */
export class FormBodyError extends Error {
  constructor(readonly problem: FormBodyProblem) {
    super(`form body refused: ${problem}`);
    this.name = 'FormBodyError';
  }
}

/** Largest form body accepted: seven ratings and two 2,000-character comments in percent-encoded CJK fit with room. */
export const MAX_FORM_BYTES = 32 * 1024;

export const FORM_URLENCODED = 'application/x-www-form-urlencoded';
export const MULTIPART_FORM = 'multipart/form-data';

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return type || undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** A UTF-16 surrogate without its pair, which no UTF-8 text can hold. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The body as text: base64 undone (API Gateway encodes some bodies), at most `maxBytes`, valid UTF-8. */
export function bodyText(
  body: string | undefined,
  isBase64Encoded: boolean,
  maxBytes = MAX_FORM_BYTES,
): string {
  if (!body) return '';
  // Refuse before decoding, so an oversized body costs no work (a character is at least one byte).
  if (body.length > (isBase64Encoded ? Math.ceil(maxBytes / 3) * 4 + 4 : maxBytes)) {
    throw new FormBodyError('too-large');
  }
  // Text without lone surrogates is its own UTF-8 round trip: only its size needs checking.
  if (!isBase64Encoded && !LONE_SURROGATE.test(body)) {
    if (Buffer.byteLength(body, 'utf8') > maxBytes) throw new FormBodyError('too-large');
    return body;
  }
  let bytes: Uint8Array;
  if (isBase64Encoded) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) throw new FormBodyError('unparseable');
    bytes = Buffer.from(body, 'base64');
  } else {
    bytes = Buffer.from(body, 'utf8');
  }
  if (bytes.byteLength > maxBytes) throw new FormBodyError('too-large');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new FormBodyError('unparseable');
  }
}

const decodeComponent = (s: string): string => {
  // Most names and values (ids, levels) are plain: nothing to decode, the text is the value.
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new FormBodyError('unparseable');
  }
};

/**
 * Parses `application/x-www-form-urlencoded` text into one string per field. Empty segments (`a=1&&b=2`)
 * are skipped as browsers do; a segment without `=`, an empty name, bad percent-encoding, a control
 * character in a name or a repeated name refuses the whole body.
 */
export function parseUrlEncoded(text: string): Record<string, string> {
  // A null-prototype record, so a field called `__proto__` or `constructor` is just a field.
  const fields = Object.create(null) as Record<string, string>;
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    if (eq <= 0) throw new FormBodyError('unparseable');
    const name = decodeComponent(segment.slice(0, eq));
    const value = decodeComponent(segment.slice(eq + 1));
    if (name === '' || /\p{Cc}/u.test(name)) throw new FormBodyError('unparseable');
    if (Object.hasOwn(fields, name)) throw new FormBodyError('duplicate-field');
    fields[name] = value;
  }
  return fields;
}
