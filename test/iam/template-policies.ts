/*
 * The IAM policies of each csat function's role, read from the CloudFormation templates `cdk synth`
 * produces, with every intrinsic (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::ImportValue, …) resolved to
 * the names and ARNs AWS would give the resources — the table, bucket and queue named as the process
 * running the handlers names them (TABLE_NAME, BUCKET_NAME, SEND_QUEUE_URL, DISPATCH_QUEUE_URL,
 * SES_CONFIGURATION_SET).
 */

export const ACCOUNT = '123456789012';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}
/** The synthesized app: each stack's name and template. */
export type StackTemplates = Record<string, CfnTemplate>;

export interface PolicyDocument {
  Version?: string;
  Statement: unknown[];
}

/** Where the resources live, as the handlers see them. */
export interface PhysicalNames {
  region: string;
  tableName: string;
  bucketName: string;
  sendQueueUrl: string;
  dispatchQueueUrl: string;
  configurationSetName: string;
}

export function physicalNamesFromEnv(env: NodeJS.ProcessEnv = process.env): PhysicalNames {
  return {
    region: env.AWS_REGION ?? 'us-east-1',
    tableName: env.TABLE_NAME ?? 'csat-table',
    bucketName: env.BUCKET_NAME ?? 'csat-bucket',
    sendQueueUrl: env.SEND_QUEUE_URL ?? `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/csat-send`,
    dispatchQueueUrl:
      env.DISPATCH_QUEUE_URL ?? `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/csat-dispatch`,
    configurationSetName: env.SES_CONFIGURATION_SET ?? 'csat-configuration-set',
  };
}

export const queueArnOf = (region: string, queueUrl: string): string => {
  // Decoded: URL escapes the braces of the generic names (`{send-queue}`), which the coverage matches.
  const parts = decodeURIComponent(new URL(queueUrl).pathname).split('/').filter(Boolean);
  return `arn:aws:sqs:${region}:${parts.at(-2) ?? ACCOUNT}:${parts.at(-1)}`;
};

class Resolver {
  private readonly exports = new Map<string, { stack: string; value: unknown }>();

  constructor(
    private readonly stacks: StackTemplates,
    private readonly names: PhysicalNames,
  ) {
    for (const [stack, template] of Object.entries(stacks)) {
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export) {
          this.exports.set(String(this.resolve(stack, output.Export.Name)), { stack, value: output.Value });
        }
      }
    }
  }

  private resource(stack: string, id: string): CfnResource {
    const r = this.stacks[stack]?.Resources?.[id];
    if (!r) throw new Error(`${stack}: no resource ${id} in the template`);
    return r;
  }

  /** The physical id `Ref` gives, as CloudFormation documents it for each type. */
  ref(stack: string, id: string): string {
    const { region, tableName, bucketName, sendQueueUrl, dispatchQueueUrl, configurationSetName } =
      this.names;
    switch (id) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack;
      case 'AWS::NoValue':
        return '';
    }
    const { Type } = this.resource(stack, id);
    switch (Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        return tableName;
      case 'AWS::S3::Bucket':
        return id.startsWith('Reports') ? bucketName : `${stack}-${id}`.toLowerCase();
      case 'AWS::SQS::Queue':
        if (id.startsWith('SendQueue')) return sendQueueUrl;
        if (id.startsWith('DispatchQueue')) return dispatchQueueUrl;
        return `https://sqs.${region}.amazonaws.com/${ACCOUNT}/${stack}-${id}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${id}-AbCdEf`;
      case 'AWS::SES::ConfigurationSet':
        return configurationSetName;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${ACCOUNT}:policy/${stack}-${id}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${ACCOUNT}:${stack}-${id}`;
      default:
        return `${stack}-${id}`;
    }
  }

  getAtt(stack: string, id: string, attribute: string): string {
    const { Type } = this.resource(stack, id);
    const name = this.ref(stack, id);
    const { region } = this.names;
    if (attribute === 'Arn') {
      switch (Type) {
        case 'AWS::DynamoDB::GlobalTable':
        case 'AWS::DynamoDB::Table':
          return `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`;
        case 'AWS::S3::Bucket':
          return `arn:aws:s3:::${name}`;
        case 'AWS::SQS::Queue':
          return queueArnOf(region, name);
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${ACCOUNT}:role/${name}`;
        case 'AWS::Lambda::Function':
          return `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
      }
    }
    if (attribute === 'QueueName' && Type === 'AWS::SQS::Queue')
      return queueArnOf(region, name).split(':')[5]!;
    return `${name}.${attribute}`;
  }

  resolve(stack: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(stack, key, arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  private intrinsic(stack: string, fn: string, arg: unknown): unknown {
    const r = (v: unknown) => this.resolve(stack, v);
    switch (fn) {
      case 'Ref':
        return this.ref(stack, String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(stack, String(id), String(attribute));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (r(parts) as unknown[]).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (r(list) as unknown[])[Number(r(index))];
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return String(r(text)).split(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in vars) return String(r(vars[name]));
          const [id, attribute] = name.split('.');
          return attribute ? this.getAtt(stack, id!, attribute) : this.ref(stack, id!);
        });
      }
      case 'Fn::ImportValue': {
        const exportName = String(r(arg));
        const exported = this.exports.get(exportName);
        if (!exported) throw new Error(`${stack} imports ${exportName}, which no stack exports`);
        return this.resolve(exported.stack, exported.value);
      }
      default:
        throw new Error(`${stack}: ${fn} is not resolved by test/iam/template-policies.ts`);
    }
  }
}

/** The handler name a csat function role belongs to, from its description `csat <handler> function`. */
const ROLE_DESCRIPTION = /^csat (\S+) function$/;

/**
 * Every identity policy attached to each csat function's role (inline, AWS::IAM::Policy and customer
 * managed policies, in any stack), resolved. Keyed by handler name (`send`, `report`, …).
 */
export function functionPolicies(
  stacks: StackTemplates,
  names: PhysicalNames,
): Map<string, PolicyDocument[]> {
  const resolver = new Resolver(stacks, names);
  const managed = new Map<string, PolicyDocument>();
  for (const [stack, template] of Object.entries(stacks)) {
    for (const [id, res] of Object.entries(template.Resources ?? {})) {
      if (res.Type === 'AWS::IAM::ManagedPolicy') {
        managed.set(
          resolver.ref(stack, id),
          resolver.resolve(stack, res.Properties?.PolicyDocument) as PolicyDocument,
        );
      }
    }
  }
  const out = new Map<string, PolicyDocument[]>();
  for (const [stack, template] of Object.entries(stacks)) {
    const resources = Object.entries(template.Resources ?? {});
    for (const [roleId, role] of resources) {
      const handler = ROLE_DESCRIPTION.exec(String(role.Properties?.Description ?? ''))?.[1];
      if (role.Type !== 'AWS::IAM::Role' || !handler) continue;
      const attachedTo = (res: CfnResource) =>
        ((res.Properties?.Roles as unknown[] | undefined) ?? []).some(
          (ref) => (ref as { Ref?: string }).Ref === roleId,
        );
      const docs: PolicyDocument[] = [];
      for (const inline of (role.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ??
        []) {
        docs.push(resolver.resolve(stack, inline.PolicyDocument) as PolicyDocument);
      }
      for (const [, res] of resources) {
        if ((res.Type === 'AWS::IAM::Policy' || res.Type === 'AWS::IAM::ManagedPolicy') && attachedTo(res)) {
          docs.push(resolver.resolve(stack, res.Properties?.PolicyDocument) as PolicyDocument);
        }
      }
      for (const arn of (resolver.resolve(stack, role.Properties?.ManagedPolicyArns ?? []) as string[]) ??
        []) {
        const doc = managed.get(arn);
        if (!doc)
          throw new Error(
            `role of ${handler}: managed policy ${arn} is not in the app; its statements are unknown`,
          );
        docs.push(doc);
      }
      out.set(handler, docs);
    }
  }
  return out;
}

/**
 * Each csat function's environment variables as deployed (intrinsics resolved), keyed by handler name:
 * what a handler reads at init, such as the ARN of the secret it will fetch.
 */
export function functionEnvironments(
  stacks: StackTemplates,
  names: PhysicalNames,
): Map<string, Record<string, string>> {
  const resolver = new Resolver(stacks, names);
  const out = new Map<string, Record<string, string>>();
  for (const [stack, template] of Object.entries(stacks)) {
    const resources = template.Resources ?? {};
    for (const fn of Object.values(resources)) {
      if (fn.Type !== 'AWS::Lambda::Function') continue;
      const roleId = (fn.Properties?.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0];
      const description = String(resources[roleId ?? '']?.Properties?.Description ?? '');
      const handler = ROLE_DESCRIPTION.exec(description)?.[1];
      if (!handler) continue;
      const variables = (fn.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
      out.set(handler, resolver.resolve(stack, variables) as Record<string, string>);
    }
  }
  return out;
}
