import { createRequire } from 'node:module';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type AuthorizationRequest, authorizationRequests } from './requests.ts';
import { currentFunction } from './scope.ts';
import {
  ACCOUNT,
  functionPolicies,
  type PhysicalNames,
  type PolicyDocument,
  physicalNamesFromEnv,
  type StackTemplates,
} from './template-policies.ts';

/*
 * AWS's IAM check on the emulators, which check none: every SDK call a handler makes (inside its
 * function scope, test/iam/scope.ts) is evaluated with a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate) against the policies of that function's role as `cdk synth` produces
 * them, on the ARNs AWS would use. A denied call throws what AWS would throw (so the handler meets the
 * error it would meet in AWS) and is recorded, so the test fails even if the handler swallows the error.
 * S3 answers a missing key with 403 unless the caller may s3:ListBucket the bucket, as AWS does.
 */

export interface Denial {
  fn: string;
  action: string;
  resource: string;
  reason: string;
}

export interface IamModel {
  /** The synthesized app's templates, by stack name. */
  templates: StackTemplates;
  /** The SES identities the stack sends as (what ops verify in SES). */
  verifiedIdentities: string[];
}

interface SdkClient {
  config: { serviceId?: string };
}
interface SdkCommand {
  input: Record<string, unknown>;
  clientCommand?: SdkCommand;
}
type Send = (this: SdkClient, command: SdkCommand, ...rest: unknown[]) => Promise<unknown>;

/** What the patched Client.send calls: replaced by each test file's guard (handler modules are per file). */
const HOOK = Symbol.for('csat.iam.hook');
type Hook = (client: SdkClient, command: SdkCommand, send: () => Promise<unknown>) => Promise<unknown>;
const globals = globalThis as { [HOOK]?: Hook };

/** Patches the SDK's one Client class (every v3 client and lib-dynamodb's extend it) once per process. */
function patchSdkClient(): void {
  const { Client } = createRequire(import.meta.url)('@smithy/core/client') as {
    Client: { prototype: { send: Send; [HOOK]?: true } };
  };
  if (Client.prototype[HOOK]) return;
  const original = Client.prototype.send;
  Client.prototype.send = function (this: SdkClient, command: SdkCommand, ...rest: unknown[]) {
    const hook = globals[HOOK];
    if (!hook || rest.some((r) => typeof r === 'function')) return original.call(this, command, ...rest);
    return hook(this, command, () => original.call(this, command, ...rest));
  };
  Client.prototype[HOOK] = true;
}

/** An error shaped as the SDK throws AWS's access-denied answers. */
function accessDenied(service: string, name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    $service: service,
  });
}

const DENIED_NAME: Record<string, string> = {
  DynamoDB: 'AccessDeniedException',
  S3: 'AccessDenied',
  SES: 'AccessDenied',
  SQS: 'AccessDenied',
  'Secrets Manager': 'AccessDeniedException',
};

export class IamGuard {
  private readonly denials: Denial[] = [];
  /** Every allowed request, by `fn action resource`: which grants the tests exercise (test/iam/coverage.ts). */
  readonly allowed = new Map<string, { fn: string; action: string; resource: string }>();
  private policies?: { key: string; byFunction: Map<string, PolicyDocument[]> };
  /** Tests may evaluate with other policies (a grant removed): see `withPolicies`. */
  private override?: Map<string, PolicyDocument[]>;

  constructor(private readonly model: IamModel) {}

  install(): this {
    patchSdkClient();
    globals[HOOK] = (client, command, send) => this.check(client, command, send);
    return this;
  }

  /** The denials recorded since the last call, which are cleared. */
  takeDenials(): Denial[] {
    return this.denials.splice(0);
  }

  /** Runs `work` with each function's policies as `edit` returns them (e.g. one grant removed). */
  async withPolicies<T>(
    edit: (fn: string, docs: PolicyDocument[]) => PolicyDocument[],
    work: () => Promise<T>,
  ): Promise<T> {
    const current = this.policiesFor(physicalNamesFromEnv());
    this.override = new Map([...current].map(([fn, docs]) => [fn, edit(fn, structuredClone(docs))]));
    try {
      return await work();
    } finally {
      this.override = undefined;
    }
  }

  /** Each function's resolved policies for the resources as named now (the env may point elsewhere). */
  policiesFor(names: PhysicalNames): Map<string, PolicyDocument[]> {
    const key = JSON.stringify(names);
    if (this.policies?.key !== key) {
      this.policies = { key, byFunction: functionPolicies(this.model.templates, names) };
    }
    return this.policies.byFunction;
  }

  async evaluate(fn: string, request: AuthorizationRequest): Promise<string | undefined> {
    const docs = this.override?.get(fn) ?? this.policiesFor(physicalNamesFromEnv()).get(fn);
    if (!docs) return `no role for function ${fn} in the synthesized app`;
    const result = await runSimulation(
      {
        identityPolicies: docs.map((policy, i) => ({ name: `${fn}-${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action: request.action,
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/csat-${fn}/${fn}`,
          resource: { accountId: ACCOUNT, resource: request.resource },
          contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
        },
      },
      {},
    );
    if (result.resultType === 'error')
      return `the policy evaluator refused the request: ${JSON.stringify(result.errors)}`;
    return result.overallResult === 'Allowed' ? undefined : `${result.overallResult} by the role's policies`;
  }

  /**
   * For what a function's role authorises that no SDK call of the tests shows: a URL it presigned (S3
   * checks the signer's role when the URL is used) or a secret the tests hand over directly. Denials are
   * recorded as for calls; allowed requests count as exercised grants.
   */
  async authorize(fn: string, request: AuthorizationRequest): Promise<string | undefined> {
    const reason = await this.evaluate(fn, request);
    if (reason) this.denials.push({ fn, ...request, reason });
    else this.recordAllowed(fn, request.action, request.resource);
    return reason;
  }

  /** A GetObject URL presigned by `fn`, authorised as S3 does when the URL is fetched. */
  authorizePresignedGet(fn: string, url: string): Promise<string | undefined> {
    const { hostname, pathname } = new URL(url);
    const path = decodeURIComponent(pathname.slice(1));
    // Virtual-hosted (AWS's default: <bucket>.s3.<region>.amazonaws.com/<key>) or path-style (<bucket>/<key>).
    const hosted = /^(.+)\.s3[.-]/.exec(hostname)?.[1];
    const object = hosted ? `${hosted}/${path}` : path;
    return this.authorize(fn, { action: 's3:GetObject', resource: `arn:aws:s3:::${object}` });
  }

  /** Recorded with the resources' names as placeholders, so every test file's records compare. */
  private recordAllowed(fn: string, action: string, resource: string): void {
    const generic = genericResource(resource, physicalNamesFromEnv());
    this.allowed.set(`${fn} ${action} ${generic}`, { fn, action, resource: generic });
  }

  private async check(
    client: SdkClient,
    command: SdkCommand,
    send: () => Promise<unknown>,
  ): Promise<unknown> {
    const scope = currentFunction();
    if (!scope) return send();
    const service = client.config.serviceId ?? 'unknown';
    const name = (command.clientCommand ?? command).constructor.name.replace(/Command$/, '');
    const region = physicalNamesFromEnv().region;
    let requests: AuthorizationRequest[];
    try {
      requests = authorizationRequests(service, name, command.input, {
        region,
        verifiedIdentities: this.model.verifiedIdentities,
      });
    } catch (e) {
      const reason = (e as Error).message;
      this.denials.push({ fn: scope.fn, action: `${service}:${name}`, resource: '-', reason });
      throw accessDenied(service, DENIED_NAME[service] ?? 'AccessDenied', 403, reason);
    }
    for (const request of requests) {
      const reason = await this.evaluate(scope.fn, request);
      if (reason) {
        this.denials.push({ fn: scope.fn, ...request, reason });
        throw accessDenied(
          service,
          DENIED_NAME[service] ?? 'AccessDenied',
          service === 'DynamoDB' ? 400 : 403,
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/csat-${scope.fn}/${scope.fn} is not authorized to perform: ` +
            `${request.action} on resource: ${request.resource} (${reason})`,
        );
      }
    }
    for (const request of requests) this.recordAllowed(scope.fn, request.action, request.resource);
    try {
      return await send();
    } catch (e) {
      // S3 says whether a key exists only to a caller that may list the bucket; to others it is a 403.
      const missing = (e as { name?: string }).name;
      if (service === 'S3' && (missing === 'NoSuchKey' || missing === 'NotFound')) {
        const bucket = `arn:aws:s3:::${String(command.input.Bucket)}`;
        if (await this.evaluate(scope.fn, { action: 's3:ListBucket', resource: bucket })) {
          throw accessDenied(
            'S3',
            name === 'HeadObject' ? 'Forbidden' : 'AccessDenied',
            403,
            'Access Denied',
          );
        }
        this.recordAllowed(scope.fn, 's3:ListBucket', bucket);
      }
      throw e;
    }
  }
}

/** What the resources are called in the coverage of grants, whatever a test file named them. */
export const GENERIC_NAMES: PhysicalNames = {
  region: 'us-east-1',
  tableName: '{table}',
  bucketName: '{bucket}',
  sendQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/{send-queue}`,
  dispatchQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/{dispatch-queue}`,
  configurationSetName: '{configuration-set}',
};

function genericResource(resource: string, names: PhysicalNames): string {
  const queue = new URL(names.sendQueueUrl).pathname.split('/').at(-1) ?? '';
  const tasks = new URL(names.dispatchQueueUrl).pathname.split('/').at(-1) ?? '';
  // A queue's account too: the local endpoint's (000000000000) is not the synthesized one.
  return resource
    .replace(`:table/${names.tableName}`, `:table/${GENERIC_NAMES.tableName}`)
    .replace(`:::${names.bucketName}`, `:::${GENERIC_NAMES.bucketName}`)
    .replace(new RegExp(`:\\d{12}:${queue}$`), `:${ACCOUNT}:{send-queue}`)
    .replace(new RegExp(`:\\d{12}:${tasks}$`), `:${ACCOUNT}:{dispatch-queue}`)
    .replace(
      `:configuration-set/${names.configurationSetName}`,
      `:configuration-set/${GENERIC_NAMES.configurationSetName}`,
    );
}

export function describeDenials(denials: readonly Denial[]): string {
  return denials.map((d) => `  - function ${d.fn}: ${d.action} on ${d.resource} — ${d.reason}`).join('\n');
}
