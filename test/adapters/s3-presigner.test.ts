import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { MAX_PRESIGN_SECONDS, S3Presigner } from '../../functions/adapters/s3-presigner.ts';

/*
 * The survey page presigns report links without the S3 client (its cold start); the URL must be exactly
 * the one the S3 client's getSignedUrl gives, on AWS and on an emulator endpoint. s3rver checks no
 * signature, so this comparison is what proves the signature.
 */
const credentials = {
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: 'secret/example+key',
  sessionToken: 'token==',
};
const signingDate = new Date('2026-12-02T10:20:30Z');
const KEYS = [
  'reports/demo/2026-Q4/report.html',
  'reports/demo/2026-Q4/departments/bm9ydGgtcmVnaW9u/responses.csv',
  'reports/demo/demo-20261202T0100/report.json',
];

const canonical = (url: string) => {
  // The same URL: origin, path and every query parameter (signature included), in any order.
  const u = new URL(url);
  return { origin: u.origin, path: u.pathname, query: [...u.searchParams].sort() };
};

async function clientUrl(config: Record<string, unknown>, bucket: string, key: string): Promise<string> {
  // As functions/adapters/s3-client.ts configures the client the other functions use.
  const client = new S3Client({
    region: 'eu-west-1',
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  });
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: 300,
    signingDate,
  });
}

describe('S3Presigner', () => {
  it('should give the S3 client’s own presigned URL on AWS (virtual-hosted)', async () => {
    const presigner = new S3Presigner('csat-reports-abc123', {
      region: 'eu-west-1',
      credentials,
      endpoint: '',
      now: () => signingDate,
    });
    for (const key of KEYS) {
      const expected = await clientUrl({ ignoreConfiguredEndpointUrls: true }, 'csat-reports-abc123', key);
      const actual = await presigner.presign(key, 300);
      expect(canonical(actual)).toEqual(canonical(expected));
      expect(new URL(actual).hostname).toBe('csat-reports-abc123.s3.eu-west-1.amazonaws.com');
    }
  });

  it('should give the S3 client’s own presigned URL on an endpoint (path-style)', async () => {
    const endpoint = 'http://127.0.0.1:4502';
    const presigner = new S3Presigner('csat-local', {
      region: 'eu-west-1',
      credentials,
      endpoint,
      now: () => signingDate,
    });
    for (const key of KEYS) {
      const expected = await clientUrl({ endpoint, forcePathStyle: true }, 'csat-local', key);
      expect(canonical(await presigner.presign(key, 300))).toEqual(canonical(expected));
    }
  });

  it('should sign a HEAD as the S3 client signs HeadObject (S3 refuses a GET URL asked with HEAD)', async () => {
    // Arrange: a link checker follows the report link's redirect with HEAD.
    const presigner = new S3Presigner('csat-reports-abc123', {
      region: 'eu-west-1',
      credentials,
      endpoint: '',
      now: () => signingDate,
    });
    const client = new S3Client({ region: 'eu-west-1', credentials, ignoreConfiguredEndpointUrls: true });
    for (const key of KEYS) {
      // Act
      const head = await presigner.presign(key, 300, 'HEAD');
      const expected = await getSignedUrl(
        client,
        new HeadObjectCommand({ Bucket: 'csat-reports-abc123', Key: key }),
        {
          expiresIn: 300,
          signingDate,
        },
      );

      // Assert
      expect(canonical(head)).toEqual(canonical(expected));
      expect(canonical(head)).not.toEqual(canonical(await presigner.presign(key, 300)));
    }
  });

  it('should refuse lifetimes S3 does not take', async () => {
    const presigner = new S3Presigner('b', { credentials });
    for (const bad of [0, -1, 1.5, Number.NaN, MAX_PRESIGN_SECONDS + 1]) {
      await expect(presigner.presign('reports/x', bad)).rejects.toThrow(RangeError);
    }
  });
});
