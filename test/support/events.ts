import { type LocalEvent, type RunningEvents, startEvents } from '../../local/events-server.ts';

/*
 * Each test file gets its own local EventBridge endpoint (test/setup/per-file.ts), so what a test reads is
 * only what its own handlers published.
 */
const KEY = Symbol.for('csat.test.events');
type Holder = { [KEY]?: RunningEvents };

export async function startFileEvents(): Promise<RunningEvents> {
  const running = await startEvents();
  (globalThis as Holder)[KEY] = running;
  return running;
}

/** What this file's handlers have published so far, in order. */
export function publishedEvents(): LocalEvent[] {
  const running = (globalThis as Holder)[KEY];
  if (!running) throw new Error('the local EventBridge endpoint is not started (test/setup/per-file.ts)');
  return running.events();
}
