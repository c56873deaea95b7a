/*
 * What AWS authorises for each SDK call the handlers make: the IAM action(s), on the resource ARN(s) AWS
 * names in its authorisation check, with the request's condition keys. A call with no entry here is
 * refused by the IAM guard, so a new kind of call gets its mapping (checked against the AWS Service
 * Authorization Reference) before it can pass a test.
 */
import { ACCOUNT, queueArnOf } from './template-policies.ts';

export interface AuthorizationRequest {
  action: string;
  resource: string;
  context?: Record<string, string>;
}

type Input = Record<string, unknown>;

const DYNAMO_ITEM_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

function dynamodb(region: string, command: string, input: Input): AuthorizationRequest[] {
  const table = (name: unknown) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${String(name)}`;
  switch (command) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
    case 'DescribeTable':
      return [{ action: `dynamodb:${command}`, resource: table(input.TableName) }];
    case 'Query':
    case 'Scan':
      return [
        {
          action: `dynamodb:${command}`,
          resource: input.IndexName
            ? `${table(input.TableName)}/index/${String(input.IndexName)}`
            : table(input.TableName),
        },
      ];
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as Input | undefined) ?? {}).map((name) => ({
        action: `dynamodb:${command}`,
        resource: table(name),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      // Each part is authorised as the single-item action it performs.
      return ((input.TransactItems as Input[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, part]) => ({
          action: `dynamodb:${DYNAMO_ITEM_ACTIONS[kind] ?? kind}`,
          resource: table((part as Input).TableName),
        })),
      );
    default:
      return unmapped('DynamoDB', command);
  }
}

const S3_OBJECT_ACTIONS: Record<string, string> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListParts: 's3:ListMultipartUploadParts',
  DeleteObject: 's3:DeleteObject',
};

function s3(command: string, input: Input): AuthorizationRequest[] {
  const bucket = `arn:aws:s3:::${String(input.Bucket)}`;
  const objectAction = S3_OBJECT_ACTIONS[command];
  if (objectAction) return [{ action: objectAction, resource: `${bucket}/${String(input.Key)}` }];
  switch (command) {
    case 'ListObjectsV2':
    case 'ListObjects':
      return [
        {
          action: 's3:ListBucket',
          resource: bucket,
          context: input.Prefix !== undefined ? { 's3:prefix': String(input.Prefix) } : {},
        },
      ];
    case 'CreateBucket':
      return [{ action: 's3:CreateBucket', resource: bucket }];
    default:
      return unmapped('S3', command);
  }
}

/** The address in a From header or Source: `Name <a@b>` or `a@b`. */
export function senderAddress(input: Input): string | undefined {
  if (typeof input.Source === 'string') return /<([^>]+)>/.exec(input.Source)?.[1] ?? input.Source;
  const data = (input.RawMessage as { Data?: Uint8Array | string } | undefined)?.Data;
  if (data === undefined) return undefined;
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  const headers = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const from = /^From:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1];
  if (!from) return undefined;
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

/**
 * The identity SES authorises a send against: the most specific verified identity covering the sender
 * (the address, else its domain, else a parent domain). `verified` is what the stack verifies.
 */
export function sendingIdentity(from: string, verified: readonly string[]): string | undefined {
  const address = from.toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const labels = domain.split('.');
  const candidates = [address, ...labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'))];
  return candidates.find((c) => verified.includes(c));
}

function ses(
  region: string,
  command: string,
  input: Input,
  verified: readonly string[],
): AuthorizationRequest[] {
  switch (command) {
    case 'GetSendQuota':
    case 'GetSendStatistics':
      return [{ action: `ses:${command}`, resource: '*' }];
    case 'SendRawEmail':
    case 'SendEmail': {
      const from = senderAddress(input);
      const identity = from ? sendingIdentity(from, verified) : undefined;
      if (!identity) {
        throw new Error(
          `SES refuses ${command}: ${from ?? 'no sender'} is not covered by a verified identity (${verified.join(', ')})`,
        );
      }
      const arn = (kind: string, name: string) => `arn:aws:ses:${region}:${ACCOUNT}:${kind}/${name}`;
      return [
        { action: `ses:${command}`, resource: arn('identity', identity) },
        ...(input.ConfigurationSetName
          ? [
              {
                action: `ses:${command}`,
                resource: arn('configuration-set', String(input.ConfigurationSetName)),
              },
            ]
          : []),
      ];
    }
    default:
      return unmapped('SES', command);
  }
}

const SQS_ACTIONS: Record<string, string> = {
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
};

function sqs(region: string, command: string, input: Input): AuthorizationRequest[] {
  const action = SQS_ACTIONS[command];
  if (!action) return unmapped('SQS', command);
  return [{ action, resource: queueArnOf(region, String(input.QueueUrl)) }];
}

/**
 * PutEvents is authorised per entry on the bus it names (the default bus when none), with the entry's
 * source and detail type as condition keys (`events:source`, `events:detail-type`).
 */
function eventBridge(region: string, command: string, input: Input): AuthorizationRequest[] {
  if (command !== 'PutEvents') return unmapped('EventBridge', command);
  return ((input.Entries as Input[] | undefined) ?? []).map((entry) => {
    const bus = String(entry.EventBusName ?? 'default');
    return {
      action: 'events:PutEvents',
      resource: bus.startsWith('arn:') ? bus : `arn:aws:events:${region}:${ACCOUNT}:event-bus/${bus}`,
      context: { 'events:source': String(entry.Source), 'events:detail-type': String(entry.DetailType) },
    };
  });
}

function unmapped(service: string, command: string): never {
  throw new Error(`no IAM mapping for ${service} ${command}: add it to test/iam/requests.ts`);
}

/** The authorisation requests AWS makes for one SDK call (`command` without its `Command` suffix). */
export function authorizationRequests(
  serviceId: string,
  command: string,
  input: Input,
  options: { region: string; verifiedIdentities: readonly string[] },
): AuthorizationRequest[] {
  switch (serviceId) {
    case 'DynamoDB':
      return dynamodb(options.region, command, input);
    case 'S3':
      return s3(command, input);
    case 'SES':
      return ses(options.region, command, input, options.verifiedIdentities);
    case 'SQS':
      return sqs(options.region, command, input);
    case 'EventBridge':
      return eventBridge(options.region, command, input);
    case 'Secrets Manager':
      if (command === 'GetSecretValue') {
        return [{ action: 'secretsmanager:GetSecretValue', resource: String(input.SecretId) }];
      }
      return unmapped(serviceId, command);
    default:
      return unmapped(serviceId, command);
  }
}
