/*
 * The steps of `csat smoke` (smoke.ts runs them) and its cleanup. Each step throws a SmokeFailure saying
 * what it saw; none logs or prints an address other than the simulator's.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { customerKey, type ItemKey, invitationKey, waveKey } from '../../functions/adapters/dynamo-keys.ts';
import {
  SIMULATOR,
  SMOKE_ROLES,
  SMOKE_TAG,
  type SmokeRole,
  smokeCampaignId,
  smokeCustomerId,
  smokeWaveId,
} from '../../functions/domain/smoke.ts';
import { invitationId, signToken } from '../../functions/domain/token.ts';
import type { Target } from './target.ts';

export class SmokeFailure extends Error {}

/** What a run made and must remove; filled in as the steps go. */
export interface SmokeRun {
  runId: string;
  campaignId: string;
  target: Target;
  timeoutMs: number;
  /** Report files the report steps wrote. */
  reportKeys: Set<string>;
  /** The survey page step 4 fetched, whose form step 5 submits. */
  page?: string;
}

export const customerIdOf = (run: SmokeRun, role: SmokeRole): string => smokeCustomerId(run.runId, role);
export const waveIdOf = (run: SmokeRun): string => smokeWaveId(run.campaignId, run.runId);
export const invitationOf = (run: SmokeRun, role: SmokeRole): string =>
  invitationId(waveIdOf(run), customerIdOf(run, role));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value; a SmokeFailure with `what` when the run's timeout passes. */
async function waitFor<T>(run: SmokeRun, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + run.timeoutMs;
  for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= until) throw new SmokeFailure(`${what} within ${Math.round(run.timeoutMs / 1000)} s`);
    await sleep(Math.min(pause, Math.max(until - Date.now(), 0)));
  }
}

/** 1. The three customers, through the import the CLI has (`csat customers import`). */
export async function putCustomers(run: SmokeRun): Promise<string> {
  const rows = SMOKE_ROLES.map((role) => ({
    id: customerIdOf(run, role),
    name: `csat smoke ${role}`,
    email: SIMULATOR[role],
    language: 'en',
    department: 'csat-smoke',
    tags: [SMOKE_TAG],
  }));
  const report = await run.target.importCustomers({ text: JSON.stringify(rows), format: 'json' });
  if (report.imported !== rows.length || report.problems.length > 0) {
    const problems = report.problems.map((p) => `line ${p.line} ${p.field}: ${p.reason}`).join('; ');
    throw new SmokeFailure(
      `imported ${report.imported} of ${rows.length}${problems ? ` (${problems})` : ''}`,
    );
  }
  return rows.map((r) => r.id).join(', ');
}

/** 2. A one-off wave of the campaign to exactly those three. */
export async function dispatchWave(run: SmokeRun): Promise<string> {
  const customerIds = SMOKE_ROLES.map((role) => customerIdOf(run, role));
  const result = await run.target.dispatchSmoke(run.campaignId, { runId: run.runId, customerIds });
  if (result.waveId !== waveIdOf(run) || result.invited !== customerIds.length) {
    throw new SmokeFailure(
      `expected wave ${waveIdOf(run)} with ${customerIds.length} invited, got ${result.waveId} with ${result.invited}`,
    );
  }
  return `wave ${result.waveId}: ${result.invited} invited`;
}

/** 3. The send step took all three emails to SES (each invitation has its message id). */
export async function waitForSends(run: SmokeRun): Promise<string> {
  const { store } = run.target.data;
  const ids = await waitFor(run, 'not every invitation was sent', async () => {
    const found = await Promise.all(SMOKE_ROLES.map((r) => store.getInvitation(invitationOf(run, r))));
    const messageIds = found.map((i) => i?.messageIds?.invite);
    return messageIds.every((m) => m) ? messageIds : undefined;
  });
  return `${ids.length} emails taken by SES`;
}

async function surveyLink(run: SmokeRun): Promise<string> {
  const secret = await run.target.data.tokenSecret();
  return `${run.target.data.surveyBaseUrl}/s/${signToken(secret, 'survey', invitationOf(run, 'success'))}`;
}

const unescapeHtml = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The page's form filled in: hidden fields as given, the first option of every radio group. */
export function fillForm(html: string): URLSearchParams {
  const form = new URLSearchParams();
  const chosen = new Set<string>();
  for (const [input] of html.matchAll(/<input\b[^>]*>/g)) {
    const attr = (name: string) => unescapeHtml(new RegExp(`\\s${name}="([^"]*)"`).exec(input)?.[1] ?? '');
    const [type, name, value] = [attr('type'), attr('name'), attr('value')];
    if (!name) continue;
    if (type === 'hidden') form.append(name, value);
    if (type === 'radio' && !chosen.has(name)) {
      chosen.add(name);
      form.append(name, value);
    }
  }
  return form;
}

/** 4. The success customer's survey page, through the signed link. */
export async function openSurveyPage(run: SmokeRun): Promise<string> {
  const url = await surveyLink(run);
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  if (res.status !== 200) throw new SmokeFailure(`GET /s/{token} answered ${res.status}`);
  if (!/<form\b/.test(body) || !/type="radio"/.test(body))
    throw new SmokeFailure('GET /s/{token} answered 200 without the survey form');
  run.page = body;
  return `GET ${new URL(url).origin}/s/{token} → 200, the form`;
}

/** 5. One answer, stored once: a second submit is refused and changes nothing. */
export async function submitAnswer(run: SmokeRun): Promise<string> {
  const page = run.page;
  if (!page) throw new SmokeFailure('no survey page to answer (the step before failed)');
  const url = await surveyLink(run);
  const post = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fillForm(page).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  const first = await post();
  await first.text();
  if (first.status !== 200) throw new SmokeFailure(`POST /s/{token} answered ${first.status}`);
  const { store } = run.target.data;
  const stored = await store.getInvitation(invitationOf(run, 'success'));
  if (!stored?.response) throw new SmokeFailure('the POST answered 200 but no response is stored');
  const second = await post();
  await second.text();
  const after = await store.getInvitation(invitationOf(run, 'success'));
  if (second.status === 200 || second.status >= 500)
    throw new SmokeFailure(`a second POST answered ${second.status}, not "already answered"`);
  if (after?.response?.answeredAt !== stored.response.answeredAt)
    throw new SmokeFailure('a second POST changed the stored response');
  const answered = (await store.listInvitations(waveIdOf(run))).filter((i) => i.response).length;
  if (answered !== 1) throw new SmokeFailure(`${answered} responses stored in the wave, not 1`);
  return `1 response stored (grade ${stored.response.grade}); a second POST → ${second.status}, still 1`;
}

async function readJson(run: SmokeRun, key: string): Promise<unknown> {
  const { s3, bucketName } = run.target.data;
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? 'null');
}

/** 6a. The smoke wave's report: its three files in S3 count the one answer; emailed to the simulator. */
export async function waveReport(run: SmokeRun): Promise<string> {
  const result = await run.target.report(smokeCampaignId(run.campaignId), { waveId: waveIdOf(run) });
  if (!('keys' in result)) throw new SmokeFailure('the report function skipped the wave');
  for (const key of Object.values(result.keys)) run.reportKeys.add(key);
  const doc = (await readJson(run, result.keys.json)) as { statistics?: { answered?: number } } | null;
  const answered = doc?.statistics?.answered;
  if (answered !== 1) throw new SmokeFailure(`report.json counts ${answered} answered, not 1`);
  return `${Object.keys(result.keys).length} files under ${result.keys.json.replace(/[^/]*$/, '')}`;
}

/** 6b. A period report of a period with no wave (2000-01): written to S3 all the same, an empty one. */
export async function emptyPeriodReport(run: SmokeRun): Promise<string> {
  const result = await run.target.report(smokeCampaignId(run.campaignId), { period: '2000-01' });
  if (!('period' in result)) throw new SmokeFailure('the report function did not make a period report');
  for (const key of Object.values(result.keys)) run.reportKeys.add(key);
  await readJson(run, result.keys.json);
  return `period ${result.period}: ${result.departments.length} departments, files under ${result.keys.json.replace(/[^/]*$/, '')}`;
}

/** 7. SES's bounce and complaint come back as events and suppress their customers. */
export async function waitForSuppressions(run: SmokeRun): Promise<string> {
  const { store } = run.target.data;
  const roles: SmokeRole[] = ['bounce', 'complaint'];
  await waitFor(run, 'the bounce and complaint customers were not both suppressed', async () => {
    const customers = await Promise.all(roles.map((r) => store.getCustomer(customerIdOf(run, r))));
    return customers.every((c) => c?.suppressedAt) ? true : undefined;
  });
  const success = await store.getCustomer(customerIdOf(run, 'success'));
  if (success?.suppressedAt) throw new SmokeFailure('the success customer was suppressed too');
  return 'bounce → suppressed, complaint → suppressed, success → not';
}

export interface Removed {
  customers: number;
  waves: number;
  invitations: number;
  responses: number;
  reportFiles: number;
}

/**
 * 8. Removes what the run made, whatever got made: its customers, wave, invitations (responses are stored
 * on them) and report files. Only ids made from the run's id are touched. Never throws for one item: it
 * goes on and reports what it could not remove.
 */
export async function cleanup(run: SmokeRun): Promise<{ removed: Removed; problems: string[] }> {
  const { ddb, tableName, s3, bucketName, store } = run.target.data;
  const removed: Removed = { customers: 0, waves: 0, invitations: 0, responses: 0, reportFiles: 0 };
  const problems: string[] = [];
  // The table's keys (functions/adapters/dynamo-keys.ts); a delete of a missing item removes nothing.
  const remove = async (key: ItemKey): Promise<boolean> => {
    try {
      const out = await ddb.send(
        new DeleteCommand({ TableName: tableName, Key: key, ReturnValues: 'ALL_OLD' }),
      );
      return out.Attributes !== undefined;
    } catch (e) {
      problems.push(`${key.pk}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  };
  const waveId = waveIdOf(run);
  const invitations = new Set(SMOKE_ROLES.map((r) => invitationOf(run, r)));
  try {
    for (const i of await store.listInvitations(waveId)) invitations.add(i.id);
  } catch (e) {
    problems.push(`listing the wave's invitations: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const id of invitations) {
    const item = await store.getInvitation(id).catch(() => undefined);
    if (await remove(invitationKey(id))) {
      removed.invitations++;
      if (item?.response) removed.responses++;
    }
  }
  if (await remove(waveKey(smokeCampaignId(run.campaignId), waveId))) removed.waves++;
  for (const role of SMOKE_ROLES) {
    if (await remove(customerKey(customerIdOf(run, role)))) removed.customers++;
  }

  // The files the reports returned, and anything else under the wave's folder.
  const keys = new Set(run.reportKeys);
  try {
    const prefix = `reports/${smokeCampaignId(run.campaignId)}/${waveId}/`;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: prefix }));
    for (const o of listed.Contents ?? []) if (o.Key) keys.add(o.Key);
  } catch (e) {
    problems.push(`listing the report files: ${e instanceof Error ? e.message : String(e)}`);
  }
  // One by one: a handful of files, and DeleteObjects needs a checksum not every S3 emulator takes.
  for (const Key of keys) {
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key }));
      removed.reportFiles++;
    } catch (e) {
      problems.push(`${Key}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { removed, problems };
}
