import { BlobTooLargeError, type S3Blobs } from '../../adapters/s3-blobs.ts';
import {
  IMPORT_MAX_BYTES,
  type ImportFileReport,
  refusedImport,
} from '../../domain/customers/import-file.ts';

/** The file's text, or the report refusing it (too big, not UTF-8). */
export async function readImport(blobs: S3Blobs, key: string, now: Date): Promise<string | ImportFileReport> {
  let bytes: Uint8Array;
  try {
    bytes = await blobs.get(key, IMPORT_MAX_BYTES);
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
