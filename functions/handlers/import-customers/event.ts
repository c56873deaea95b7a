import * as z from 'zod';

/** The part of an S3 event notification the import function reads; the rest S3 sends passes through. */
const S3ObjectCreatedEvent = (bucket: string) =>
  z.object({
    Records: z
      .array(
        z.object({
          eventName: z.string().startsWith('ObjectCreated:', 'must be an ObjectCreated event'),
          s3: z.object({
            bucket: z.object({ name: z.literal(bucket, `must be the csat bucket (${bucket})`) }),
            // URL-encoded, spaces as "+", as S3 sends keys.
            object: z.object({ key: z.string().min(1) }),
          }),
        }),
      )
      .min(1),
  });

export class ImportEventError extends Error {
  constructor(readonly issues: string[]) {
    super(`not an S3 ObjectCreated event for csat: ${issues.join('; ')}`);
    this.name = 'ImportEventError';
  }
}

/** The keys of the objects an S3 ObjectCreated event in `bucket` names, decoded; else ImportEventError. */
export function parseImportEvent(event: unknown, bucket: string): string[] {
  const parsed = S3ObjectCreatedEvent(bucket).safeParse(event);
  if (!parsed.success) {
    throw new ImportEventError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`),
    );
  }
  return parsed.data.Records.map((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')));
}
