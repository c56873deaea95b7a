import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../domain/ports.ts';
import { s3Client } from './s3-client.ts';
import { S3Presigner } from './s3-presigner.ts';

/** The smallest part S3 takes in a multipart upload (all but the last). */
export const PART_BYTES = 5 * 1024 * 1024;

async function* utf8(chunks: AsyncIterable<string>): AsyncIterable<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
}

export { MAX_PRESIGN_SECONDS } from './s3-presigner.ts';

export class BlobTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`the object holds ${size} bytes, more than the ${maxBytes} allowed`);
    this.name = 'BlobTooLargeError';
  }
}

/**
 * BlobStore on one S3 bucket: private objects, read through short-lived presigned links. The SDK's S3
 * modules are imported on first use (see s3-client.ts).
 */
export class S3Blobs implements BlobStore {
  private presigner?: S3Presigner;

  constructor(
    private readonly bucket: string,
    private readonly client: () => Promise<S3Client> = s3Client,
  ) {}

  async put(
    key: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<void> {
    const [s3, { PutObjectCommand }] = await Promise.all([this.client(), import('@aws-sdk/client-s3')]);
    await s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        ContentType: contentType,
        // Reports change when they are regenerated; a cached copy would show stale figures.
        CacheControl: 'no-cache',
        ...(metadata ? { Metadata: metadata } : {}),
      }),
    );
  }

  /**
   * Parts of PART_BYTES go up one at a time as the text comes (S3's multipart upload, through the SDK's
   * lib-storage), so memory holds about one part whatever the object's size; a small object is one PUT.
   */
  async putStream(key: string, body: AsyncIterable<string>, contentType: string): Promise<void> {
    const [s3, { Upload }] = await Promise.all([this.client(), import('@aws-sdk/lib-storage')]);
    const upload = new Upload({
      client: s3,
      queueSize: 1,
      partSize: PART_BYTES,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(utf8(body)),
        ContentType: contentType,
        CacheControl: 'no-cache',
      },
    });
    await upload.done();
  }

  /** Every key under `prefix`, a page of listing at a time (needs s3:ListBucket on the bucket). */
  async *keys(prefix: string): AsyncIterable<string> {
    const [s3, { ListObjectsV2Command }] = await Promise.all([this.client(), import('@aws-sdk/client-s3')]);
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield o.Key;
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async find(key: string): Promise<string | undefined> {
    const bytes = await this.findBytes(key);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  /** The object's bytes, or undefined when there is none. */
  async findBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      return await this.get(key);
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  /**
   * The object's bytes, or a BlobTooLargeError without reading the body when it holds more than
   * `maxBytes` (S3 says the length before the body is streamed).
   */
  async get(key: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
    return (await this.getObject(key, maxBytes)).bytes;
  }

  /** As `get`, with the object's user metadata (`x-amz-meta-*`, names in lower case). */
  async getObject(
    key: string,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<{ bytes: Uint8Array; metadata: Record<string, string> }> {
    const [s3, { GetObjectCommand }] = await Promise.all([this.client(), import('@aws-sdk/client-s3')]);
    const out = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const size = out.ContentLength ?? 0;
    if (size > maxBytes) {
      // Frees the connection without downloading what will not be read.
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new BlobTooLargeError(size, maxBytes);
    }
    const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    if (bytes.byteLength > maxBytes) throw new BlobTooLargeError(bytes.byteLength, maxBytes);
    return { bytes, metadata: out.Metadata ?? {} };
  }

  /*
   * A URL signed with temporary credentials (a Lambda role's) stops working when that session ends, even
   * if X-Amz-Expires says later (S3 user guide, "Who can create a presigned URL"). So csat presigns for
   * minutes, on each click of a report link (GET /r/{token}), never for the days a link lives in an inbox.
   */
  presign(key: string, expiresInSeconds: number, method: 'GET' | 'HEAD' = 'GET'): Promise<string> {
    this.presigner ??= new S3Presigner(this.bucket);
    return this.presigner.presign(key, expiresInSeconds, method);
  }
}
