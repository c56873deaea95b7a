import type { S3Client } from '@aws-sdk/client-s3';

let s3: Promise<S3Client> | undefined;

/**
 * The process's S3 client, loaded on first use: the survey page needs S3 only when a manager clicks a
 * report link, so its cold start does not pay for the SDK's S3 module (~75 ms here).
 */
export function s3Client(): Promise<S3Client> {
  s3 ??= import('@aws-sdk/client-s3').then(
    ({ S3Client }) =>
      // s3rver needs path-style addressing, and stores streamed checksum framing unless told not to.
      new S3Client({
        forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
  );
  return s3;
}
