/*
 * Where the `csat` commands run: the local stack `npm start` runs (found through .csat-local/stack.json)
 * or, with --stack NAME, a deployed one (its CloudFormation outputs name the functions, table and bucket).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../../functions/adapters/dynamo-store.ts';
import type { SmokeRequest } from '../../functions/domain/smoke.ts';
import type { ActionsResponse } from '../../functions/handlers/actions/index.ts';
import type { DispatchResponse } from '../../functions/handlers/dispatch/index.ts';
import type { RemindResponse } from '../../functions/handlers/remind/index.ts';
import type { ReportResponse } from '../../functions/handlers/report/index.ts';
import {
  type ImportCustomersInput,
  type ImportCustomersReport,
  importCustomers,
} from '../../functions/use-cases/import-customers.ts';
import { type CampaignStatusReport, getCampaignStatus } from '../../functions/use-cases/status.ts';
import { callControl, findLocalStack } from '../../local/stack.ts';
import { programme } from '../../programme/index.ts';

/** What `csat status` needs besides the data: the programme's calendars, and today. */
const statusContext = { programme, clock: { now: () => new Date() } };

/** Which report: a wave's (the latest unless `waveId`) or, with `period`, a period's. Never both. */
export type ReportRequest = { waveId?: string; period?: never } | { period: string; waveId?: never };

/** The report function's event fields beside `campaignId` (the local control API takes the same). */
const reportFields = (which: ReportRequest): { waveId?: string; period?: string } => ({
  ...(which.waveId ? { waveId: which.waveId } : {}),
  ...(which.period ? { period: which.period } : {}),
});

/** What `csat smoke` reads and removes directly, with the operator's credentials (or the emulators'). */
export interface StackData {
  store: DynamoStore;
  ddb: DynamoDBDocumentClient;
  tableName: string;
  s3: S3Client;
  bucketName: string;
  /** Base of the survey links: the HTTP API (or its custom domain); locally the HTTP bridge. */
  surveyBaseUrl: string;
  /** The key the survey links are signed with. */
  tokenSecret(): Promise<string>;
  /** Where the target is, for the smoke run's first line. */
  description: string;
}

export interface Target {
  dispatch(campaignId: string): Promise<DispatchResponse>;
  /** A one-off wave of the campaign to the smoke run's customers only (functions/domain/smoke.ts). */
  dispatchSmoke(campaignId: string, smoke: SmokeRequest): Promise<DispatchResponse>;
  report(campaignId: string, which: ReportRequest): Promise<ReportResponse>;
  remind(campaignId: string): Promise<RemindResponse>;
  /** The daily sweep of the campaign's corrective actions, now. */
  sweepActions(campaignId: string): Promise<ActionsResponse>;
  status(campaignId: string): Promise<CampaignStatusReport>;
  importCustomers(input: ImportCustomersInput): Promise<ImportCustomersReport>;
  data: StackData;
}

export async function localTarget(dataDir: string): Promise<Target> {
  const info = await findLocalStack(dataDir);
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: info.endpoints.dynamodb, region: info.region, credentials }),
  );
  const store = new DynamoStore(ddb, info.tableName);
  const s3 = new S3Client({
    endpoint: info.endpoints.s3,
    region: info.region,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    dispatch: (id) => callControl<DispatchResponse>(info, 'POST', `dispatch/${encodeURIComponent(id)}`),
    dispatchSmoke: (id, smoke) =>
      callControl<DispatchResponse>(info, 'POST', `dispatch/${encodeURIComponent(id)}`, { smoke }),
    report: (id, which) =>
      callControl<ReportResponse>(info, 'POST', `report/${encodeURIComponent(id)}`, reportFields(which)),
    remind: (id) => callControl<RemindResponse>(info, 'POST', `remind/${encodeURIComponent(id)}`),
    sweepActions: (id) => callControl<ActionsResponse>(info, 'POST', `sweep/${encodeURIComponent(id)}`),
    status: (id) => getCampaignStatus({ store, ...statusContext }, { campaignId: id }),
    importCustomers: (input) => importCustomers({ store }, input),
    data: {
      store,
      ddb,
      tableName: info.tableName,
      s3,
      bucketName: info.bucketName,
      surveyBaseUrl: info.urls.survey,
      // The file the local stack signs its links with (local/stack-file.ts, tokenSecretIn).
      tokenSecret: async () => (await readFile(join(info.dataDir, 'token-secret'), 'utf8')).trim(),
      description: `the local stack (pid ${info.pid}, ${info.urls.survey})`,
    },
  };
}

export async function deployedTarget(stackName: string, region: string | undefined): Promise<Target> {
  // Loaded only here: the local path needs none of these clients.
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const { LambdaClient, InvokeCommand, GetFunctionConfigurationCommand } = await import(
    '@aws-sdk/client-lambda'
  );
  const config = region ? { region } : {};
  const { Stacks } = await new CloudFormationClient(config).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const output = (key: string): string => {
    const value = outputs[key];
    if (!value)
      throw new Error(
        `stack ${stackName} has no output ${key}; is it a csat stack, deployed from this version?`,
      );
    return value;
  };
  const lambda = new LambdaClient(config);
  const invoke = async <T>(functionName: string, event: unknown): Promise<T> => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const payload: unknown = out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload) || 'null') : null;
    if (out.FunctionError) {
      const p = payload as { errorType?: string; errorMessage?: string } | null;
      throw new Error(
        `${functionName} failed: ${p?.errorType ?? out.FunctionError}: ${p?.errorMessage ?? ''}`,
      );
    }
    return payload as T;
  };
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const store = new DynamoStore(ddb, output('TableName'));
  // The secret's ARN is the report function's TOKEN_SECRET_ARN (no output names it).
  const tokenSecret = async (): Promise<string> => {
    const { Environment } = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: output('ReportFunctionName') }),
    );
    const arn = Environment?.Variables?.TOKEN_SECRET_ARN;
    if (!arn) throw new Error(`the report function of ${stackName} has no TOKEN_SECRET_ARN`);
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const { SecretString } = await new SecretsManagerClient(config).send(
      new GetSecretValueCommand({ SecretId: arn }),
    );
    if (!SecretString) throw new Error('the token secret is empty');
    return SecretString;
  };
  return {
    dispatch: (campaignId) => invoke(output('DispatchFunctionName'), { campaignId }),
    dispatchSmoke: (campaignId, smoke) => invoke(output('DispatchFunctionName'), { campaignId, smoke }),
    report: (campaignId, which) =>
      invoke(output('ReportFunctionName'), { campaignId, ...reportFields(which) }),
    remind: (campaignId) => invoke(output('RemindFunctionName'), { campaignId }),
    sweepActions: (campaignId) => invoke(output('ActionsFunctionName'), { campaignId }),
    status: (campaignId) => getCampaignStatus({ store, ...statusContext }, { campaignId }),
    importCustomers: (input) => importCustomers({ store }, input),
    data: {
      store,
      ddb,
      tableName: output('TableName'),
      s3: new S3Client(config),
      // Read when smoke needs them, so the other commands work with a stack that lacks these outputs.
      get bucketName() {
        return output('BucketName');
      },
      get surveyBaseUrl() {
        return output('PublicBaseUrl').replace(/\/+$/, '');
      },
      tokenSecret,
      description: `stack ${stackName}`,
    },
  };
}
