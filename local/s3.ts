import S3rver, { type S3rverEvent } from 's3rver';
import type { Running } from './dynamo.ts';

export type S3NotificationEvent = S3rverEvent;

export interface LocalS3 extends Running {
  /**
   * Calls `listener` with each ObjectCreated notification, shaped and filtered as S3 delivers it to a
   * Lambda: the key URL-encoded (spaces as "+"), only keys with the prefix and one of the suffixes.
   */
  onObjectCreated(
    filter: { prefix: string; suffixes: readonly string[] },
    listener: (event: S3NotificationEvent) => void,
  ): void;
}

/** As S3 encodes keys in notifications: form encoding, "/" kept. */
export function encodeNotificationKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/** s3rver on 127.0.0.1, storing objects under `directory`, with the given buckets created. */
export async function startS3(options: {
  directory: string;
  port?: number;
  buckets: string[];
}): Promise<LocalS3> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => server.close(),
    onObjectCreated(filter, listener) {
      server.on('event', (event) => {
        const records = event.Records.filter(
          ({ eventName, s3 }) =>
            eventName.startsWith('ObjectCreated:') &&
            s3.object.key.startsWith(filter.prefix) &&
            filter.suffixes.some((suffix) => s3.object.key.endsWith(suffix)),
        ).map((r) => ({
          ...r,
          s3: { ...r.s3, object: { ...r.s3.object, key: encodeNotificationKey(r.s3.object.key) } },
        }));
        if (records.length > 0) listener({ Records: records });
      });
    },
  };
}
