/*
 * The emulators of a bench run, started in a child process (bench/emulators.ts: in AWS, DynamoDB and SES
 * are other machines, so their work must not share the event loop of the code being measured), and the
 * environment the handlers read, pointed at them. Kill the returned process to stop them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export async function startBenchEmulators(): Promise<ChildProcess> {
  const emulators = spawn(process.execPath, ['--import', 'tsx', join('bench', 'emulators.ts')], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const [line] = (await once(createInterface({ input: emulators.stdout! }), 'line')) as [string];
  const endpoints = JSON.parse(line) as { dynamodb: string; s3: string; ses: string; events: string };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
    TABLE_NAME: 'csat-bench',
    BUCKET_NAME: 'csat-bench',
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    PUBLIC_BASE_URL: 'http://127.0.0.1:1',
    SEND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/csat-send',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  return emulators;
}

/** Writes one section of bench/results/latest.json, keeping the others (a section run alone). */
export async function writeBenchSection(name: string, results: unknown): Promise<string> {
  const file = join('bench', 'results', 'latest.json');
  const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...previous, [name]: results }, null, 2)}\n`);
  return file;
}
