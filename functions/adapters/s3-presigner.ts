import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { BlobStore } from '../domain/ports.ts';

/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export function checkPresignLifetime(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(
      `a presigned link lives 1 to ${MAX_PRESIGN_SECONDS} seconds, not ${expiresInSeconds}`,
    );
  }
}

export interface S3PresignerOptions {
  region?: string;
  /** The S3 endpoint (path-style), as AWS_ENDPOINT_URL_S3 gives the emulator's; AWS's own when unset. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The signing time (tests); now when unset. */
  now?: () => Date;
}

/**
 * GetObject URLs presigned with the SDK's S3RequestPresigner alone, without the S3 client: the survey page
 * presigns report links and nothing else, and the S3 client was a quarter of its bundle and about 70 ms
 * of its cold start, paid on every customer's first click. The URL is the one the client's getSignedUrl
 * gives (test/adapters/s3-presigner.test.ts compares them); virtual-hosted on AWS, path-style on an
 * endpoint such as the emulator's.
 */
export class S3Presigner implements Pick<BlobStore, 'presign'> {
  private readonly presigner: S3RequestPresigner;
  private readonly region: string;

  constructor(
    private readonly bucket: string,
    private readonly options: S3PresignerOptions = {},
  ) {
    this.region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.presigner = new S3RequestPresigner({
      region: this.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  /** A URL for `method` on the object: HEAD is signed as HEAD, for a link checker that follows with HEAD. */
  async presign(key: string, expiresInSeconds: number, method: 'GET' | 'HEAD' = 'GET'): Promise<string> {
    checkPresignLifetime(expiresInSeconds);
    const path = `/${key.split('/').map(encodeURIComponent).join('/')}`;
    const endpoint = this.options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
    const url = endpoint
      ? new URL(`${endpoint.replace(/\/+$/, '')}/${this.bucket}${path}`)
      : new URL(`https://${this.bucket}.s3.${this.region}.amazonaws.com${path}`);
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      method,
      path: url.pathname,
      // What the S3 client marks its GetObject requests with (HeadObject has none); kept so the URL is the
      // client's to the byte.
      query: method === 'GET' ? { 'x-id': 'GetObject' } : {},
      headers: { host: url.host },
    });
    const signed = await this.presigner.presign(request, {
      expiresIn: expiresInSeconds,
      ...(this.options.now ? { signingDate: this.options.now() } : {}),
    });
    return formatUrl(signed);
  }
}
