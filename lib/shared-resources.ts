import { CfnOutput, Fn, type Stack } from 'aws-cdk-lib';

/*
 * What the stateless stack uses of the stateful one, passed as CloudFormation exports with names chosen
 * here rather than CDK's generated ones. CloudFormation refuses to change or delete an export another
 * stack imports, so the list holds only values that change when the resource itself is replaced (a
 * table's name, a bucket's ARN): never a policy, a grant or anything derived from the code. Permissions
 * are granted in the stateless stack, on each function's role, from these ARNs; a new function, a new
 * grant or a reworded description changes the stateless stack only.
 */

/** The values the stateless stack imports: tokens (`Fn::ImportValue`) when imported, names when exported. */
export interface SharedResources {
  tableName: string;
  tableArn: string;
  bucketName: string;
  bucketArn: string;
  tokenSecretArn: string;
  configurationSetName: string;
  /** The custom domain (apigatewayv2 DomainName) the HTTP API is mapped to, when there is one. */
  apiDomainName?: string;
}

type SharedKey = keyof SharedResources;

/** Export name suffixes, in the order the exports are listed. */
const EXPORTED: Record<SharedKey, string> = {
  tableName: 'TableName',
  tableArn: 'TableArn',
  bucketName: 'BucketName',
  bucketArn: 'BucketArn',
  tokenSecretArn: 'TokenSecretArn',
  configurationSetName: 'ConfigurationSetName',
  apiDomainName: 'ApiDomainName',
};

/** `<stackPrefix>-<Value>`: export names are per account and region, so the prefix keeps deployments apart. */
export function exportName(stackPrefix: string, key: SharedKey): string {
  return `${stackPrefix}-${EXPORTED[key]}`;
}

/** Adds one output with an explicit export name per value (the stateful stack calls this once). */
export function exportSharedResources(stack: Stack, stackPrefix: string, values: SharedResources): void {
  for (const key of Object.keys(EXPORTED) as SharedKey[]) {
    const value = values[key];
    if (value === undefined) continue;
    new CfnOutput(stack, `Export${EXPORTED[key]}`, {
      value,
      exportName: exportName(stackPrefix, key),
      description: `csat: imported by the stateless stack; changes only when the resource is replaced`,
    });
  }
}

/** The same values in the importing stack, as `Fn::ImportValue` of the export names. */
export function importSharedResources(stackPrefix: string, withApiDomain: boolean): SharedResources {
  const imported = (key: SharedKey) => Fn.importValue(exportName(stackPrefix, key));
  return {
    tableName: imported('tableName'),
    tableArn: imported('tableArn'),
    bucketName: imported('bucketName'),
    bucketArn: imported('bucketArn'),
    tokenSecretArn: imported('tokenSecretArn'),
    configurationSetName: imported('configurationSetName'),
    ...(withApiDomain ? { apiDomainName: imported('apiDomainName') } : {}),
  };
}
