import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Running } from './dynamo.ts';

/*
 * A local stand-in for EventBridge's PutEvents (there is no npm emulator, DESIGN.md §4): just enough of the
 * AWS JSON 1.1 protocol (`x-amz-target: AWSEvents.PutEvents`) for @aws-sdk/client-eventbridge, checking
 * entries as EventBridge does (1–10 entries, Source and DetailType present, Detail a JSON object, 256 KB a
 * request). Accepted events are kept in order: `GET /events` lists them (tests read them there) and, with a
 * `directory`, each is appended to `events.jsonl` there, which is what a rule on the bus would receive.
 */
export interface LocalEvent {
  id: string;
  time: string;
  source: string;
  'detail-type': string;
  detail: unknown;
  eventBusName: string;
}

export interface RunningEvents extends Running {
  events(): LocalEvent[];
}

const MAX_REQUEST_BYTES = 256 * 1024;

class EventsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function entriesOf(body: string): Array<Record<string, unknown>> {
  let input: { Entries?: unknown };
  try {
    input = JSON.parse(body);
  } catch {
    throw new EventsError('SerializationException', 'the request body is not JSON');
  }
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
    throw new EventsError('ValidationException', 'Entries must hold 1 to 10 entries');
  }
  return entries as Array<Record<string, unknown>>;
}

/** An entry's error code as PutEvents reports it per entry, or undefined when it is accepted. */
function entryError(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.Source !== 'string' || entry.Source === '') return 'InvalidArgument';
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return 'InvalidArgument';
  try {
    const detail = JSON.parse(String(entry.Detail));
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return 'MalformedDetail';
  } catch {
    return 'MalformedDetail';
  }
  return undefined;
}

/** Starts the local EventBridge endpoint on 127.0.0.1. */
export async function startEvents(
  options: { port?: number; directory?: string; onEvent?: (e: LocalEvent) => void } = {},
): Promise<RunningEvents> {
  const kept: LocalEvent[] = [];
  if (options.directory) await mkdir(options.directory, { recursive: true });

  async function putEvents(body: string): Promise<unknown> {
    if (Buffer.byteLength(body) > MAX_REQUEST_BYTES) {
      throw new EventsError('ValidationException', 'the request is larger than 256 KB');
    }
    const results: Array<Record<string, string>> = [];
    let failed = 0;
    for (const entry of entriesOf(body)) {
      const error = entryError(entry);
      if (error) {
        failed += 1;
        results.push({ ErrorCode: error, ErrorMessage: 'the entry is not valid' });
        continue;
      }
      const event: LocalEvent = {
        id: randomUUID(),
        time: new Date().toISOString(),
        source: String(entry.Source),
        'detail-type': String(entry.DetailType),
        detail: JSON.parse(String(entry.Detail)),
        eventBusName: String(entry.EventBusName ?? 'default'),
      };
      kept.push(event);
      if (options.directory)
        await appendFile(join(options.directory, 'events.jsonl'), `${JSON.stringify(event)}\n`);
      options.onEvent?.(event);
      results.push({ EventId: event.id });
    }
    return { FailedEntryCount: failed, Entries: results };
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/events') return send(res, 200, kept);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        return send(res, 400, { __type: 'UnknownOperationException', message: `not supported: ${target}` });
      }
      putEvents(Buffer.concat(chunks).toString('utf8')).then(
        (out) => send(res, 200, out),
        (e: unknown) =>
          e instanceof EventsError
            ? send(res, 400, { __type: e.type, message: e.message })
            : send(res, 500, { __type: 'InternalException', message: 'the local endpoint failed' }),
      );
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events: () => [...kept],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
