import { S3Client } from '@aws-sdk/client-s3';

let s3: S3Client | undefined;

/** The process's S3 client (see dynamo-client.ts for why each client has its own module). */
export function s3Client(): S3Client {
  // s3rver needs path-style addressing, and stores streamed checksum framing unless told not to.
  s3 ??= new S3Client({
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3;
}
