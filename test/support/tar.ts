import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/*
 * Just enough of a tar reader for the small archives @sparticuz/chromium ships (its libraries and fonts):
 * regular files and directories, ustar or GNU headers, GNU long names. Anything else (links, devices)
 * is refused rather than silently skipped, so a future archive that needs it fails loudly.
 */
const BLOCK = 512;

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end);
}

function octal(header: Buffer, start: number, length: number): number {
  const value = text(header, start, length).trim();
  return value === '' ? 0 : Number.parseInt(value, 8);
}

/** A member's path below `dir`, refusing absolute paths and `..` that would leave it. */
function inside(dir: string, name: string): string {
  const relative = normalize(name);
  if (relative.startsWith('/') || relative === '..' || relative.startsWith('../')) {
    throw new Error(`tar member outside the target: ${name}`);
  }
  return join(dir, relative);
}

/** Writes the members of an uncompressed tar archive below `dir`; returns the paths written. */
export function extractTar(archive: Buffer, dir: string): string[] {
  const written: string[] = [];
  let longName: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12);
    const type = text(header, 156, 1) || '0';
    const data = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === 'L') {
      longName = text(data, 0, data.length);
    } else if (type === 'x' || type === 'g') {
      // pax extended headers: the archives here carry nothing in them that matters (times, owners).
    } else if (type === '5') {
      mkdirSync(inside(dir, name), { recursive: true });
    } else if (type === '0' || type === '7') {
      const path = inside(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data, { mode: octal(header, 100, 8) & 0o777 });
      written.push(path);
    } else {
      throw new Error(`tar member ${name}: unsupported type ${JSON.stringify(type)}`);
    }
  }
  return written;
}
