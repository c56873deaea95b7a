import { resolve } from 'node:path';
import { findCampaign } from '../functions/domain/programme.ts';
import { ReportRequestError } from '../functions/domain/report/errors.ts';
import { campaignOfSmokeId } from '../functions/domain/smoke.ts';
import { InvalidActionsEventError } from '../functions/handlers/actions/event.ts';
import type { ActionsResponse } from '../functions/handlers/actions/index.ts';
import { InvalidDispatchEventError } from '../functions/handlers/dispatch/event.ts';
import type { DispatchResponse } from '../functions/handlers/dispatch/index.ts';
import type { RemindResponse } from '../functions/handlers/remind/index.ts';
import { SmokeDispatchError } from '../functions/use-cases/dispatch-smoke.ts';
import { programme } from '../programme/index.ts';
import type { LocalFunctions } from './functions.ts';
import { ControlError, type ControlRequest, type ControlResponse } from './http-bridge.ts';
import { DEFAULT_DATA_DIR, isAlive, LocalStackError, readStackFile, type StackInfo } from './stack-file.ts';

/*
 * The control API under `/_local/` of the HTTP bridge (http-bridge.ts), which the `csat` CLI talks to:
 * the stack's side (`controlApi`) and the CLI's (`findLocalStack`, `callControl`).
 */

/**
 * Answers the CLI's control requests with the stack's functions; `idle` waits for the dispatch queue (a
 * wave's tasks) and then the send queue (its emails).
 */
export function controlApi(
  fns: Pick<LocalFunctions, 'dispatch' | 'report' | 'remind' | 'actions'>,
  idle: () => Promise<void>,
): (req: ControlRequest) => Promise<ControlResponse> {
  return async function control(req) {
    const [action, campaignId, ...rest] = req.segments;
    if (action === 'health' && req.method === 'GET' && !campaignId) {
      return { status: 200, body: { ok: true, pid: process.pid } };
    }
    if (
      req.method !== 'POST' ||
      (action !== 'dispatch' && action !== 'report' && action !== 'remind' && action !== 'sweep') ||
      !campaignId ||
      rest.length
    ) {
      throw new ControlError(404, 'no such control action');
    }
    // A smoke wave is reported under its own id (csat smoke); the report handler checks it.
    const reportsSmoke = action === 'report' && campaignOfSmokeId(campaignId) !== undefined;
    if (!findCampaign(programme, campaignId) && !reportsSmoke) {
      throw new ControlError(
        404,
        `no campaign "${campaignId}" in the programme (known: ${programme.campaigns.map((c) => c.id).join(', ')})`,
      );
    }
    const body = (req.body ?? {}) as { waveId?: unknown; period?: unknown; smoke?: unknown };
    if (action === 'report') {
      const { waveId, period } = body;
      if (waveId !== undefined && typeof waveId !== 'string') {
        throw new ControlError(400, 'waveId must be a string');
      }
      if (period !== undefined && typeof period !== 'string') {
        throw new ControlError(400, 'period must be a string such as 2026-Q4');
      }
      if (waveId !== undefined && period !== undefined) {
        throw new ControlError(400, 'a wave report (waveId) or a period report (period), not both');
      }
      try {
        return { status: 200, body: await fns.report(campaignId, { waveId, period }) };
      } catch (e) {
        // The handler's refusal of the request (a malformed period, say) is the caller's mistake.
        if (e instanceof ReportRequestError) throw new ControlError(400, e.message);
        throw e;
      }
    }
    let result: DispatchResponse | RemindResponse | ActionsResponse;
    try {
      result =
        action === 'remind'
          ? await fns.remind(campaignId)
          : action === 'sweep'
            ? await fns.actions(campaignId)
            : await fns.dispatch(campaignId, undefined, body.smoke);
    } catch (e) {
      // The handler's refusal of the event (a bad smoke request) is the caller's mistake.
      if (
        e instanceof InvalidDispatchEventError ||
        e instanceof SmokeDispatchError ||
        e instanceof InvalidActionsEventError
      )
        throw new ControlError(400, e.message);
      throw e;
    }
    // The CLI returns once the invitations (or reminders) are out, so the mailbox is worth a look when it does.
    await idle().catch(() => {});
    return { status: 200, body: result };
  };
}

/** The running local stack of a data folder, checked alive; throws a LocalStackError saying what to do. */
export async function findLocalStack(dataDir = DEFAULT_DATA_DIR): Promise<StackInfo> {
  const notRunning = 'no local stack is running: start one with `npm start` (in another terminal)';
  const info = await readStackFile(resolve(dataDir));
  if (!info || !isAlive(info.pid)) throw new LocalStackError(notRunning);
  try {
    await callControl(info, 'GET', 'health');
  } catch {
    throw new LocalStackError(
      `the local stack (pid ${info.pid}) does not answer at ${info.urls.control}; ${notRunning}`,
    );
  }
  return info;
}

/** Calls the local stack's control API; throws with the stack's message on a non-2xx answer. */
export async function callControl<T = unknown>(
  info: StackInfo,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 180_000,
): Promise<T> {
  const res = await fetch(`${info.urls.control}/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${info.controlToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const payload = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new LocalStackError(payload.message ?? `the local stack answered ${res.status}`);
  return payload as T;
}
