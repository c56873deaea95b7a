import { createServer } from 'node:net';

/*
 * The local stack's ports, and which of them something else already holds. Each emulator reports a busy
 * port its own way — s3rver not at all (an unhandled 'error' event kills the process) — so the stack
 * asks for every port before it starts anything, and says which are taken and by what it needed them for.
 */

export interface Ports {
  http: number;
  ses: number;
  dynamodb: number;
  s3: number;
  sqs: number;
  events: number;
}

/** What each port serves, for people. */
export const PORT_USES: Readonly<Record<keyof Ports, string>> = {
  http: 'survey pages and control API',
  ses: 'SES and the mailbox',
  dynamodb: 'DynamoDB',
  s3: 'S3',
  sqs: 'SQS',
  events: 'EventBridge',
};

/** Consecutive ports from `base` (the survey URL first); 0 picks free ports at random. */
export function portsFrom(base: number): Ports {
  const at = (i: number) => (base === 0 ? 0 : base + i);
  return { http: at(0), ses: at(1), dynamodb: at(2), s3: at(3), sqs: at(4), events: at(5) };
}

/** Whether `port` can be listened on at `host` now (0, any free port, always can). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The ports something else holds, in the order of Ports. */
export async function busyPorts(ports: Ports): Promise<Array<keyof Ports>> {
  const names = Object.keys(PORT_USES) as Array<keyof Ports>;
  const free = await Promise.all(names.map((name) => portIsFree(ports[name])));
  return names.filter((_, i) => !free[i]);
}

/** `port 4503 (S3) is in use …`: which ports, what for, and the two ways out. */
export function busyPortsMessage(busy: ReadonlyArray<keyof Ports>, ports: Ports): string {
  const list = busy.map((name) => `${ports[name]} (${PORT_USES[name]})`).join(', ');
  const free = Math.max(...Object.values(ports)) + 100;
  return (
    `${busy.length === 1 ? 'port' : 'ports'} ${list} ${busy.length === 1 ? 'is' : 'are'} in use — ` +
    'is another csat local stack running (from another folder)? Stop it, or start this one on other ports: ' +
    `CSAT_PORT_BASE=${free - (free % 100)} npm start (CSAT_PORT_BASE=0 picks free ports).`
  );
}
