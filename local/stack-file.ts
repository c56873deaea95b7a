import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * What a running local stack leaves in its data folder: `stack.json`, which tells the CLI where the stack
 * is and how to talk to it, and the token secret its links are signed with.
 */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.csat-local/', import.meta.url));
export const STACK_FILE = 'stack.json';

/** What `stack.json` holds: how the CLI finds and talks to a running local stack. */
export interface StackInfo {
  pid: number;
  startedAt: string;
  dataDir: string;
  region: string;
  tableName: string;
  bucketName: string;
  queueUrl: string;
  /** Bearer token for the control API under `${urls.survey}/_local/`. */
  controlToken: string;
  urls: { survey: string; mailbox: string; control: string };
  endpoints: { dynamodb: string; s3: string; ses: string; sqs: string; events?: string };
}

export class LocalStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackError';
  }
}

export async function readStackFile(dataDir: string): Promise<StackInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, STACK_FILE), 'utf8')) as StackInfo;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The token secret, generated once per data folder so links in old emails keep working. */
export async function tokenSecretIn(dataDir: string): Promise<string> {
  const file = join(dataDir, 'token-secret');
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length >= 32) return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
