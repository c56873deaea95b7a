import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The key that signs survey and unsubscribe links. In AWS it lives in Secrets Manager (TOKEN_SECRET_ARN)
 * and is read once per container; locally and in tests TOKEN_SECRET holds it directly.
 */
let cached: Promise<string> | undefined;

export function tokenSecret(): Promise<string> {
  cached ??= load().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function load(): Promise<string> {
  const direct = process.env.TOKEN_SECRET;
  if (direct) return direct;
  const arn = process.env.TOKEN_SECRET_ARN;
  if (!arn) throw new Error('environment variable TOKEN_SECRET_ARN (or TOKEN_SECRET locally) is not set');
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: arn }),
  );
  if (!SecretString || SecretString.length < 32)
    throw new Error('the token secret must be at least 32 characters');
  return SecretString;
}
