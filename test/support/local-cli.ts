import { simpleParser } from 'mailparser';
import { expect } from 'vitest';
import { main } from '../../bin/csat.ts';
import type { StoredMessage } from '../../local/ses-server.ts';
import type { LocalStack } from '../../local/stack.ts';

/*
 * The local stack as a newcomer uses it: the `csat` CLI run in this process against a data folder, the
 * local mailbox, and the survey link in an email.
 */

/** Runs the CLI in this process against the stack in `dataDir`. */
export async function csat(dataDir: string, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    stdout: (t) => stdout.push(t),
    stderr: (t) => stderr.push(t),
    env: { CSAT_DATA_DIR: dataDir },
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

export async function mailbox(stack: LocalStack): Promise<StoredMessage[]> {
  return (await fetch(`${stack.info.urls.mailbox}/api/messages`)).json() as Promise<StoredMessage[]>;
}

export async function surveyLink(stack: LocalStack, message: StoredMessage): Promise<string> {
  const raw = await fetch(`${stack.info.urls.mailbox}/api/messages/${message.id}/raw`);
  const parsed = await simpleParser(Buffer.from(await raw.arrayBuffer()));
  const link = new RegExp(`${stack.info.urls.survey}/s/[A-Za-z0-9_.-]+`).exec(parsed.text ?? '')?.[0];
  expect(link).toBeDefined();
  return link!;
}
