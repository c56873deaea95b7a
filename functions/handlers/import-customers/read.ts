import { BlobTooLargeError, type S3Blobs } from '../../adapters/s3-blobs.ts';
import {
  ERASURE_REWRITE,
  IMPORT_MAX_BYTES,
  type ImportFileReport,
  refusedImport,
} from '../../domain/customers/import-file.ts';

/**
 * The file's text, the report refusing it (too big, not UTF-8), or 'rewritten' for a file `csat customers
 * erase` rewrote (its other rows are not imported again).
 */
export async function readImport(
  blobs: S3Blobs,
  key: string,
  now: Date,
): Promise<string | ImportFileReport | 'rewritten'> {
  let bytes: Uint8Array;
  try {
    const object = await blobs.getObject(key, IMPORT_MAX_BYTES);
    if (object.metadata[ERASURE_REWRITE.name] === ERASURE_REWRITE.value) return 'rewritten';
    bytes = object.bytes;
  } catch (e) {
    if (!(e instanceof BlobTooLargeError)) throw e;
    return refusedImport(
      `the file holds ${e.size} bytes, over the ${IMPORT_MAX_BYTES}-byte limit: split it into smaller files`,
      now,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refusedImport('the file is not UTF-8 text: save it as UTF-8 and put it again', now);
  }
}
