import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { DomainName, EndpointType, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../functions/adapters/dynamo-store.ts';
import { REPORTS_PREFIX } from '../functions/domain/report/document.ts';
import type { StackConfig } from './config.ts';
import { exportSharedResources } from './shared-resources.ts';

export interface StatefulStackProps extends StackProps {
  config: StackConfig;
}

/** Where the report function writes and report links read (functions/domain/report/document.ts). */
export { REPORTS_PREFIX };

export function removalPolicyOf(config: StackConfig): RemovalPolicy {
  return config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

/**
 * What holds data and must survive a redeploy of the code: the table, the report bucket, the key that
 * signs survey links (replacing it would break every link already sent), the SES configuration set and
 * the links' custom domain (emailed links must outlive the stateless stack). Each takes the configured
 * removal policy explicitly; the default keeps them when the stack goes. Access to them is granted in the
 * stateless stack, which imports the few values lib/shared-resources.ts exports.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly bucket: Bucket;
  readonly tokenSecret: Secret;
  readonly configurationSet: ConfigurationSet;
  /** The custom domain of the survey, unsubscribe and report links, when `domainName` is set. */
  readonly apiDomain: DomainName | undefined;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);
    const destroy = removalPolicy === RemovalPolicy.DESTROY;

    // The single-table layout functions/adapters/dynamo-store.ts reads and writes.
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: TABLE_KEYS.gsi1.name,
          partitionKey: { name: TABLE_KEYS.gsi1.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE_KEYS.gsi1.sortKey, type: AttributeType.STRING },
        },
        {
          indexName: TABLE_KEYS.gsi2.name,
          partitionKey: { name: TABLE_KEYS.gsi2.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE_KEYS.gsi2.sortKey, type: AttributeType.STRING },
        },
      ],
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Every item holding personal data carries purgeAt (epoch seconds); DynamoDB deletes it after.
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      deletionProtection: !destroy,
      removalPolicy,
    });

    // Requests for reports (presigned links carry who asked): kept as long as the reports themselves.
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(config.retentionDays) }],
      removalPolicy,
      autoDeleteObjects: destroy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the report bucket; logging its own access would write a log ' +
        'object for every log object delivered.',
    });

    this.bucket = new Bucket(this, 'Reports', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports-bucket/',
      // responses.csv holds customers' answers: it goes when the retention period is over.
      lifecycleRules: [
        {
          expiration: Duration.days(config.retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects: destroy,
    });

    this.tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'csat: HMAC key that signs survey, unsubscribe and report links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key signs links already sitting in customers’ and managers’ inboxes; rotating it would break every ' +
        'open survey, unsubscribe and report link. It is 64 random characters, readable only by the three ' +
        'functions that sign or check links.',
    });

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.applyRemovalPolicy(removalPolicy);
    // Bounces and complaints go to the default bus, where the stateless stack's rule hands them to the
    // ses-events function, which suppresses the customer. Only these two: every other event would be an
    // invocation for nothing.
    this.configurationSet.addEventDestination('FeedbackToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    // Regional, in this stack: the stateless stack maps its HTTP API to it, and a replaced stateless stack
    // maps its new API to the same name, so links already in inboxes keep working. DNS (a CNAME or an
    // alias record to the regional target below) is set up wherever the domain's zone lives.
    this.apiDomain = config.domain
      ? new DomainName(this, 'ApiDomain', {
          domainName: config.domain.name,
          certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', config.domain.certificateArn),
          endpointType: EndpointType.REGIONAL,
          securityPolicy: SecurityPolicy.TLS_1_2,
        })
      : undefined;
    if (this.apiDomain) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: this.apiDomain.regionalDomainName,
        description: `DNS: point ${config.domain?.name} here (CNAME, or an alias record with the zone id below)`,
      });
      new CfnOutput(this, 'ApiDomainHostedZoneId', { value: this.apiDomain.regionalHostedZoneId });
    }

    exportSharedResources(this, config.stackPrefix, {
      tableName: this.table.tableName,
      tableArn: this.table.tableArn,
      bucketName: this.bucket.bucketName,
      bucketArn: this.bucket.bucketArn,
      tokenSecretArn: this.tokenSecret.secretArn,
      configurationSetName: this.configurationSet.configurationSetName,
      ...(this.apiDomain ? { apiDomainName: this.apiDomain.name } : {}),
    });
  }
}
