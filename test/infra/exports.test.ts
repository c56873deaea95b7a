import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/csat-app.ts';
import { CsatFunction } from '../../lib/csat-function.ts';
import { programme } from '../../programme/index.ts';
import { CDK_JSON_CONTEXT, id, type Synthesised, synthCsat, TEST_CONTEXT } from './synth.ts';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7';

/** The exports of a template as "name → value", the value as CloudFormation writes it. */
function exportsOf(template: Template): Record<string, unknown> {
  const outputs = (template.toJSON().Outputs ?? {}) as Record<
    string,
    { Value: unknown; Export?: { Name: unknown } }
  >;
  return Object.fromEntries(
    Object.values(outputs)
      .filter((o) => o.Export)
      .map((o) => [String(o.Export!.Name), o.Value]),
  );
}

/** Every export name the template imports. */
function importsOf(template: Template): string[] {
  return [...JSON.stringify(template.toJSON()).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]!);
}

/** The app as `cdk synth` builds it, for a test to change the stateless stack before synthesising. */
function unsynthesised() {
  return buildApp(programme, {
    context: { ...CDK_JSON_CONTEXT, ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
    warn: () => {},
  });
}

describe('cross-stack exports', () => {
  let s: Synthesised;
  let withDomain: Synthesised;

  beforeAll(() => {
    s = synthCsat();
    withDomain = synthCsat({ domainName: 'survey.example.com', certificateArn: CERTIFICATE });
  });

  it('should export exactly the stateful values that change only when their resource is replaced', () => {
    // Arrange
    const { table, bucket, tokenSecret, configurationSet } = s.stateful;

    // Act
    const exported = exportsOf(s.statefulTemplate);

    // Assert
    expect(exported).toEqual({
      'Csat-TableName': { Ref: id(table) },
      'Csat-TableArn': { 'Fn::GetAtt': [id(table), 'Arn'] },
      'Csat-BucketName': { Ref: id(bucket) },
      'Csat-BucketArn': { 'Fn::GetAtt': [id(bucket), 'Arn'] },
      'Csat-TokenSecretArn': { Ref: id(tokenSecret) },
      'Csat-ConfigurationSetName': { Ref: id(configurationSet) },
    });
  });

  it('should add the custom domain’s name, and only that, when there is one', () => {
    const exported = exportsOf(withDomain.statefulTemplate);
    expect(Object.keys(exported)).toHaveLength(7);
    expect(exported['Csat-ApiDomainName']).toEqual({ Ref: id(withDomain.stateful.apiDomain!) });
  });

  it('should import nothing but those exports, and export nothing from the stateless stack', () => {
    for (const app of [s, withDomain]) {
      expect(new Set(importsOf(app.statelessTemplate))).toEqual(
        new Set(Object.keys(exportsOf(app.statefulTemplate))),
      );
      expect(exportsOf(app.statelessTemplate)).toEqual({});
    }
  });

  it('should name exports after the stack prefix, so two deployments in a region do not collide', () => {
    const staging = synthCsat({ stackPrefix: 'CsatStaging' });
    expect(Object.keys(exportsOf(staging.statefulTemplate)).every((n) => n.startsWith('CsatStaging-'))).toBe(
      true,
    );
  });

  it('should leave the stateful stack’s exports alone when policies, grants and functions change', () => {
    // Arrange
    const before = exportsOf(s.statefulTemplate);
    const changed = unsynthesised();
    const { stateless } = changed;
    const extra = new CsatFunction(stateless, 'Extra', {
      handler: 'remind',
      description: 'a function added in a later release',
      memorySize: 256,
      timeout: Duration.seconds(10),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    extra.grantTable(stateless.shared, ['GetItem']);
    stateless.report.grantObjects(stateless.shared, 'exports/file.json', ['PutObject']);
    stateless.surveyPage.role.addManagedPolicy(
      new ManagedPolicy(stateless, 'Reworded', {
        description: 'a description that changed, which replaces a managed policy',
        statements: [new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other/x'] })],
      }),
    );

    // Act
    const after = exportsOf(Template.fromStack(changed.stateful));
    const stateless2 = Template.fromStack(stateless);

    // Assert
    expect(after).toEqual(before);
    expect(Object.keys(stateless2.findResources('AWS::IAM::ManagedPolicy'))).toHaveLength(1);
    expect(new Set(importsOf(stateless2))).toEqual(new Set(Object.keys(before)));
  });
});
