import S3rver from 's3rver';
import type { Running } from './dynamo.ts';

/** s3rver on 127.0.0.1, storing objects under `directory`, with the given buckets created. */
export async function startS3(options: {
  directory: string;
  port?: number;
  buckets: string[];
}): Promise<Running> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
