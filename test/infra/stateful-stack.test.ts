import type { CfnElement } from 'aws-cdk-lib';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../functions/adapters/dynamo-store.ts';
import { reportKeys } from '../../functions/domain/report/document.ts';
import { REPORTS_PREFIX } from '../../lib/stateful-stack.ts';
import { logicalId, resourcesOf, type Synthesised, synthCsat } from './synth.ts';

describe('StatefulStack', () => {
  let retained: Synthesised;
  let destroyed: Synthesised;

  beforeAll(() => {
    retained = synthCsat();
    destroyed = synthCsat({ removalPolicy: 'destroy', retentionDays: '30' });
  });

  describe('table', () => {
    it('should have the keys and index functions/adapters/dynamo-store.ts reads and writes', () => {
      retained.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE_KEYS.gsi1.name,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: TABLE_KEYS.gsi2.name,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi2.partitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.gsi2.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.gsi1.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.gsi1.sortKey, AttributeType: 'S' },
        ]),
      });
    });

    it('should bill on demand, expire items by purgeAt and keep point-in-time recovery', () => {
      retained.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      });
    });

    it('should be retained by default and deleted (without deletion protection) when removalPolicy=destroy', () => {
      retained.statefulTemplate.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      destroyed.statefulTemplate.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({
          Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
        }),
      });
    });
  });

  describe('report bucket', () => {
    const reportsBucketId = () => logicalId(retained.stateful.bucket.node.defaultChild as never);

    it('should block all public access, encrypt, and log access to the access-log bucket', () => {
      const logBucket = new Capture();
      retained.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logBucket } },
      });
      expect(logBucket.asString()).not.toBe(reportsBucketId());
    });

    it('should refuse any request that is not over TLS, on both buckets', () => {
      const policies = retained.statefulTemplate.findResources('AWS::S3::BucketPolicy');
      expect(Object.keys(policies)).toHaveLength(2);
      for (const policy of Object.values(policies)) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('should expire objects after the configured retention', () => {
      const expiring = (days: number) => ({
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: days })]) },
      });
      expect(
        Object.keys(
          retained.statefulTemplate.findResources('AWS::S3::Bucket', { Properties: expiring(365) }),
        ),
      ).toHaveLength(2);
      expect(
        Object.keys(
          destroyed.statefulTemplate.findResources('AWS::S3::Bucket', { Properties: expiring(30) }),
        ),
      ).toHaveLength(2);
    });

    it('should be retained by default, and emptied and deleted when removalPolicy=destroy', () => {
      retained.statefulTemplate.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
      destroyed.statefulTemplate.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      destroyed.statefulTemplate.resourcePropertiesCountIs(
        'Custom::S3AutoDeleteObjects',
        { BucketName: { Ref: reportsBucketId() } },
        1,
      );
      retained.statefulTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });

    it('should hold no IAM policy: each function is granted access in the stateless stack', () => {
      // Arrange: the report keys the stateless stack's reports/* grants cover.
      const keys = Object.values(reportKeys('demo', 'demo-20250101T0100'));

      // Act
      const policies = Object.values(resourcesOf(retained.statefulTemplate)).filter((r) =>
        ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(r.Type),
      );

      // Assert
      for (const key of keys) expect(key.startsWith(REPORTS_PREFIX)).toBe(true);
      expect(policies).toEqual([]);
    });
  });

  describe('token secret', () => {
    it('should be generated, at least 48 characters, without punctuation', () => {
      const length = new Capture();
      retained.statefulTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { PasswordLength: length, ExcludePunctuation: true, IncludeSpace: false },
      });
      expect(length.asNumber()).toBeGreaterThanOrEqual(48);
      retained.statefulTemplate.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    });

    it('should follow the removal policy', () => {
      retained.statefulTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
      destroyed.statefulTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    });
  });

  describe('SES configuration set', () => {
    it('should keep reputation metrics and suppress addresses that bounced or complained', () => {
      retained.statefulTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
        SendingOptions: { SendingEnabled: true },
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      });
    });

    it('should publish bounces and complaints, and nothing else, to the default event bus', () => {
      const t = retained.statefulTemplate;
      t.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 1);
      t.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        ConfigurationSetName: {
          Ref: logicalId(retained.stateful.configurationSet.node.defaultChild as CfnElement),
        },
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: ['bounce', 'complaint'],
          EventBridgeDestination: {
            EventBusArn: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-bus/default$')])],
            },
          },
        },
      });
    });
  });
});
