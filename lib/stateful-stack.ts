import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../functions/adapters/dynamo-store.ts';
import { IMPORTS_PREFIX, REPORT_SUFFIX } from '../functions/domain/customers/import-file.ts';
import { REPORTS_PREFIX } from '../functions/domain/report/document.ts';
import type { StackConfig } from './config.ts';

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
 * signs survey links (replacing it would break every link already sent) and the SES configuration set.
 * Each takes the configured removal policy explicitly; the default keeps them when the stack goes.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly bucket: Bucket;
  /** Put objects under reports/: attached to the report function's role. */
  readonly reportsWrite: ManagedPolicy;
  /** Get objects under reports/: attached to the survey page's role, which answers report links. */
  readonly reportsRead: ManagedPolicy;
  /** Get files under imports/, put their reports beside them: attached to the import function's role. */
  readonly importsAccess: ManagedPolicy;
  readonly tokenSecret: Secret;
  readonly configurationSet: ConfigurationSet;
  /** `arn:…:ses:<region>:<account>:configuration-set/<name>`, what ses:SendRawEmail is scoped to. */
  readonly configurationSetArn: string;

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

    // Defined here, beside the bucket, rather than as grants in the stateless stack: cdk-nag names the
    // wildcard by the bucket's logical id here, which is stable, instead of by a generated export name.
    // Writing and reading are separate policies: the report function writes and never reads; the survey
    // page presigns reads for report links and never writes.
    const reports = this.bucket.arnForObjects(`${REPORTS_PREFIX}*`);
    // The id stays 'ReportsAccess' (what this policy was called when it also allowed GetObject): the
    // stateless stack imports its ARN, and a new id would remove an export that is still in use.
    this.reportsWrite = new ManagedPolicy(this, 'ReportsAccess', {
      description: 'csat: write reports under reports/',
      // responses.csv goes up in parts (multipart upload, all under s3:PutObject); a run that fails midway
      // aborts its upload rather than leave its parts to the bucket's one-day lifecycle rule.
      statements: [
        new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [reports] }),
      ],
    });
    this.reportsRead = new ManagedPolicy(this, 'ReportsRead', {
      description: 'csat: read reports under reports/, to presign the redirect of a report link',
      statements: [new PolicyStatement({ actions: ['s3:GetObject'], resources: [reports] })],
    });
    const bucketId = this.resolve(this.getLogicalId(this.bucket.node.defaultChild as CfnBucket));
    for (const policy of [this.reportsWrite, this.reportsRead]) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${REPORTS_PREFIX}*]`,
        reason:
          'Report keys are reports/{campaign}/{wave}/…, created as waves happen; the wildcard is limited to ' +
          'that prefix of the one report bucket.',
      });
    }

    this.importsAccess = new ManagedPolicy(this, 'ImportsAccess', {
      description: 'csat: read customer files under imports/ and write their reports beside them',
      statements: [
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects(`${IMPORTS_PREFIX}*`)],
        }),
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`${IMPORTS_PREFIX}*${REPORT_SUFFIX}`)],
        }),
      ],
    });
    for (const pattern of [`${IMPORTS_PREFIX}*`, `${IMPORTS_PREFIX}*${REPORT_SUFFIX}`]) {
      Validations.of(this.importsAccess).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${pattern}]`,
        reason:
          'Customer files are put under imports/ with names people choose; the function reads only that ' +
          'prefix and writes only *.report.json there.',
      });
    }

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
    this.configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }
}
