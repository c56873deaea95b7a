import { type Stack, Validations } from 'aws-cdk-lib';
import { Bucket, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { IMPORTS_PREFIX } from '../functions/domain/customers/import-file.ts';
import type { CsatFunction } from './csat-function.ts';
import type { SharedResources } from './shared-resources.ts';

/*
 * The notification lives here, on a reference to the bucket, not on the bucket in the stateful stack:
 * there it would need this function's ARN while this stack already needs the bucket's name, a
 * cross-stack cycle. CDK writes it with its BucketNotifications custom resource, which for a
 * referenced bucket adds these two configurations and leaves any others on the bucket alone. An S3
 * filter is one prefix and one suffix, so the .json one also matches the reports written beside the
 * files; the handler ignores *.report.json without writing, which ends that loop at one invocation.
 */
export function notifyOnImports(stack: Stack, shared: SharedResources, importCustomers: CsatFunction): void {
  const importsBucket = Bucket.fromBucketAttributes(stack, 'ImportsBucket', {
    bucketArn: shared.bucketArn,
    bucketName: shared.bucketName,
  });
  for (const suffix of ['.csv', '.json']) {
    importsBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(importCustomers.fn), {
      prefix: IMPORTS_PREFIX,
      suffix,
    });
  }
  const notificationsHandler = stack.node
    .findAll()
    .find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (notificationsHandler) {
    Validations.of(notificationsHandler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's own handler that writes the bucket's notification configuration once per deploy; its " +
          'role and policy are fixed by CDK and it never sees customer data.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CDK\'s bucket-notifications handler is granted s3:PutBucketNotification on "*" by CDK; it runs ' +
          'at deploy time only, for the imports/ trigger.',
      },
    );
  }
}
