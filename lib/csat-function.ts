import { type Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../functions/domain/actions/events.ts';
import {
  assertLocalEsbuild,
  cdkBundlingOptions,
  HANDLERS,
  type HandlerName,
  LAMBDA_NODE_OPTIONS,
  PROJECT_ROOT,
} from './bundling.ts';

export interface CsatFunctionProps {
  /** Which `functions/handlers/<name>/index.ts` this function runs. */
  handler: HandlerName;
  description: string;
  /** MB; more memory is also more CPU, which is what cold starts and MIME building spend. */
  memorySize: number;
  timeout: Duration;
  environment?: Record<string, string>;
  logRetention?: RetentionDays;
  /** For the log group: the function's logs outlive the stack when the stack's data does. */
  removalPolicy: RemovalPolicy;
}

export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'Query' | 'BatchGetItem';
/** s3:PutObject also authorises a multipart upload's parts; AbortMultipartUpload ends a failed one. */
export type ObjectAction = 'GetObject' | 'PutObject' | 'AbortMultipartUpload';

/**
 * The one Lambda function construct: Node.js 22 on arm64, an ESM bundle built locally by esbuild with
 * the options the benchmark measures, X-Ray tracing, its own log group with a retention, and a role that
 * starts with nothing but writing to that log group. Each `grant*` helper adds exactly one permission
 * the handler's code uses, on exactly the resource it uses it on.
 */
export class CsatFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CsatFunctionProps) {
    super(scope, id);
    assertLocalEsbuild();

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    // An own role instead of the default one, which attaches AWSLambdaBasicExecutionRole (logs:* on any
    // log group in the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `csat ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: HANDLERS[props.handler],
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      bundling: cdkBundlingOptions(),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'csat',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        ...props.environment,
      },
    });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level ' +
        'permissions, so AWS requires "*". The infra tests check that no other statement uses "*".',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundles target node22 and the benchmark measures them so; ' +
        'the runtime moves together with lib/bundling.ts, not whenever CDK learns a newer one.',
    });
  }

  /** DynamoDB item actions on the table, and on the named indexes when the handler queries them. */
  grantTable(table: { tableArn: string }, actions: TableAction[], indexes: readonly string[] = []): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
  }

  /** DynamoDB actions on the named indexes only (Query, Scan: the only ones that apply to an index). */
  grantIndexes(table: { tableArn: string }, actions: Array<'Query'>, indexes: readonly string[]): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
      }),
    );
  }

  /** Reads the secret's value (GetSecretValue only; the handler never describes or lists it). */
  grantSecretValue(secretArn: string): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
    );
  }

  /**
   * Object actions on the keys `pattern` matches in the bucket (`reports/*`, `imports/*.report.json`).
   * A pattern with a wildcard is a cdk-nag IAM5 finding: `why` says why that wildcard is as narrow as the
   * keys allow, and acknowledges exactly that finding on this function.
   */
  grantObjects(bucket: { bucketArn: string }, pattern: string, actions: ObjectAction[], why?: string): void {
    const resource = `${bucket.bucketArn}/${pattern}`;
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: actions.map((a) => `s3:${a}`), resources: [resource] }),
    );
    if (!pattern.includes('*')) return;
    if (!why)
      throw new Error(`grantObjects(${pattern}): a wildcard needs a reason (cdk-nag AwsSolutions-IAM5)`);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagName(this, resource)}]`,
      reason: why,
    });
  }

  /**
   * s3:ListBucket on the bucket itself. Not for listing: without it S3 answers a GetObject of a missing
   * key with 403 AccessDenied instead of 404 NoSuchKey, and the handler cannot tell "not there yet" from
   * "not allowed". No s3:prefix condition: a GetObject request carries no s3:prefix key, so a ListBucket
   * limited to a prefix would not turn that 403 into a 404.
   */
  grantListBucket(bucket: { bucketArn: string }): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }

  /**
   * ses:SendRawEmail, scoped to the sending identity and the configuration set: SES checks the
   * permission against both when a message names a configuration set.
   */
  grantSendRawEmail(identityArn: string, configurationSetArn: string): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ses:SendRawEmail'], resources: [identityArn, configurationSetArn] }),
    );
  }

  /**
   * ses:GetSendQuota, which reads the account's sending rate. It supports no resource-level permissions,
   * so AWS requires "*"; it reveals quota numbers only.
   */
  grantGetSendQuota(): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:GetSendQuota supports no resource-level permissions, so AWS requires "*"; it reads the ' +
        "account's sending rate, which the send function paces itself by, and nothing else.",
    });
  }

  /**
   * events:PutEvents on the account's default bus, for csat's own events only (condition events:source =
   * csat, domain/actions/events.ts). The function learns nothing else about the bus.
   */
  grantPutEvents(): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
        // events:source is multi-valued (ArrayOfString in the service authorization reference): a plain
        // StringEquals never matches it. ForAnyValue needs the source present and csat's (ForAllValues would
        // also match a request without one).
        conditions: { 'ForAnyValue:StringEquals': { 'events:source': EVENT_SOURCE } },
      }),
    );
  }

  /** sqs:SendMessage only: SendMessageBatch is authorised by it, and the queue URL comes from env. */
  grantSendMessages(queue: IQueue): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
  }
}

/**
 * How cdk-nag names a resource in an IAM5 finding: CloudFormation intrinsics written as `<LogicalId.Arn>`
 * or, for an import, `<ExportName>`, joined with the literal parts.
 */
function nagName(scope: Construct, resource: string): string {
  const resolved: unknown = Stack.of(scope).resolve(resource);
  const part = (p: unknown): string => {
    if (typeof p === 'string') return p;
    const o = p as Record<string, unknown>;
    if (o.Ref) return `<${o.Ref}>`;
    if (o['Fn::GetAtt']) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if (o['Fn::ImportValue']) return String(o['Fn::ImportValue']);
    return JSON.stringify(p);
  };
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join ? join[1].map(part).join(join[0]) : part(resolved);
}
