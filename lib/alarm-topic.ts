import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** The topic every alarm notifies (id AlarmTopic in `scope`), with the operators' address subscribed. */
export function alarmTopic(scope: Construct, email: string | undefined): Topic {
  // The topic keeps its id in the stack: a new topic would need its email subscription confirmed again.
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'csat alarms', enforceSSL: true });
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'Alarm notifications carry a queue name and a count, no personal data. CloudWatch cannot publish ' +
      'to a topic encrypted with the AWS managed SNS key, and a customer managed key would cost more ' +
      'than the idle stack.',
  });
  // enforceSSL writes a topic policy, and a topic policy replaces SNS's default one: without this
  // statement CloudWatch may not publish, and every alarm action fails ("not authorized to perform
  // SNS:Publish") while the alarms still change state in the console.
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  if (email) topic.addSubscription(new EmailSubscription(email));
  return topic;
}
